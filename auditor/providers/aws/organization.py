"""Scanning an AWS Organization: list the member accounts, enter each through a role, collect each.

From the management (or delegated administrator) account: ``organizations:ListAccounts``, then for each
ACTIVE account chosen (``accounts`` / ``exclude_accounts``) ``sts:AssumeRole`` into
``arn:<partition>:iam::<account>:role/<role_name>`` and the ordinary ``collect_aws`` with those
temporary credentials. The caller's own account is scanned with the caller's credentials.

An account that cannot be entered (the role is missing or does not trust the caller, the account is
suspended, its regions cannot be listed) does not stop the scan: it becomes an ``AwsInventory`` with
``entry_error`` set, so every one of its checks is ERROR with the reason, and the report shows it as
not evaluated.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

import boto3

from auditor.inventory.aws import GLOBAL, AwsInventory
from auditor.model import CollectionError
from auditor.progress import ProgressCallback
from auditor.providers.aws.account import DEFAULT_REGION, identify_caller
from auditor.providers.aws.api_calls import ApiCallCounter
from auditor.providers.aws.clients import ClientPool, client_config, open_session
from auditor.providers.aws.collector import collect_aws
from auditor.providers.aws.failures import AwsCollectionFailed, ReadFailed
from auditor.providers.aws.options import AwsScanOptions
from auditor.providers.aws.permissions import Read
from auditor.providers.aws.policy import declared_reads
from auditor.providers.aws.reader import ServiceReader
from auditor.providers.aws.readonly import ReadOnlyGuard

ORGANIZATION_READS = (
    Read("organizations", "ListAccounts", "organizations:ListAccounts"),
    Read("sts", "AssumeRole", "sts:AssumeRole"),
)
"""What the management account needs beyond the per-account reads (AssumeRole on the member role)."""

SESSION_NAME = "posture-auditor"


@dataclass(frozen=True)
class MemberAccount:
    id: str
    name: str
    status: str


def collect_aws_organization(
    options: AwsScanOptions,
    progress: ProgressCallback | None = None,
    session: boto3.Session | None = None,
) -> list[AwsInventory]:
    """One inventory per chosen account of the caller's organization, in account id order."""
    base = session if session is not None else open_session(options.profile)
    counter = ApiCallCounter()
    pool = ClientPool(
        base, client_config(options), ReadOnlyGuard(declared_reads() + ORGANIZATION_READS), counter
    )
    home = base.region_name or DEFAULT_REGION
    caller = identify_caller(pool, home)
    members = _chosen(list_accounts(pool, home), options)
    inventories: list[AwsInventory] = []
    for member in members:
        if member.id == caller.account:
            inventories.append(_collect_member(options, progress, base, member))
            continue
        if member.status != "ACTIVE":
            inventories.append(
                _not_entered(
                    member,
                    "organizations",
                    "ListAccounts",
                    "failed",
                    member.status,
                    f"the account is {member.status}, not ACTIVE",
                )
            )
            continue
        role_arn = f"arn:{caller.partition}:iam::{member.id}:role/{options.role_name}"
        try:
            member_session = assume_role(pool, home, role_arn)
        except ReadFailed as failure:
            why = (failure.kind, failure.code, failure.message, role_arn)
            inventories.append(_not_entered(member, "sts", "AssumeRole", *why))
            continue
        inventories.append(_collect_member(options, progress, member_session, member))
    return inventories


def list_accounts(pool: ClientPool, region: str) -> list[MemberAccount]:
    """Every account of the organization (organizations:ListAccounts, all pages)."""
    reader = ServiceReader(lambda: pool.client("organizations", region), "organizations", lambda *_: None)
    try:
        pages = list(reader.pages("ListAccounts"))
    except ReadFailed as failure:
        code = f" ({failure.code})" if failure.code else ""
        raise AwsCollectionFailed(
            f"Listing the organization's accounts (organizations:ListAccounts) failed{code}: "
            f"{failure.message} — scan from the management account or a delegated administrator, "
            "or scan one account without --organization."
        ) from failure
    accounts = [
        MemberAccount(item["Id"], item.get("Name", ""), item.get("Status", "ACTIVE"))
        for page in pages
        for item in page.get("Accounts", [])
    ]
    if not accounts:
        raise AwsCollectionFailed(
            "organizations:ListAccounts listed no account: the caller's account is not in an organization "
            "(scan it without --organization)."
        )
    return sorted(accounts, key=lambda account: account.id)


def assume_role(pool: ClientPool, region: str, role_arn: str) -> boto3.Session:
    """Temporary credentials for the member role, as a session (raises ReadFailed when refused)."""
    reader = ServiceReader(lambda: pool.client("sts", region), "sts", lambda *_: None)
    answer = reader.call("AssumeRole", resource=role_arn, RoleArn=role_arn, RoleSessionName=SESSION_NAME)
    credentials = answer["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=region,
    )


def _chosen(accounts: list[MemberAccount], options: AwsScanOptions) -> list[MemberAccount]:
    known = {account.id for account in accounts}
    unknown = sorted(set(options.accounts) - known)
    if unknown:
        raise AwsCollectionFailed(
            f"--accounts names accounts that are not in the organization: {', '.join(unknown)}"
        )
    return [
        account
        for account in accounts
        if (not options.accounts or account.id in options.accounts)
        and account.id not in options.exclude_accounts
    ]


def _collect_member(
    options: AwsScanOptions, progress: ProgressCallback | None, session: boto3.Session, member: MemberAccount
) -> AwsInventory:
    try:
        inventory = collect_aws(replace(options, organization=False), progress=progress, session=session)
    except AwsCollectionFailed as error:
        return _not_entered(member, "ec2", "DescribeRegions", "failed", "", str(error))
    return inventory.model_copy(update={"account_name": member.name})


def _not_entered(
    member: MemberAccount,
    service: str,
    operation: str,
    kind: str,
    code: str,
    message: str,
    resource: str = "",
) -> AwsInventory:
    error = CollectionError(
        provider="aws",
        account=member.id,
        region=GLOBAL,
        service=service,
        dataset="account",
        operation=operation,
        kind=kind,  # type: ignore[arg-type]
        code=code,
        message=message,
        resource=resource,
    )
    return AwsInventory(
        account_id=member.id,
        account_name=member.name,
        collected_at=datetime.now(UTC),
        enabled_regions=[],
        regions={},
        entry_error=error,
    )
