"""collect_aws_organization against moto: an organization of three accounts, one of them unreachable."""

from __future__ import annotations

import boto3
import pytest

from auditor.emulators import moto_extensions
from auditor.emulators.aws_seed import seed_aws
from auditor.emulators.estate import parse_estate
from auditor.engine import evaluate
from auditor.model import Status
from auditor.providers.aws import AwsCollectionFailed, AwsScanOptions, collect_aws_organization
from tests.providers.aws.conftest import new_session

MANAGEMENT, SHARED, LEGACY = "123456789012", "222233334444", "555566667777"
ESTATE = f"""
aws:
  account_id: "{MANAGEMENT}"
  enabled_regions: [us-east-1]
  regions:
    us-east-1:
      vpcs:
        - {{name: mgmt, cidr: 10.0.0.0/16, flow_logs: {{traffic: ALL, destination: "logs:mgmt-flows"}}}}
  organization:
    members:
      - account_id: "{SHARED}"
        name: shared-services
        enabled_regions: [us-east-1, eu-west-1]
        regions:
          eu-west-1:
            vpcs: [{{name: shared, cidr: 10.1.0.0/16}}]
      - account_id: "{LEGACY}"
        name: legacy-sandbox
        role_assumable: false
        enabled_regions: [us-east-1]
"""


@pytest.fixture
def org_session(session: boto3.Session) -> boto3.Session:
    moto_extensions.install()
    estate = parse_estate(ESTATE, "org.yaml")
    assert estate.aws is not None
    seed_aws(estate.aws, session)
    return new_session()


def test_every_account_is_entered_through_the_role_or_reported_as_not_entered(org_session) -> None:
    calls: list[tuple[str, str]] = []

    def record(model, **_):
        calls.append((model.service_model.service_name, model.name))

    org_session.events.register("before-call", record)
    inventories = collect_aws_organization(AwsScanOptions(organization=True), session=org_session)

    assert [i.account_id for i in inventories] == [MANAGEMENT, SHARED, LEGACY]
    management, shared, legacy = inventories
    assert management.entry_error is None and management.account_name == "master"
    assert shared.entry_error is None and shared.account_name == "shared-services"
    assert sorted(shared.regions) == ["eu-west-1", "us-east-1"]
    assert [v.name for v in shared.regions["eu-west-1"].vpcs or [] if not v.is_default] == ["shared"]
    assert [v.name for v in management.regions["us-east-1"].vpcs or [] if not v.is_default] == ["mgmt"]

    error = legacy.entry_error
    assert error is not None and legacy.regions == {}
    assert (error.service, error.operation, error.kind, error.code) == (
        "sts",
        "AssumeRole",
        "denied",
        "AccessDenied",
    )
    assert error.resource == f"arn:aws:iam::{LEGACY}:role/OrganizationAccountAccessRole"
    # the management session only lists and assumes; members are read with their own credentials
    assert ("sts", "AssumeRole") in calls and ("organizations", "ListAccounts") in calls
    assert all(op.startswith(("Describe", "List", "Get")) or op == "AssumeRole" for _s, op in calls)


def test_an_unreachable_account_is_error_for_every_check_never_pass(org_session) -> None:
    inventories = collect_aws_organization(AwsScanOptions(organization=True), session=org_session)
    findings = evaluate(inventories)
    legacy = [f for f in findings if f.account == LEGACY]
    assert legacy and {f.status for f in legacy} == {Status.ERROR}
    assert all("sts:AssumeRole" in f.message and "was denied" in f.message for f in legacy)
    reachable = {f.status for f in findings if f.account == SHARED}
    assert Status.FAIL in reachable  # the shared account's VPC has no flow logs


def test_accounts_and_exclude_accounts_choose_the_members(org_session) -> None:
    only = collect_aws_organization(
        AwsScanOptions(organization=True, accounts=(SHARED, LEGACY), exclude_accounts=(LEGACY,)),
        session=org_session,
    )
    assert [i.account_id for i in only] == [SHARED]
    with pytest.raises(AwsCollectionFailed, match="999999999999"):
        collect_aws_organization(
            AwsScanOptions(organization=True, accounts=("999999999999",)), session=org_session
        )


def test_a_caller_outside_any_organization_gets_a_clear_error(session: boto3.Session) -> None:
    with pytest.raises(AwsCollectionFailed, match="organizations:ListAccounts"):
        collect_aws_organization(AwsScanOptions(organization=True), session=session)
