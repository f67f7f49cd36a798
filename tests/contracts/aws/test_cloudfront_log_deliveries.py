"""Issue 16 item 11: CloudFront's standard logging v2 is read from CloudWatch Logs' vended log delivery
(DescribeDeliverySources, DescribeDeliveries in us-east-1), and the answers it is read from are the
published shapes: moto's answers are validated against botocore's service model, and answers built from
that model (every member, paged with nextToken) are read whole."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.awsrequest import AWSResponse
from moto import mock_aws
from urllib3 import HTTPResponse

from auditor.emulators import moto_extensions
from auditor.emulators.aws_seed import seed_aws
from auditor.emulators.estate import bundled_estate, load_estate
from auditor.model import Status
from auditor.providers.aws import AwsScanOptions, collect_aws
from auditor.registry import load_checks
from tests.contracts.aws.botocore_shape import problems
from tests.providers.aws.conftest import new_session

OPERATIONS = ("DescribeDeliverySources", "DescribeDeliveries")
LOGS = botocore.session.get_session().get_service_model("logs")


def _output(operation: str) -> Any:
    return LOGS.operation_model(operation).output_shape


class RawAnswers:
    """Every raw answer body of the operations, as it came off the wire (botocore's after-call)."""

    def __init__(self) -> None:
        self.bodies: dict[str, list[dict[str, Any]]] = {operation: [] for operation in OPERATIONS}

    def __call__(self, http_response: Any, model: Any, **_: Any) -> None:
        self.bodies[model.name].append(json.loads(http_response.content))


@pytest.fixture(scope="module")
def demo() -> Iterator[tuple[Any, RawAnswers]]:
    """The demo account (its media-cdn distribution logs through standard logging v2), scanned once."""
    estate = load_estate(bundled_estate("demo")).aws
    assert estate is not None
    with mock_aws():
        moto_extensions.install()
        seed_aws(estate.model_copy(update={"organization": None}), boto3.Session(region_name="us-east-1"))
        session = new_session()
        raw = RawAnswers()
        for operation in OPERATIONS:
            session.events.register(f"after-call.logs.{operation}", raw)
        inventory = collect_aws(AwsScanOptions(regions=("us-east-1",), max_attempts=2), session=session)
    yield inventory, raw  # plain data: moto is stopped before the next test starts its own


def test_the_answers_moto_serves_are_the_shapes_botocore_publishes(demo):
    _, raw = demo
    assert all(raw.bodies[operation] for operation in OPERATIONS)
    for operation in OPERATIONS:
        for body in raw.bodies[operation]:
            assert problems(body, _output(operation)) == [], operation


def test_a_drifted_answer_fails_against_the_model(demo):
    _, raw = demo
    [body] = raw.bodies["DescribeDeliverySources"]
    drifted = json.loads(json.dumps(body))
    source = drifted["deliverySources"][0]
    source["resourceArn"] = source.pop("resourceArns")[0]  # the singular form is not in the model
    assert problems(drifted, _output("DescribeDeliverySources")) == [
        "$.deliverySources[0]: member 'resourceArn' is not in DeliverySource"
    ]


def test_the_demo_distribution_with_a_v2_delivery_passes_and_the_one_without_fails(demo):
    inventory, _ = demo
    deliveries = inventory.cloudfront_log_deliveries or []
    assert [(d.log_type, d.destination_type) for d in deliveries] == [("ACCESS_LOGS", "S3")]
    by_arn = {d.arn: d for d in inventory.cloudfront_distributions or []}
    [media] = [arn for arn in by_arn if arn in deliveries[0].resource_arns]
    findings = load_checks().get("aws.cloudfront.access_logging_enabled").run(inventory, inventory.account)
    statuses = {f.resource_id: f.status for f in findings}
    assert statuses[media] is Status.PASS
    assert sorted(statuses.values()) == sorted([Status.PASS, Status.PASS, Status.FAIL])


class PagedDeliveries:
    """DescribeDeliverySources / DescribeDeliveries answered at the wire, as the model defines them (every
    member of DeliverySource and Delivery), two items a page with nextToken; moto does not page them."""

    def __init__(self, distribution_arn: str) -> None:
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.sources = [
            {
                "name": f"cf-{n}",
                "arn": f"arn:aws:logs:us-east-1:123456789012:delivery-source:cf-{n}",
                "resourceArns": [distribution_arn if n == 2 else f"{distribution_arn}-other-{n}"],
                "service": "cloudfront",
                "logType": "ACCESS_LOGS",
                "tags": {"team": "edge"},
                "deliverySourceConfiguration": {},
                "status": "ACTIVE",
            }
            for n in range(3)
        ]
        self.deliveries = [
            {
                "id": f"d{n}",
                "arn": f"arn:aws:logs:us-east-1:123456789012:delivery:d{n}",
                "deliverySourceName": f"cf-{n}",
                "deliveryDestinationArn": f"arn:aws:logs:us-east-1:123456789012:delivery-destination:s3-{n}",
                "deliveryDestinationType": "S3",
                "recordFields": ["date", "time", "c-ip"],
                "fieldDelimiter": "\t",
                "s3DeliveryConfiguration": {"suffixPath": "cf/", "enableHiveCompatiblePath": False},
                "tags": {},
            }
            for n in range(3)
        ]

    def __call__(self, request: Any, **_: Any) -> AWSResponse:
        operation = request.headers["X-Amz-Target"].decode().rsplit(".", 1)[-1]
        asked = json.loads(request.body or b"{}")
        self.requests.append((operation, asked))
        key, items = (
            ("deliverySources", self.sources)
            if operation == "DescribeDeliverySources"
            else ("deliveries", self.deliveries)
        )
        start = int(asked.get("nextToken", "0"))
        body: dict[str, Any] = {key: items[start : start + 2]}
        if start + 2 < len(items):
            body["nextToken"] = str(start + 2)
        assert problems(body, _output(operation)) == []  # the answer is the model's shape
        raw = HTTPResponse(body=io.BytesIO(json.dumps(body).encode()), status=200, preload_content=False)
        return AWSResponse(request.url, 200, {"Content-Type": "application/x-amz-json-1.1"}, raw)


def test_every_page_of_both_lists_is_read_and_the_delivery_found_on_page_two_counts():
    with mock_aws():
        moto_extensions.install()
        estate = load_estate(bundled_estate("demo")).aws
        assert estate is not None
        seed_aws(estate.model_copy(update={"organization": None}), boto3.Session(region_name="us-east-1"))
        session = new_session()
        client = boto3.client("cloudfront", region_name="us-east-1")
        arns = [d["ARN"] for d in client.list_distributions()["DistributionList"]["Items"]]
        paged = PagedDeliveries(arns[0])
        for operation in OPERATIONS:
            session.events.register(f"before-send.logs.{operation}", paged)
        scanned = collect_aws(AwsScanOptions(regions=("us-east-1",), max_attempts=2), session=session)
    assert [(o, "nextToken" in asked) for o, asked in paged.requests] == [
        ("DescribeDeliverySources", False),
        ("DescribeDeliverySources", True),
        ("DescribeDeliveries", False),
        ("DescribeDeliveries", True),
    ]
    deliveries = scanned.cloudfront_log_deliveries or []
    assert [d.source_name for d in deliveries] == ["cf-0", "cf-1", "cf-2"]
    findings = load_checks().get("aws.cloudfront.access_logging_enabled").run(scanned, scanned.account)
    assert {f.resource_id: f.status for f in findings}[arns[0]] is Status.PASS
