"""Quiz questions from a real scan: scenarios built on FAIL findings, and focus weights for a bank.

Pure: reads a ``ScanResult`` and the check registry, returns models. Resource names, ids and
messages come from the scanned account (attacker-controlled): they stay plain text here, with
control and format characters removed; renderers escape them. Rules: docs/quiz-engine.md.
"""

from __future__ import annotations

import random
import re
import unicodedata

from auditor.model import CheckMeta, Finding, Status
from auditor.registry import load_checks
from auditor.remediation import remediation_command
from auditor.scan_result import ScanResult
from auditor.scoring import ControlStatus
from quiz.bank import Bank, Question, RelatesTo, Scenario

FOCUS_WEIGHT = 3.0
SECTION_BY_SERVICE = {
    "vpc": "flow-logs",
    "guardduty": "guardduty",
    "securityhub": "siem",
    "route53resolver": "log-types",
    "elbv2": "log-types",
    "elb": "log-types",
    "wafv2": "log-types",
    "cloudfront": "log-types",
    "apigateway": "log-types",
    "cloudtrail": "log-types",
}
DEFAULT_SECTION = "log-types"
_DISTRACTORS = 3
_MAX_FIELD = 300


def clean_text(value: str, limit: int = _MAX_FIELD) -> str:
    """``value`` without control or format characters (newlines become spaces), whitespace collapsed,
    cut to ``limit`` characters."""
    kept = []
    for char in value:
        category = unicodedata.category(char)
        if category in ("Cc", "Zl", "Zp"):
            kept.append(" ")
        elif category not in ("Cf", "Cs", "Co", "Cn"):
            kept.append(char)
    text = " ".join("".join(kept).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


def _fix_text(meta: CheckMeta) -> str:
    return clean_text(meta.remediation.text or meta.remediation.cli, 400)


def _situation(finding: Finding) -> str:
    resource = clean_text(finding.resource_id)
    name = clean_text(finding.resource_name)
    label = f"{resource} ({name})" if name and name != resource else resource
    region = clean_text(finding.region, 60)
    account = clean_text(finding.account, 60)
    message = clean_text(finding.message, 600)
    return f"In {region} (account {account}), the scan flagged {label}: {message}"


def _options(right: str, others: list[str], rng: random.Random) -> tuple[list[str], int] | None:
    seen = {right.casefold()}
    pool = []
    for text in others:
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            pool.append(text)
    if len(pool) < 2:
        return None
    options = [right, *rng.sample(pool, min(_DISTRACTORS, len(pool)))]
    rng.shuffle(options)
    return options, options.index(right)


def scenario_questions(result: ScanResult, *, limit: int = 5, seed: int = 0) -> list[Question]:
    """Up to ``limit`` scenario questions, one per failing check (most severe first): even positions
    ask for the fix (the check's remediation), odd ones for the failing check (its title)."""
    registry = load_checks()
    rng = random.Random(seed)
    firsts: dict[str, Finding] = {}
    failing = (f for f in result.findings if f.status is Status.FAIL and f.check_id in registry)
    for finding in sorted(failing, key=lambda f: (f.severity.rank, f.check_id, f.region, f.resource_id)):
        firsts.setdefault(finding.check_id, finding)
    questions: list[Question] = []
    for check_id, finding in firsts.items():
        if len(questions) >= limit:
            break
        meta = registry.get(check_id).meta
        others = [c.meta for c in registry.all() if c.id != check_id]
        same_provider = [m for m in others if m.provider == meta.provider] or others
        n = len(questions) + 1
        asks_fix = n % 2 == 1
        if asks_fix:
            right = _fix_text(meta)
            built = _options(right, [_fix_text(m) for m in same_provider], rng)
            prompt = "Which change fixes this finding?"
        else:
            right = clean_text(meta.title)
            built = _options(right, [clean_text(m.title) for m in same_provider], rng)
            prompt = "Which control does this finding fail?"
        if built is None:
            continue
        options, answer = built
        command = clean_text(remediation_command(meta, finding), 600)
        title = clean_text(meta.title)
        explanation = f"The finding fails {check_id} ({title}). Fix: {_fix_text(meta)} Command: {command}"
        questions.append(
            Scenario(
                type="scenario",
                id=f"scan-{_slug(check_id)}-{n}"[:80].rstrip("-"),
                section=SECTION_BY_SERVICE.get(meta.service, DEFAULT_SECTION),
                situation=_situation(finding),
                prompt=prompt,
                options=options,
                answers=[answer],
                explanation=explanation,
                relates_to=RelatesTo(checks=[check_id]),
                difficulty=2,
            )
        )
    return questions


def focus_from_scan(result: ScanResult, bank: Bank) -> dict[str, float]:
    """Question id -> ``FOCUS_WEIGHT`` when one of its checks has a FAIL finding or one of its
    controls (``benchmark:control``) is FAIL in the scan's benchmarks; 1.0 otherwise."""
    checks = {f.check_id for f in result.findings if f.status is Status.FAIL}
    controls = {
        f"{score.benchmark_id}:{control.control_id}"
        for score in result.benchmarks
        for control in score.controls
        if control.status is ControlStatus.FAIL
    }
    return {
        q.id: FOCUS_WEIGHT
        if checks.intersection(q.relates_to.checks) or controls.intersection(q.relates_to.controls)
        else 1.0
        for q in bank.questions
    }
