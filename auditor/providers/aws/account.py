"""Who is scanning and where: the caller identity (STS) and the regions enabled for the account.

Any failure here means the scan cannot start, so it raises ``AwsCollectionFailed`` with a message
for the person running it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from auditor.providers.aws.clients import ClientPool
from auditor.providers.aws.failures import AwsCollectionFailed, ReadFailed
from auditor.providers.aws.permissions import Read
from auditor.providers.aws.reader import ServiceReader

ACCOUNT_READS = (
    Read("sts", "GetCallerIdentity", "sts:GetCallerIdentity"),
    Read("ec2", "DescribeRegions", "ec2:DescribeRegions"),
)

ENABLED_OPT_IN = ("opt-in-not-required", "opted-in")
"""OptInStatus values of a usable region ("not-opted-in" regions are skipped)."""

DEFAULT_REGION = "us-east-1"

GLOBAL_REGION_BY_PARTITION = {"aws": "us-east-1", "aws-cn": "cn-northwest-1", "aws-us-gov": "us-gov-west-1"}
"""Where account-wide services (CloudFront, CLOUDFRONT-scope WAF) are read, per partition."""


@dataclass(frozen=True)
class CallerIdentity:
    """Who the credentials are: account id, partition ("aws", "aws-cn", "aws-us-gov"), caller ARN."""

    account: str
    partition: str
    arn: str


def _call(pool: ClientPool, service: str, region: str, operation: str, **params: Any) -> dict[str, Any]:
    """One call; a client that cannot be built (a failing credential process...) is a ReadFailed too."""
    reader = ServiceReader(lambda: pool.client(service, region), service, lambda _service, _operation: None)
    return reader.call(operation, **params)


def _cannot_start(what: str, failure: ReadFailed) -> AwsCollectionFailed:
    hints = {
        "denied": "the credentials are not allowed to do this",
        "timeout": "the endpoint did not answer in time",
        "endpoint": "the endpoint could not be reached (network, proxy or AWS_ENDPOINT_URL?)",
        "throttled": "AWS throttled the request past every retry",
    }
    hint = hints.get(failure.kind, "")
    code = f" ({failure.code})" if failure.code else ""
    return AwsCollectionFailed(f"{what} failed{code}: {failure.message}" + (f" — {hint}" if hint else ""))


def identify_caller(pool: ClientPool, region: str) -> CallerIdentity:
    """sts:GetCallerIdentity: the account, partition and caller ARN."""
    try:
        answer = _call(pool, "sts", region, "GetCallerIdentity")
    except ReadFailed as failure:
        if failure.code == "NoCredentialsError":
            raise AwsCollectionFailed(
                "No AWS credentials found. Pass --profile, set AWS_PROFILE or the AWS_ACCESS_KEY_ID / "
                "AWS_SECRET_ACCESS_KEY environment variables, or run `aws sso login`."
            ) from failure
        if failure.code in ("TokenRetrievalError", "SSOTokenLoadError", "UnauthorizedSSOTokenError"):
            raise AwsCollectionFailed(
                f"The AWS SSO session cannot be used ({failure.message}). Run `aws sso login` and retry."
            ) from failure
        raise _cannot_start("Identifying the caller (sts:GetCallerIdentity)", failure) from failure
    arn = answer.get("Arn", "")
    parts = arn.split(":")
    partition = parts[1] if len(parts) > 1 and parts[1] else "aws"
    return CallerIdentity(account=answer["Account"], partition=partition, arn=arn)


def region_opt_in(
    pool: ClientPool, region: str, partition: str, partition_of: Callable[[str], str | None]
) -> dict[str, str]:
    """Every region of the caller's partition with its OptInStatus (ec2:DescribeRegions AllRegions).

    ``partition_of`` names a region's partition, or None when botocore does not know the region (a
    new one, kept: DescribeRegions answers for the caller's partition).
    """
    try:
        answer = _call(pool, "ec2", region, "DescribeRegions", AllRegions=True)
    except ReadFailed as failure:
        raise _cannot_start("Listing the enabled regions (ec2:DescribeRegions)", failure) from failure
    statuses = {}
    for item in answer.get("Regions") or []:
        name = item["RegionName"]
        if (partition_of(name) or partition) == partition:
            statuses[name] = item.get("OptInStatus", "opt-in-not-required")
    return dict(sorted(statuses.items()))


def enabled(statuses: dict[str, str]) -> list[str]:
    return [name for name, status in statuses.items() if status in ENABLED_OPT_IN]


def select_regions(statuses: dict[str, str], requested: Sequence[str], account: str) -> list[str]:
    """The regions to scan: every enabled one, or the requested ones if each is enabled."""
    usable = enabled(statuses)
    if not requested:
        return usable
    problems = []
    for name in dict.fromkeys(requested):
        if name not in statuses:
            problems.append(f"'{name}' is not a known region")
        elif name not in usable:
            problems.append(f"'{name}' is not enabled for the account (opt-in status: {statuses[name]})")
    if problems:
        raise AwsCollectionFailed(
            f"Cannot scan account {account}: "
            + "; ".join(problems)
            + f". Enabled regions: {', '.join(usable)}."
        )
    return sorted(dict.fromkeys(requested))
