"""The benchmark catalogs: they match the CIS control lists, name only real checks, and use every check.

The CIS CSVs live in ``shared/cis`` beside the repository (CI keeps a copy of ``shared/`` beside the clone);
the tests that compare against them are skipped, with the reason, when that directory is absent.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from auditor.benchmarks import (
    Benchmark,
    BenchmarkError,
    Control,
    available_benchmarks,
    load_benchmark,
    load_benchmark_file,
)
from auditor.registry import load_checks

CIS_DIR = Path(
    os.environ.get("POSTURE_AUDITOR_CIS_DIR", Path(__file__).resolve().parents[2] / "shared" / "cis")
)

CIS_AWS = ("cis-aws-7.0", "cis-aws-5.0")
CIS_AZURE = ("cis-azure-6.0", "cis-azure-5.0")
# Azure: the subsections this tool assesses (6.1 Logging and Monitoring, 7 Networking, 8.1 Defender).
AZURE_IN_SCOPE_PREFIXES = ("6.1.", "7.", "8.1.")
CIS_GCP = ("cis-gcp-5.0", "cis-gcp-4.0")
# The sections this tool assesses (network logging and threat detection); the rest are out of scope.
IN_SCOPE_SECTIONS = {
    "cis-aws-7.0": {"4", "5", "6"},
    "cis-aws-5.0": {"3", "4", "5"},
    "cis-gcp-5.0": {"2", "3"},
    "cis-gcp-4.0": {"2", "3"},
}
# GCP checks that no catalog uses, each with the reason.
UNMAPPED_GCP_CHECKS = {
    "gcp.scc.no_active_high_findings": "summarises SCC's own active findings (the module's "
    "`gcloud scc findings list`): a work queue reported beside the controls, not a configuration "
    "control of a benchmark",
}
# AWS checks that no catalog uses, each with the reason. Empty today: every check serves a control.
UNMAPPED_CHECKS: dict[str, str] = {}

LOG_TYPES = ("FLOW", "DNS", "API", "LB", "WAF")
PROVIDERS = ("aws", "azure", "gcp")


def _catalogs() -> list[Benchmark]:
    return [load_benchmark(benchmark_id) for benchmark_id in available_benchmarks()]


def _control(benchmark_id: str, control_id: str) -> Control:
    return next(c for c in load_benchmark(benchmark_id).controls if c.id == control_id)


def _cis_rows(benchmark_id: str) -> list[dict[str, str]]:
    path = CIS_DIR / f"{benchmark_id}.csv"
    if not path.is_file():
        pytest.skip(
            f"CIS control list {path} not found (shared/cis is expected beside the repository; "
            "set POSTURE_AUDITOR_CIS_DIR to point elsewhere): ids and titles are not compared"
        )
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    except OSError as error:
        pytest.skip(f"CIS control list {path} cannot be read ({error.strerror or error})")


def _counterpart_in_7_0(control_id_5_0: str) -> str:
    """5.0 3.x = 7.0 4.x, 4.x = 5.x, 5.x = 6.x (5.1.1 = 6.1.1)."""
    head, *rest = control_id_5_0.split(".")
    return ".".join([str(int(head) + 1), *rest])


# --- the shipped catalogs load ------------------------------------------------------------------------


def test_the_shipped_catalogs_load_and_are_named_by_their_id():
    assert set(available_benchmarks()) >= {
        "cis-aws-7.0",
        "cis-aws-5.0",
        "cis-azure-6.0",
        "cis-azure-5.0",
        "module4-baseline",
    }
    for benchmark_id in available_benchmarks():
        assert load_benchmark(benchmark_id).id == benchmark_id


def test_cis_aws_catalogs_are_aws_only_and_complete_in_size():
    assert len(load_benchmark("cis-aws-7.0").controls) == 70
    assert len(load_benchmark("cis-aws-5.0").controls) == 63
    for benchmark_id in CIS_AWS:
        assert {c.provider for c in load_benchmark(benchmark_id).controls} == {"aws"}


# --- (a) every check named exists ----------------------------------------------------------------------


@pytest.mark.parametrize("benchmark_id", available_benchmarks())
def test_every_check_named_in_a_catalog_is_registered(benchmark_id):
    registry = load_checks()
    for control in load_benchmark(benchmark_id).controls:
        unknown = [check for check in control.checks if check not in registry]
        assert not unknown, f"{benchmark_id} {control.id} names unregistered checks {unknown}"


# --- (b) in-scope controls are decided; the rest say why not ------------------------------------------


@pytest.mark.parametrize("benchmark_id", CIS_AWS)
def test_every_in_scope_control_names_its_checks_or_says_why_not(benchmark_id):
    sections = IN_SCOPE_SECTIONS[benchmark_id]
    for control in load_benchmark(benchmark_id).controls:
        if control.section in sections:
            assert control.in_scope, f"{benchmark_id} {control.id} is in an assessed section"
            assert not control.pending, f"{benchmark_id} {control.id}: AWS controls are not pending"
            if control.assessment == "Automated":
                assert control.checks or control.manual.strip(), f"{benchmark_id} {control.id} undecided"
            # Every in-scope AWS control has at least one check (decision or evidence for a person).
            assert control.checks, f"{benchmark_id} {control.id} names no check"
        else:
            assert control.out_of_scope.strip(), (
                f"{benchmark_id} {control.id} must say why it is out of scope"
            )
            assert "not assessed by this tool yet" in control.out_of_scope


def test_cis_manual_controls_that_checks_decide_keep_their_cis_assessment():
    for control_id in ("4.1", *(f"5.{n}" for n in range(1, 16))):
        control = _control("cis-aws-7.0", control_id)
        assert control.assessment == "Manual"
        assert control.checks and control.decided_by == "checks", control_id


def test_web_front_end_access_logging_is_decided_by_every_front_end_check():
    assert set(_control("cis-aws-7.0", "4.10").checks) == {
        "aws.elbv2.access_logging_enabled",
        "aws.elb.classic_access_logging_enabled",
        "aws.cloudfront.access_logging_enabled",
        "aws.apigateway.stage_access_logging_enabled",
    }


def test_manual_controls_attach_their_evidence_checks():
    for benchmark_id, control_id, check in (
        ("cis-aws-7.0", "6.6", "aws.vpc.peering_routes_least_access"),
        ("cis-aws-7.0", "6.8", "aws.vpc.endpoints_for_aws_services"),
        ("cis-aws-5.0", "5.6", "aws.vpc.peering_routes_least_access"),
        # "ATP alerts for storage accounts are monitored": open High Defender alerts are evidence they are not
        ("cis-azure-6.0", "8.1.5.2", "azure.defender.no_unaddressed_high_alerts"),
        ("cis-azure-5.0", "8.1.5.2", "azure.defender.no_unaddressed_high_alerts"),
    ):
        control = _control(benchmark_id, control_id)
        assert control.decided_by == "manual" and control.manual.strip()
        assert control.checks == (check,)


def test_cis_azure_catalogs_are_azure_only_and_complete_in_size():
    assert len(load_benchmark("cis-azure-6.0").controls) == 127
    assert len(load_benchmark("cis-azure-5.0").controls) == 155
    for benchmark_id in CIS_AZURE:
        assert {c.provider for c in load_benchmark(benchmark_id).controls} == {"azure"}


@pytest.mark.parametrize("benchmark_id", CIS_AZURE)
def test_every_in_scope_azure_control_names_its_checks_or_says_why_a_person_decides(benchmark_id):
    for control in load_benchmark(benchmark_id).controls:
        if control.id.startswith(AZURE_IN_SCOPE_PREFIXES):
            assert control.in_scope and not control.pending, f"{benchmark_id} {control.id}"
            assert control.checks or control.manual.strip(), f"{benchmark_id} {control.id} undecided"
        else:
            assert "not assessed by this tool yet" in control.out_of_scope, f"{benchmark_id} {control.id}"


def test_the_module_azure_controls_and_the_waf_controls_are_decided_by_checks():
    decided = {c.id: c for c in load_benchmark("cis-azure-6.0").controls}
    for control_id, check in (
        ("7.10", "azure.network.application_gateway_waf_enabled"),
        ("7.14", "azure.network.waf_request_body_inspection"),
        ("7.15", "azure.network.waf_bot_protection"),
        ("6.1.1.1", "azure.monitor.activity_log_exported"),
        ("8.1.3.1", "azure.defender.virtual_machines_plan_enabled"),
        ("8.1.5.1", "azure.defender.storage_accounts_plan_enabled"),
        ("8.1.8.1", "azure.defender.key_vaults_plan_enabled"),
        ("8.1.15", "azure.defender.attack_path_notifications_enabled"),  # the 2023-12-01-preview contacts
    ):
        assert decided[control_id].checks == (check,), control_id
    automated = [c for c in decided.values() if c.in_scope and c.assessment == "Automated"]
    by_checks = [c for c in automated if c.decided_by == "checks"]
    # every automated in-scope control but three (App Insights, VPN gateways, system updates: data this
    # tool does not collect) has checks
    assert {c.id for c in automated} - {c.id for c in by_checks} == {"6.1.3.1", "7.9", "8.1.10"}


def test_the_same_checks_decide_a_control_in_azure_6_0_and_5_0():
    def key(title: str) -> str:
        return "".join(ch for ch in title.lower() if ch.isalnum())

    v6 = {key(c.title): c for c in load_benchmark("cis-azure-6.0").controls}
    paired = 0
    for control in load_benchmark("cis-azure-5.0").controls:
        counterpart = v6.get(key(control.title))
        if control.in_scope and counterpart is not None:
            paired += 1
            assert counterpart.checks == control.checks, f"5.0 {control.id} / 6.0 {counterpart.id}"
    assert paired >= 55


def test_every_azure_check_is_used_by_a_cis_azure_catalog_or_the_baseline():
    used = set().union(*(load_benchmark(b).check_ids() for b in (*CIS_AZURE, "module4-baseline")))
    registered = {check.id for check in load_checks().all("azure")}
    assert registered - used == set()
    assert "azure.network.nsg_flow_logs_migrated" in load_benchmark("module4-baseline").check_ids()


# --- (c) the catalogs match the CIS control lists -----------------------------------------------------


@pytest.mark.parametrize("benchmark_id", CIS_AWS + CIS_AZURE + CIS_GCP)
def test_every_cis_control_is_in_the_catalog_as_cis_prints_it(benchmark_id):
    rows = _cis_rows(benchmark_id)
    catalog = {c.id: c for c in load_benchmark(benchmark_id).controls}
    assert len(catalog) == len(rows), f"{benchmark_id}: {len(catalog)} controls, the CSV has {len(rows)}"
    for row in rows:
        control = catalog.get(row["id"])
        assert control is not None, f"{benchmark_id}: control {row['id']} is missing"
        section_id, _, section_title = row["section"].partition(" ")
        if not section_title:  # cis-gcp-4.0.csv gives two 6.3.x rows the bare subsection "6.3" as section
            section_id = row["id"].split(".")[0]
            section_title = load_benchmark(benchmark_id).section(section_id).title
        assert control.title == row["title"], row["id"]
        assert control.level == {"Level 1": 1, "Level 2": 2}[row["profile"]], row["id"]
        assert control.assessment == row["assessment"], row["id"]
        assert control.section == section_id, row["id"]
        assert control.subsection == row["subsection"], row["id"]
        assert load_benchmark(benchmark_id).section(section_id).title == section_title, row["id"]


def test_every_shipped_cis_catalog_has_its_control_list():
    if not CIS_DIR.is_dir():
        pytest.skip(f"{CIS_DIR} not found: the CIS control lists are not compared")
    for benchmark_id in available_benchmarks():
        if benchmark_id.startswith("cis-"):
            assert (CIS_DIR / f"{benchmark_id}.csv").is_file(), benchmark_id


# --- (d) one check serves every version ---------------------------------------------------------------


def test_the_same_checks_decide_a_control_in_aws_7_0_and_5_0():
    v7 = {c.id: c for c in load_benchmark("cis-aws-7.0").controls}
    paired: set[str] = set()
    for control in load_benchmark("cis-aws-5.0").controls:
        if not control.in_scope:
            continue
        counterpart = v7[_counterpart_in_7_0(control.id)]
        paired.add(counterpart.id)
        assert counterpart.title.replace('"', "") == control.title, control.id
        assert counterpart.checks == control.checks, f"5.0 {control.id} / 7.0 {counterpart.id}"
        assert counterpart.manual == control.manual, f"5.0 {control.id} / 7.0 {counterpart.id}"
    new_in_7_0 = {c.id for c in v7.values() if c.in_scope} - paired
    assert new_in_7_0 == {"4.10", "6.8"}


@pytest.mark.parametrize(
    ("check", "v7", "v5"),
    [
        ("aws.vpc.flow_logs_enabled", "4.7", "3.7"),
        ("aws.cloudtrail.multi_region_trail_logging", "4.1", "3.1"),
        ("aws.cloudwatch.unauthorized_api_calls_monitored", "5.1", "4.1"),
        ("aws.securityhub.enabled", "5.16", "4.16"),
        ("aws.ec2.ebs_default_encryption", "6.1.1", "5.1.1"),
    ],
)
def test_a_check_is_mapped_from_both_versions(check, v7, v5):
    assert check in _control("cis-aws-7.0", v7).checks
    assert check in _control("cis-aws-5.0", v5).checks


# --- (e) every check serves a catalog ----------------------------------------------------------------


def test_every_aws_check_is_used_by_a_catalog():
    used = set().union(*(catalog.check_ids() for catalog in _catalogs()))
    registered = {check.id for check in load_checks().all("aws")}
    unused = registered - used - set(UNMAPPED_CHECKS)
    assert not unused, f"checks no catalog uses (map them or list them in UNMAPPED_CHECKS): {sorted(unused)}"
    stale = {check for check in UNMAPPED_CHECKS if check in used or check not in registered}
    assert not stale, f"UNMAPPED_CHECKS lists checks that are used or do not exist: {sorted(stale)}"


def test_every_gcp_check_is_used_by_a_catalog():
    used = set().union(*(catalog.check_ids() for catalog in _catalogs()))
    registered = {check.id for check in load_checks().all("gcp")}
    unused = registered - used - set(UNMAPPED_GCP_CHECKS)
    assert not unused, f"GCP checks no catalog uses: {sorted(unused)}"
    assert set(UNMAPPED_GCP_CHECKS) <= registered - used


def test_cis_gcp_catalogs_are_gcp_only_complete_and_decide_sections_2_and_3():
    for benchmark_id, size in (("cis-gcp-5.0", 93), ("cis-gcp-4.0", 84)):
        catalog = load_benchmark(benchmark_id)
        assert len(catalog.controls) == size
        assert {c.provider for c in catalog.controls} == {"gcp"}
        not_collected = {"cis-gcp-5.0": set(), "cis-gcp-4.0": {"2.15"}}[benchmark_id]
        for control in catalog.controls:
            in_scope = control.section in IN_SCOPE_SECTIONS[benchmark_id] and control.id not in not_collected
            assert control.in_scope == in_scope, (benchmark_id, control.id)
            if in_scope:
                expected = "manual" if control.assessment == "Manual" else "checks"
                assert control.decided_by == expected, (benchmark_id, control.id)


@pytest.mark.parametrize(
    ("check", "v5", "v4"),
    [
        ("gcp.compute.subnet_flow_logs_enabled", "3.10", "3.8"),
        ("gcp.dns.policy_logging_enabled", "2.13", "2.12"),
        ("gcp.logging.data_access_audit_logs_enabled", "2.1", "2.1"),
        ("gcp.compute.backend_service_logging_enabled", "2.17", "2.16"),
        ("gcp.monitoring.firewall_rule_changes_monitored", "2.8", "2.7"),
    ],
)
def test_a_gcp_check_is_mapped_from_both_versions(check, v5, v4):
    assert _control("cis-gcp-5.0", v5).checks == (check,)
    assert _control("cis-gcp-4.0", v4).checks == (check,)


def test_checks_beyond_cis_serve_the_baseline():
    baseline = load_benchmark("module4-baseline").check_ids()
    cis = set().union(*(load_benchmark(b).check_ids() for b in CIS_AWS))
    for check in ("aws.cloudtrail.trail_delivering", "aws.cloudtrail.cloudwatch_logs_integration"):
        assert check in baseline and check not in cis


# --- (f) the loader names the file and the place -----------------------------------------------------

VALID_CONTROL = """\
  - id: "9.9"
    title: A control
    section: "9"
    level: 1
    assessment: Automated
    provider: aws
"""


def _catalog_text(controls: str) -> str:
    return (
        'id: test-catalog\ntitle: Test\nversion: "1"\nsections:\n  - id: "9"\n    title: Nine\n'
        f"controls:\n{controls}"
    )


def _load_error(tmp_path: Path, text: str) -> str:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BenchmarkError) as caught:
        load_benchmark_file(path)
    message = str(caught.value)
    assert str(path) in message
    return message


def test_a_valid_catalog_file_loads(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text(_catalog_text(VALID_CONTROL + "    checks: [aws.vpc.flow_logs_enabled]\n"))
    assert load_benchmark_file(path).controls[0].checks == ("aws.vpc.flow_logs_enabled",)


def test_invalid_yaml_names_the_line(tmp_path):
    message = _load_error(tmp_path, _catalog_text(VALID_CONTROL + "    checks: [unclosed\n"))
    assert "line " in message and "invalid YAML" in message


def test_an_undecided_control_is_named_by_index_and_id(tmp_path):
    message = _load_error(tmp_path, _catalog_text(VALID_CONTROL))
    assert "controls.0 (control 9.9)" in message
    assert "names its checks, or says why" in message


def test_a_bad_field_is_named_with_its_control(tmp_path):
    text = _catalog_text(VALID_CONTROL.replace("level: 1", "level: 3") + "    checks: [x]\n")
    assert "controls.0 (control 9.9).level" in _load_error(tmp_path, text)


def test_an_unquoted_numeric_id_is_refused(tmp_path):
    text = _catalog_text(VALID_CONTROL.replace('id: "9.9"', "id: 4.10") + "    checks: [x]\n")
    assert "controls.0 (control 4.1).id" in _load_error(tmp_path, text)


def test_an_unknown_field_is_refused(tmp_path):
    text = _catalog_text(VALID_CONTROL + "    checks: [x]\n    chekcs: [y]\n")
    assert "controls.0 (control 9.9).chekcs" in _load_error(tmp_path, text)


def test_an_unknown_section_and_a_duplicate_are_named(tmp_path):
    decided = VALID_CONTROL + "    checks: [x]\n"
    assert "unknown section '8'" in _load_error(tmp_path, _catalog_text(decided.replace('"9"\n', '"8"\n')))
    assert "control 9.9 is listed twice" in _load_error(tmp_path, _catalog_text(decided + decided))


def test_a_check_named_twice_in_a_control_is_refused(tmp_path):
    text = _catalog_text(VALID_CONTROL + "    checks: [x, x]\n")
    assert "names each check once (x repeated)" in _load_error(tmp_path, text)


def test_an_unreadable_file_and_an_unknown_id_are_errors(tmp_path):
    with pytest.raises(BenchmarkError, match="cannot read"):
        load_benchmark_file(tmp_path / "missing.yaml")
    with pytest.raises(BenchmarkError, match=r"known: .*cis-aws-7\.0"):
        load_benchmark("cis-aws-0.1")


# --- pending: in scope, not assessed --------------------------------------------------------------------


def test_a_pending_control_is_in_scope_but_not_assessed(tmp_path):
    path = tmp_path / "pending.yaml"
    path.write_text(_catalog_text(VALID_CONTROL + '    pending: "Azure checks arrive with the collector"\n'))
    control = load_benchmark_file(path).controls[0]
    assert control.in_scope and not control.assessed and control.decided_by == "pending"


def test_pending_cannot_be_combined_with_out_of_scope(tmp_path):
    text = _catalog_text(VALID_CONTROL + '    pending: "later"\n    out_of_scope: "never"\n')
    assert "neither manual nor pending" in _load_error(tmp_path, text)


def test_only_the_baseline_has_pending_controls_and_they_are_azure_or_gcp():
    for catalog in _catalogs():
        for control in catalog.controls:
            if control.pending:
                assert catalog.id == "module4-baseline", control.id
                assert control.provider in ("azure", "gcp") and not control.checks, control.id
                assert "planned check: " in control.pending, control.id


# --- (g) the module 4 baseline --------------------------------------------------------------------------


def test_baseline_has_fifteen_log_type_controls_five_per_provider():
    baseline = load_benchmark("module4-baseline")
    assert baseline.version == "1.0"
    log_types = [c for c in baseline.controls if c.section == "1"]
    assert len(log_types) == 15
    for provider in PROVIDERS:
        assert {c.id for c in log_types if c.provider == provider} == {
            f"LOG-{provider.upper()}-{log_type}" for log_type in LOG_TYPES
        }
    for control in log_types:
        assert control.module_section.startswith("Essential Network Logs > Log Types by Provider: "), (
            control.id
        )


def test_every_baseline_control_cites_the_module_and_aws_ones_are_automated_checks():
    for control in load_benchmark("module4-baseline").controls:
        assert control.module_section.strip(), control.id
        assert control.assessment == "Automated", control.id
        if control.provider in ("aws", "azure", "gcp"):
            assert control.checks and control.decided_by == "checks", control.id
        else:
            assert control.decided_by == "pending", control.id


def test_baseline_threat_detection_and_siem_follow_the_module():
    baseline = load_benchmark("module4-baseline")
    checks = {c.id: c.checks for c in baseline.controls}
    assert checks["TD-AWS-GUARDDUTY"] == ("aws.guardduty.enabled_all_regions",)
    assert checks["TD-AWS-GUARDDUTY-S3"] == ("aws.guardduty.s3_protection_enabled",)
    assert checks["TD-AWS-GUARDDUTY-EKS"] == ("aws.guardduty.eks_audit_logs_enabled",)
    assert checks["SIEM-AWS-SECURITYHUB"] == ("aws.securityhub.enabled",)
    assert checks["SIEM-AWS-CIS"] == ("aws.securityhub.cis_standard_current",)
    assert checks["SIEM-AWS-FSBP"] == ("aws.securityhub.fsbp_enabled",)
    defender = {c.id for c in baseline.controls if c.section == "2" and c.provider == "azure"}
    assert defender == {
        "TD-AZURE-DEFENDER-VM",
        "TD-AZURE-DEFENDER-STORAGE",
        "TD-AZURE-DEFENDER-KEYVAULT",
        "TD-AZURE-DEFENDER-ALERTS",
    }
    assert [c.id for c in baseline.controls if c.section == "2" and c.provider == "gcp"] == ["TD-GCP-SCC"]
    assert checks["TD-AZURE-DEFENDER-VM"] == ("azure.defender.virtual_machines_plan_enabled",)
    assert checks["TD-AZURE-DEFENDER-STORAGE"] == ("azure.defender.storage_accounts_plan_enabled",)
    assert checks["TD-AZURE-DEFENDER-KEYVAULT"] == ("azure.defender.key_vaults_plan_enabled",)
    # active threat findings: GuardDuty's and Defender's, each a control of its own
    assert checks["TD-AWS-GUARDDUTY-FINDINGS"] == ("aws.guardduty.no_unaddressed_high_findings",)
    assert checks["TD-AZURE-DEFENDER-ALERTS"] == ("azure.defender.no_unaddressed_high_alerts",)
    assert checks["LOG-AZURE-DNS"] == ("azure.dns.query_logging_enabled",)


# --- docs/benchmarks.md ---------------------------------------------------------------------------------


def test_the_docs_mapping_table_names_the_checks_of_every_in_scope_control():
    doc = (Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(): line for line in doc.splitlines() if line.startswith("| ")}
    for control in load_benchmark("cis-aws-7.0").controls:
        if control.in_scope:
            row = rows.get(control.id, "")
            assert all(f"`{check}`" in row for check in control.checks), (
                f"docs/benchmarks.md row {control.id}"
            )


def test_default_benchmarks_follow_the_scanned_providers():
    from auditor.benchmarks import default_benchmarks

    assert default_benchmarks(["aws", "aws"]) == ("cis-aws-7.0", "module4-baseline")
    assert default_benchmarks([]) == ("module4-baseline",)
    # a provider whose CIS catalog is shipped joins, in provider order, before the baseline
    available = set(available_benchmarks())
    expected = tuple(b for b in ("cis-aws-7.0", "cis-azure-6.0", "cis-gcp-5.0") if b in available)
    assert default_benchmarks(["gcp", "azure", "aws"]) == (*expected, "module4-baseline")
