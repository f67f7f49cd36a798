"""JUnit XML for CI: a failing check fails the build's test report like a failing test.

One ``<testsuite>`` per provider and account, one ``<testcase>`` per check (over every region and
resource of that account): ``classname`` is the check's service, ``name`` is "check id: title".

- ``<failure>`` when any unmuted finding of the check is FAIL (message: the failing resources; body: one
  line per failing resource with its message and the exact fix command);
- else ``<error>`` when any unmuted finding is ERROR (the check could not be evaluated);
- else ``<skipped>`` when no unmuted finding is PASS (only NOT_APPLICABLE, MANUAL or MUTED findings);
- else the test case passed.

Muted findings never fail or error a test case: they are accepted risks, listed in ``<system-out>``.
The counts (``tests``, ``failures``, ``errors``, ``skipped``) on every suite are the counts of those
elements; ``<testsuites>`` carries their sums (``tests``, ``failures``, ``errors``: junit-10.xsd has no
``skipped`` there). The attributes follow the common JUnit XML schema (Ant / Jenkins
``junit-10.xsd``): ``testsuite`` carries ``name``, ``tests``, ``failures``, ``errors``, ``skipped``,
``time``, ``timestamp``, ``hostname``, ``id`` and ``package``; ``testcase`` carries ``name``,
``classname`` and ``time``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from auditor.model import Status
from auditor.scan_result import ScanResult
from reports.exports.finding_facts import PRODUCT_NAME, FindingFacts, facts_for, shorten, xml_safe

__all__ = [
    "JUNIT_MEDIA_TYPE",
    "JUNIT_SUFFIX",
    "CheckOutcome",
    "check_outcome",
    "to_junit",
]

JUNIT_SUFFIX = ".junit.xml"
JUNIT_MEDIA_TYPE = "application/xml"
_MESSAGE_MAX = 1000

Outcome = Literal["passed", "failure", "error", "skipped"]


@dataclass(frozen=True)
class CheckOutcome:
    """The verdict of one check over one account, as a test case."""

    outcome: Outcome
    message: str
    body: str


def _where(facts: FindingFacts) -> str:
    finding = facts.finding
    name = f" ({finding.resource_name})" if finding.resource_name else ""
    return f"{finding.region}/{finding.resource_id}{name}"


def check_outcome(findings: Sequence[FindingFacts]) -> CheckOutcome:
    """The test-case outcome of the findings of one check in one account."""
    unmuted = [f for f in findings if f.finding.muted is None and f.finding.status is not Status.MUTED]
    by_status: dict[Status, list[FindingFacts]] = {}
    for facts in unmuted:
        by_status.setdefault(facts.finding.status, []).append(facts)

    if failing := by_status.get(Status.FAIL):
        resources = ", ".join(_where(f) for f in failing)
        body = "\n".join(
            f"{_where(f)}: {f.finding.message}" + (f"\n  fix: {f.command}" if f.command else "")
            for f in failing
        )
        return CheckOutcome("failure", shorten(f"{len(failing)} failing: {resources}", _MESSAGE_MAX), body)
    if errors := by_status.get(Status.ERROR):
        body = "\n".join(f"{_where(f)}: {f.finding.message}" for f in errors)
        return CheckOutcome(
            "error", shorten(f"{len(errors)} not evaluated: {errors[0].finding.message}", _MESSAGE_MAX), body
        )
    if not by_status.get(Status.PASS):
        muted = len(findings) - len(unmuted)
        parts = [
            f"{len(by_status[s])} {s.value}" for s in (Status.NOT_APPLICABLE, Status.MANUAL) if s in by_status
        ]
        if muted:
            parts.append(f"{muted} MUTED")
        first = unmuted[0].finding.message if unmuted else "every finding is muted by an exception"
        return CheckOutcome("skipped", shorten(f"{', '.join(parts)}: {first}", _MESSAGE_MAX), "")
    return CheckOutcome("passed", "", "")


def _muted_lines(findings: Sequence[FindingFacts]) -> list[str]:
    lines = []
    for facts in findings:
        mute = facts.finding.muted
        if mute is not None:
            lines.append(
                f"MUTED {_where(facts)} ({mute.original_status.value}) by {mute.exception_id}, owner "
                f"{mute.owner}, until {mute.expires.isoformat()}: {mute.reason}"
            )
        elif facts.finding.status is Status.MUTED:
            lines.append(f"MUTED {_where(facts)}")
    return lines


def _set(element: ET.Element, **attributes: str | int) -> None:
    for key, value in attributes.items():
        element.set(key, xml_safe(str(value)))


def to_junit(result: ScanResult) -> str:
    """The scan as a JUnit XML document (UTF-8, with an XML declaration)."""
    groups: dict[tuple[str, str], dict[str, list[FindingFacts]]] = {}
    for facts in facts_for(result):
        finding = facts.finding
        groups.setdefault((finding.provider, finding.account), {}).setdefault(finding.check_id, []).append(
            facts
        )

    duration = f"{max(0.0, (result.finished_at - result.started_at).total_seconds()):.3f}"
    timestamp = result.finished_at.strftime("%Y-%m-%dT%H:%M:%S")  # xs:dateTime without zone (junit-10.xsd)
    root = ET.Element("testsuites")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for index, ((provider, account), checks) in enumerate(sorted(groups.items())):
        suite = ET.SubElement(root, "testsuite")
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        properties = ET.SubElement(suite, "properties")
        scope = next((s for s in result.scopes if s.provider == provider and s.account == account), None)
        for name, value in (
            ("provider", provider),
            ("account", account),
            ("regions", ",".join(scope.regions) if scope else ""),
            ("tool_version", result.tool_version),
            ("source", result.source),
            ("inventory_hash", result.inventory_hash),
        ):
            _set(ET.SubElement(properties, "property"), name=name, value=value)
        muted_out: list[str] = []
        for check_id in sorted(checks):
            findings = checks[check_id]
            first = findings[0]
            case = ET.SubElement(suite, "testcase")
            _set(case, name=f"{check_id}: {first.title}", classname=first.finding.service, time="0")
            outcome = check_outcome(findings)
            counts["tests"] += 1
            if outcome.outcome == "failure":
                counts["failures"] += 1
                element = ET.SubElement(case, "failure")
                _set(element, message=outcome.message, type="FAIL")
                element.text = xml_safe(outcome.body)
            elif outcome.outcome == "error":
                counts["errors"] += 1
                element = ET.SubElement(case, "error")
                _set(element, message=outcome.message, type="ERROR")
                element.text = xml_safe(outcome.body)
            elif outcome.outcome == "skipped":
                counts["skipped"] += 1
                _set(ET.SubElement(case, "skipped"), message=outcome.message)
            muted_out += _muted_lines(findings)
        _set(
            suite,
            name=f"{PRODUCT_NAME} {provider} {account}",
            tests=counts["tests"],
            failures=counts["failures"],
            errors=counts["errors"],
            skipped=counts["skipped"],
            time=duration,
            timestamp=timestamp,
            hostname=PRODUCT_NAME,
            id=index,
            package=f"{provider}.{account}",
        )
        ET.SubElement(suite, "system-out").text = xml_safe("\n".join(muted_out))
        ET.SubElement(suite, "system-err").text = ""
        for key in totals:
            totals[key] += counts[key]
    # <testsuites> carries no 'skipped' in junit-10.xsd; the suites do.
    _set(root, name=PRODUCT_NAME, time=duration, tests=totals["tests"], failures=totals["failures"])
    _set(root, errors=totals["errors"])
    ET.indent(root, space=" ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
