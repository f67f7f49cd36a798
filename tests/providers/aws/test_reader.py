"""ServiceReader: pagination (botocore paginators and marker loops) and failures named per operation."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import CredentialRetrievalError

from auditor.providers.aws.clients import ClientPool
from auditor.providers.aws.failures import ReadFailed
from auditor.providers.aws.reader import ServiceReader
from tests.providers.aws.estate import EAST
from tests.providers.aws.wire import answer_error

VISIBILITY = {"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False, "MetricName": "m"}


def _reader(pool: ClientPool, service: str, calls: list[tuple[str, str]] | None = None) -> ServiceReader:
    return ServiceReader(
        lambda: pool.client(service, EAST),
        service,
        lambda s, o: (calls if calls is not None else []).append((s, o)),
    )


def test_botocore_paginator_reads_every_page(pool: ClientPool) -> None:
    sns = boto3.client("sns", EAST)
    topic = sns.create_topic(Name="t")["TopicArn"]
    for i in range(120):  # moto pages ListSubscriptions by 100
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=f"arn:aws:sqs:{EAST}:123456789012:q{i}")
    pages = list(_reader(pool, "sns").pages("ListSubscriptions"))
    assert [len(page["Subscriptions"]) for page in pages] == [100, 20]
    assert len(_reader(pool, "sns").items("ListSubscriptions", "Subscriptions")) == 120


def test_marker_loop_for_apis_without_a_paginator(pool: ClientPool) -> None:
    waf = boto3.client("wafv2", EAST)
    for name in ("a", "b", "c"):
        waf.create_web_acl(
            Name=name, Scope="REGIONAL", DefaultAction={"Allow": {}}, VisibilityConfig=VISIBILITY
        )
    reader = _reader(pool, "wafv2")
    pages = list(reader.pages("ListWebACLs", token="NextMarker", Scope="REGIONAL", Limit=1))
    assert [len(page["WebACLs"]) for page in pages] == [1, 1, 1]
    assert "NextMarker" not in pages[-1]
    names = [
        acl["Name"]
        for acl in reader.items("ListWebACLs", "WebACLs", token="NextMarker", Scope="REGIONAL", Limit=1)
    ]
    assert sorted(names) == ["a", "b", "c"]


def test_dotted_item_keys(pool: ClientPool) -> None:
    assert _reader(pool, "cloudfront").items("ListDistributions", "DistributionList.Items") == []


def test_a_failure_names_service_operation_and_resource(session, pool: ClientPool) -> None:
    answer_error(session, "kms", "DescribeKey", "AccessDeniedException", "key policy says no", status=403)
    with pytest.raises(ReadFailed) as raised:
        _reader(pool, "kms").call("DescribeKey", resource="key/1", KeyId="1")
    assert raised.value == ReadFailed(
        "kms", "DescribeKey", "denied", "AccessDeniedException", "key policy says no", "key/1"
    )
    assert "kms:DescribeKey for key/1 denied (AccessDeniedException)" in str(raised.value)


def test_a_failure_on_a_later_page_is_caught_too(session, pool: ClientPool) -> None:
    answer_error(session, "guardduty", "ListDetectors", "InternalServerErrorException", "boom", status=500)
    with pytest.raises(ReadFailed) as raised:
        _reader(pool, "guardduty").items("ListDetectors", "DetectorIds")
    assert (raised.value.operation, raised.value.kind) == ("ListDetectors", "failed")


def test_the_read_only_guard_becomes_a_failed_read(pool: ClientPool) -> None:
    with pytest.raises(ReadFailed) as raised:
        _reader(pool, "ec2").call("DescribeImages")
    assert (raised.value.kind, raised.value.code) == ("failed", "ReadOnlyGuard")


def test_every_call_is_reported(pool: ClientPool) -> None:
    calls: list[tuple[str, str]] = []
    reader = _reader(pool, "ec2", calls)
    reader.call("DescribeRegions")
    reader.items("DescribeVpcs", "Vpcs")
    assert calls == [("ec2", "DescribeRegions"), ("ec2", "DescribeVpcs")]


def test_a_client_that_cannot_be_built_is_a_failed_read() -> None:
    def broken() -> None:
        raise CredentialRetrievalError(provider="custom-process", error_msg="process exited 1")

    reader = ServiceReader(broken, "kms", lambda s, o: None)
    with pytest.raises(ReadFailed) as raised:
        reader.items("ListKeys", "Keys")
    assert (raised.value.operation, raised.value.kind, raised.value.code) == (
        "ListKeys",
        "failed",
        "CredentialRetrievalError",
    )
    with pytest.raises(ReadFailed):
        reader.call("DescribeKey", KeyId="1")
