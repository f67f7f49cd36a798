from datetime import date

import pytest

from auditor.benchmarks import Benchmark
from auditor.exceptions import (
    ExceptionReport,
    ExceptionRule,
    ExceptionsError,
    apply_exceptions,
    control_check_map,
    load_exceptions,
    parse_exceptions,
)
from auditor.model import Finding, Mute, Severity, Status, finding_id
from auditor.scan_result import ScanResult

TODAY = date(2026, 11, 1)
ACCOUNT = "123456789012"


def finding(
    check_id: str = "aws.ec2.sg_no_admin_ports_ipv4",
    resource_id: str = "sg-0abc1",
    status: Status = Status.FAIL,
    *,
    account: str = ACCOUNT,
    region: str = "eu-west-1",
    resource_name: str = "",
    tags: dict[str, str] | None = None,
) -> Finding:
    return Finding(
        id=finding_id("aws", account, region, check_id, resource_id),
        check_id=check_id,
        provider="aws",
        service=check_id.split(".")[1],
        severity=Severity.HIGH,
        status=status,
        account=account,
        region=region,
        resource_id=resource_id,
        resource_name=resource_name,
        message="m",
        tags=tags or {},
    )


def rule(**fields) -> ExceptionRule:
    fields.setdefault("owner", "alice@example.com")
    fields.setdefault("reason", "accepted")
    fields.setdefault("expires", date(2027, 3, 31))
    return ExceptionRule(**fields)


def apply(findings, rules, today=TODAY, control_checks=None):
    return apply_exceptions(findings, rules, today, control_checks or {})


def write(tmp_path, text: str):
    path = tmp_path / "mute.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------- matching


def test_a_check_glob_mutes_matching_findings_and_keeps_the_original_status():
    findings = [
        finding("aws.guardduty.enabled_all_regions", "det-1", Status.FAIL),
        finding("aws.guardduty.s3_protection", "det-1", Status.ERROR),
        finding("aws.vpc.flow_logs_enabled", "vpc-1", Status.FAIL),
    ]
    outcome = apply(findings, [rule(id="gd", check="aws.guardduty.*", reason="replaced by a SIEM")])
    statuses = [f.status for f in outcome.findings]
    assert statuses == [Status.MUTED, Status.MUTED, Status.FAIL]
    assert outcome.findings[0].muted == Mute(
        exception_id="gd",
        owner="alice@example.com",
        reason="replaced by a SIEM",
        expires=date(2027, 3, 31),
        original_status=Status.FAIL,
    )
    assert outcome.findings[1].muted.original_status is Status.ERROR
    assert outcome.findings[2].muted is None
    assert outcome.applied[0].findings == [findings[0].id, findings[1].id]
    assert outcome.expired == [] and outcome.unused == []
    assert findings[0].status is Status.FAIL  # the input is not changed


def test_an_exact_check_id_does_not_match_a_longer_one():
    findings = [finding("aws.vpc.flow_logs"), finding("aws.vpc.flow_logs_enabled")]
    outcome = apply(findings, [rule(check="aws.vpc.flow_logs")])
    assert [f.status for f in outcome.findings] == [Status.MUTED, Status.FAIL]


def test_a_control_mutes_the_findings_of_the_checks_that_decide_it():
    findings = [
        finding("aws.ec2.sg_no_admin_ports_ipv4", "sg-1"),
        finding("aws.ec2.sg_no_admin_ports_ipv6", "sg-1"),
        finding("aws.vpc.flow_logs_enabled", "vpc-1"),
    ]
    control_checks = {
        "cis-aws-7.0:6.3": {"aws.ec2.sg_no_admin_ports_ipv4", "aws.ec2.sg_no_admin_ports_ipv6"},
        "cis-aws-7.0:3.7": {"aws.vpc.flow_logs_enabled"},
    }
    outcome = apply(findings, [rule(control="cis-aws-7.0:6.3")], control_checks=control_checks)
    assert [f.status for f in outcome.findings] == [Status.MUTED, Status.MUTED, Status.FAIL]
    assert outcome.findings[0].muted.exception_id == "exceptions[0]"


def test_a_control_glob_covers_every_matching_control():
    control_checks = {
        "cis-aws-7.0:6.3": {"a.b.c"},
        "cis-aws-7.0:6.4": {"a.b.d"},
        "cis-aws-6.0:6.3": {"a.b.e"},
    }
    findings = [finding("a.b.c"), finding("a.b.d"), finding("a.b.e")]
    outcome = apply(findings, [rule(control="cis-aws-7.0:6.*")], control_checks=control_checks)
    assert [f.status for f in outcome.findings] == [Status.MUTED, Status.MUTED, Status.FAIL]


def test_control_check_map_is_built_from_benchmarks():
    benchmark = Benchmark.model_validate(
        {
            "id": "cis-aws-7.0",
            "title": "CIS AWS",
            "version": "7.0",
            "sections": [{"id": "6", "title": "Networking"}],
            "controls": [
                {
                    "id": "6.3",
                    "title": "No admin ports",
                    "section": "6",
                    "level": 1,
                    "assessment": "Automated",
                    "provider": "aws",
                    "checks": ["aws.ec2.sg_no_admin_ports_ipv4"],
                },
                {
                    "id": "6.9",
                    "title": "Manual",
                    "section": "6",
                    "level": 1,
                    "assessment": "Manual",
                    "provider": "aws",
                    "manual": "a person judges",
                },
            ],
        }
    )
    assert control_check_map([benchmark]) == {
        "cis-aws-7.0:6.3": {"aws.ec2.sg_no_admin_ports_ipv4"},
        "cis-aws-7.0:6.9": set(),
    }


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ({"account": "1234*"}, [Status.MUTED, Status.FAIL, Status.MUTED, Status.MUTED]),
        ({"region": "eu-*"}, [Status.MUTED, Status.MUTED, Status.FAIL, Status.MUTED]),
        ({"resource": "sg-0abc*"}, [Status.MUTED, Status.MUTED, Status.MUTED, Status.FAIL]),
        ({"resource": "bastion-?"}, [Status.FAIL, Status.FAIL, Status.FAIL, Status.MUTED]),  # by name
        ({"account": ACCOUNT, "region": "us-east-1"}, [Status.FAIL, Status.FAIL, Status.MUTED, Status.FAIL]),
    ],
)
def test_account_region_and_resource_globs_must_all_match(criteria, expected):
    findings = [
        finding(resource_id="sg-0abc1", region="eu-west-1"),
        finding(resource_id="sg-0abc2", region="eu-west-1", account="999999999999"),
        finding(resource_id="sg-0abc3", region="us-east-1"),
        finding(resource_id="sg-0ffff", region="eu-central-1", resource_name="bastion-1"),
    ]
    outcome = apply(findings, [rule(check="aws.ec2.*", **criteria)])
    assert [f.status for f in outcome.findings] == expected


def test_globs_are_case_sensitive():
    outcome = apply([finding(resource_id="SG-0ABC")], [rule(check="aws.*", resource="sg-0abc")])
    assert outcome.findings[0].status is Status.FAIL


def test_every_tag_must_be_present_and_match_its_value_glob():
    findings = [
        finding(resource_id="a", tags={"env": "legacy", "team": "net"}),
        finding(resource_id="b", tags={"env": "legacy-2"}),
        finding(resource_id="c", tags={"env": "prod", "team": "net"}),
        finding(resource_id="d"),
    ]
    outcome = apply(findings, [rule(check="aws.*", tags={"env": "legacy*", "team": "net"})])
    assert [f.status for f in outcome.findings] == [Status.MUTED, Status.FAIL, Status.FAIL, Status.FAIL]


def test_not_applicable_and_already_muted_findings_are_not_muted():
    done = finding(resource_id="x").model_copy(
        update={
            "status": Status.MUTED,
            "muted": Mute(
                exception_id="old",
                owner="o",
                reason="r",
                expires=date(2027, 1, 1),
                original_status=Status.FAIL,
            ),
        }
    )
    findings = [
        finding(resource_id="a", status=Status.NOT_APPLICABLE),
        finding(resource_id="b", status=Status.PASS),
        finding(resource_id="c", status=Status.MANUAL),
        done,
    ]
    outcome = apply(findings, [rule(check="aws.*")])
    assert [f.status for f in outcome.findings] == [
        Status.NOT_APPLICABLE,
        Status.MUTED,
        Status.MUTED,
        Status.MUTED,
    ]
    assert outcome.findings[3].muted.exception_id == "old"
    assert outcome.applied[0].findings == [findings[1].id, findings[2].id]


def test_the_first_matching_exception_wins_and_the_shadowed_one_is_unused():
    outcome = apply([finding()], [rule(id="first", check="aws.*"), rule(id="second", check="aws.ec2.*")])
    assert outcome.findings[0].muted.exception_id == "first"
    assert [u.exception.id for u in outcome.unused] == ["second"]
    assert "already muted by first" in outcome.unused[0].reason


# --------------------------------------------------------------------------------------------- expiry


def test_an_exception_still_mutes_on_its_expiry_day():
    outcome = apply([finding()], [rule(check="aws.*", expires=TODAY)])
    assert outcome.findings[0].status is Status.MUTED
    assert outcome.expired == []


def test_an_expired_exception_no_longer_mutes_and_is_reported_with_what_it_would_match():
    findings = [finding(resource_id="a"), finding(resource_id="b", status=Status.NOT_APPLICABLE)]
    outcome = apply(findings, [rule(id="old", check="aws.*", expires=date(2026, 10, 31))])
    assert [f.status for f in outcome.findings] == [Status.FAIL, Status.NOT_APPLICABLE]
    assert all(f.muted is None for f in outcome.findings)
    [expired] = outcome.expired
    assert expired.exception.id == "old"
    assert expired.days_expired == 1
    assert expired.findings == [findings[0].id]
    assert outcome.unused == [] and outcome.applied == []


def test_an_expired_exception_that_matches_nothing_is_still_reported_as_expired():
    outcome = apply([], [rule(check="aws.*", expires=date(2020, 1, 1))])
    assert len(outcome.expired) == 1 and outcome.expired[0].findings == []
    assert outcome.unused == []


# --------------------------------------------------------------------------------------------- unused


def test_an_exception_that_matches_nothing_is_reported_as_unused():
    outcome = apply([finding()], [rule(id="typo", check="aws.ec3.*")])
    assert outcome.findings[0].status is Status.FAIL
    [unused] = outcome.unused
    assert unused.exception.id == "typo" and "matched no finding" in unused.reason


def test_a_control_no_benchmark_knows_is_unused_with_a_reason():
    outcome = apply(
        [finding()], [rule(control="cis-aws-7.0:99.9")], control_checks={"cis-aws-7.0:6.3": {"x"}}
    )
    assert "names no check" in outcome.unused[0].reason


def test_an_exception_that_only_matches_not_applicable_is_unused():
    outcome = apply([finding(status=Status.NOT_APPLICABLE)], [rule(check="aws.*")])
    assert len(outcome.unused) == 1


def test_the_report_is_serialisable_and_round_trips():
    path_rules = parse_exceptions(
        "exceptions:\n"
        "  - {id: a, check: 'aws.*', owner: o, reason: r, expires: 2027-01-01}\n"
        "  - {id: b, check: 'gcp.*', owner: o, reason: r, expires: 2027-01-01}\n"
        "  - {id: c, check: 'aws.*', owner: o, reason: r, expires: 2020-01-01}\n",
        "mute.yaml",
    )
    outcome = apply([finding()], path_rules)
    report = outcome.report
    assert report.source == "mute.yaml" and report.evaluated_on == TODAY
    assert [a.exception.id for a in report.applied] == ["a"]
    assert [u.exception.id for u in report.unused] == ["b"]
    assert [e.exception.id for e in report.expired] == ["c"]
    assert report.muted_count == 1
    assert ExceptionReport.model_validate_json(report.model_dump_json()) == report


def test_muted_findings_fit_a_scan_result():
    outcome = apply([finding()], [rule(check="aws.*")])
    now = "2026-11-01T00:00:00Z"
    result = ScanResult(
        tool_version="0",
        started_at=now,
        finished_at=now,
        source="snapshot",
        scopes=[],
        inventory_hash="h",
        api_calls=0,
        findings=outcome.findings,
    )
    again = ScanResult.model_validate_json(result.model_dump_json(by_alias=True))
    assert again.findings[0].muted.original_status is Status.FAIL
    assert again.counts()[Status.MUTED] == 1


# -------------------------------------------------------------------------------------------- loading

GOOD = """\
exceptions:
  - id: legacy-bastion          # a comment
    check: aws.ec2.sg_no_admin_ports_ipv4
    account: 012345678901
    region: eu-west-1
    resource: "sg-0abc*"
    tags: {env: legacy, public: yes}
    owner: alice@example.com
    reason: "Bastion replaced in Q1"
    expires: 2027-03-31
  - control: cis-aws-7.0:6.3
    owner: bob@example.com
    reason: Accepted by the CISO
    expires: "2027-01-15"
"""


def test_a_valid_file_loads_with_text_values_and_default_ids(tmp_path):
    loaded = load_exceptions(write(tmp_path, GOOD))
    first, second = loaded.exceptions
    assert first.id == "legacy-bastion"
    assert first.account == "012345678901"  # not an octal number
    assert first.tags == {"env": "legacy", "public": "yes"}  # not a boolean
    assert first.expires == date(2027, 3, 31)
    assert second.id == "exceptions[1]" and second.control == "cis-aws-7.0:6.3"
    assert second.expires == date(2027, 1, 15)
    assert loaded.source == str(tmp_path / "mute.yaml")


def test_an_empty_list_is_allowed(tmp_path):
    assert load_exceptions(write(tmp_path, "exceptions: []\n")).exceptions == ()


def _error(tmp_path, text: str) -> str:
    with pytest.raises(ExceptionsError) as caught:
        load_exceptions(write(tmp_path, text))
    message = str(caught.value)
    assert message.startswith(str(tmp_path / "mute.yaml") + ": ")
    return message


ITEM = "  - check: aws.vpc.flow_logs_enabled\n    owner: o\n    reason: r\n    expires: 2027-01-01\n"


def test_a_bad_date_names_the_line_and_field(tmp_path):
    text = "exceptions:\n" + ITEM + "  - check: a.b.c\n    owner: o\n    reason: r\n    expires: 2027-02-30\n"
    message = _error(tmp_path, text)
    assert "line 9: exceptions[1].expires: Input should be a valid date" in message


def test_a_date_that_is_not_a_date_names_the_line(tmp_path):
    message = _error(tmp_path, "exceptions:\n  - check: a\n    owner: o\n    reason: r\n    expires: soon\n")
    assert "line 5: exceptions[0].expires: Input should be a valid date (YYYY-MM-DD), got 'soon'" in message


def test_a_missing_owner_names_the_item_line(tmp_path):
    text = "exceptions:\n" + ITEM + "\n  - check: a.b.c\n    reason: r\n    expires: 2027-01-01\n"
    message = _error(tmp_path, text)
    assert "line 7: exceptions[1].owner:" in message and "owner" in message


def test_a_blank_reason_is_refused(tmp_path):
    message = _error(
        tmp_path, "exceptions:\n  - check: a\n    owner: o\n    reason: '  '\n    expires: 2027-01-01\n"
    )
    assert "line 4: exceptions[0].reason: must not be blank" in message


def test_an_unknown_key_is_refused_naming_its_line(tmp_path):
    message = _error(tmp_path, "exceptions:\n" + ITEM + "    resources: sg-1\n")
    assert "line 6: exceptions[0].resources: unknown key" in message
    assert "resource" in message  # the expected keys are listed


def test_an_unknown_top_level_key_is_refused(tmp_path):
    message = _error(tmp_path, "exceptions: []\nmutes: []\n")
    assert "line 2: mutes: unknown key" in message


def test_check_and_control_are_exclusive_and_one_is_required(tmp_path):
    both = _error(tmp_path, "exceptions:\n" + ITEM + "    control: cis-aws-7.0:6.3\n")
    assert "line 2: exceptions[0]: give either 'check' or 'control', not both" in both
    neither = _error(tmp_path, "exceptions:\n  - owner: o\n    reason: r\n    expires: 2027-01-01\n")
    assert "line 2: exceptions[0]:" in neither and "'control'" in neither


def test_a_control_must_name_its_benchmark(tmp_path):
    message = _error(
        tmp_path, "exceptions:\n  - control: 6.3\n    owner: o\n    reason: r\n    expires: 2027-01-01\n"
    )
    assert "line 2: exceptions[0].control: should be 'benchmark:control'" in message


def test_a_yaml_syntax_error_names_the_line(tmp_path):
    message = _error(tmp_path, "exceptions:\n  - check: a\n    owner: [o\n    reason: r\n")
    assert "invalid YAML" in message and "line " in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("exceptions:\n  check: a\n", "line 1: exceptions: Input should be a valid list"),
        (
            "- check: a\n",
            "line 1: expected a mapping with an 'exceptions' list at the top level, found a list",
        ),
        ("", "line 1: the file is empty"),
        ("exceptions:\n", "line 1: exceptions: Input should be a valid list"),
    ],
)
def test_exceptions_must_be_a_list_under_a_mapping(tmp_path, text, expected):
    assert expected in _error(tmp_path, text)


def test_a_duplicate_key_is_refused(tmp_path):
    message = _error(tmp_path, "exceptions:\n" + ITEM + "    expires: 2099-01-01\n")
    assert "line 6: exceptions[0].expires: duplicate key" in message


def test_a_duplicate_id_is_refused(tmp_path):
    item = "  - id: x\n    check: a\n    owner: o\n    reason: r\n    expires: 2027-01-01\n"
    message = _error(tmp_path, "exceptions:\n" + item + item)
    assert "line 7: exceptions[1].id: duplicate id 'x' (also exceptions[0], line 2)" in message


def test_python_tags_are_refused(tmp_path):
    assert "invalid YAML" in _error(tmp_path, "exceptions: !!python/object/apply:os.system ['true']\n")


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ExceptionsError, match=r"nope\.yaml: cannot read"):
        load_exceptions(tmp_path / "nope.yaml")
