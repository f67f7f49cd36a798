"""API Gateway: access logging on every stage of REST, HTTP and WebSocket APIs.

CIS AWS 7.0 4.10 (access logging on every AWS-managed web front end).
"""

from __future__ import annotations

from collections.abc import Iterator

from auditor.inventory.aws import ApiStage, AwsInventory
from auditor.model import Remediation, Severity
from auditor.registry import Verdict, aws_check, failed, not_evaluated, passed

REST_DOCS = "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html"
HTTP_DOCS = "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html"
WEBSOCKET_DOCS = "https://docs.aws.amazon.com/apigateway/latest/developerguide/websocket-api-logging.html"


def _stage_arn(inv: AwsInventory, region: str, stage: ApiStage) -> str:
    """The stage's ARN: /restapis/... for REST APIs, /apis/... for HTTP and WebSocket APIs."""
    collection = "restapis" if stage.api_type == "REST" else "apis"
    return f"arn:{inv.partition}:apigateway:{region}::/{collection}/{stage.api_id}/stages/{stage.stage_name}"


@aws_check(
    id="aws.apigateway.stage_access_logging_enabled",
    title="API Gateway stages have access logging enabled",
    severity=Severity.MEDIUM,
    rationale=(
        "An API Gateway stage is a web front end: its access log records who called which route, when "
        "and with what result. CIS 7.0 4.10 asks for access logging on every AWS-managed web front end, "
        "REST, HTTP and WebSocket APIs alike."
    ),
    risk="API abuse (credential stuffing, scraping, injection attempts) cannot be traced to a caller.",
    remediation=Remediation(
        cli=(
            "# REST API\n"
            "aws apigateway update-stage --region {region} --rest-api-id {api_id} --stage-name {stage_name} "
            "--patch-operations op=replace,path=/accessLogSettings/destinationArn,value=<log-group-arn> "
            "'op=replace,path=/accessLogSettings/format,value=$context.requestId $context.identity.sourceIp "
            "$context.httpMethod $context.resourcePath $context.status'\n"
            "# HTTP or WebSocket API\n"
            "aws apigatewayv2 update-stage --region {region} --api-id {api_id} --stage-name {stage_name} "
            "--access-log-settings 'DestinationArn=<log-group-arn>,Format=$context.requestId "
            "$context.identity.sourceIp $context.routeKey $context.status'"
        ),
        console=[
            "API Gateway console > the API > Stages > select the stage.",
            "Logs and tracing (REST) or Logging (HTTP/WebSocket) > Edit.",
            "Turn on custom access logging with a CloudWatch Logs group ARN and a log format > Save.",
        ],
        text=(
            "Set an access log destination (a CloudWatch Logs group, or Firehose for REST APIs) and format "
            "on every stage; use the command for the API's type (api_type in the evidence)."
        ),
    ),
    references=(REST_DOCS, HTTP_DOCS, WEBSOCKET_DOCS),
    module_section="CIS",
    datasets=("api_stages",),
)
def apigateway_stage_access_logging_enabled(inv: AwsInventory) -> Iterator[Verdict]:
    for region in inv.region_list():
        if region.api_stages is None:
            resource = f"arn:{inv.partition}:apigateway:{region.name}::/apis"
            yield not_evaluated(resource, region.name, inv.errors_for(region.name, "api_stages"))
            continue
        for stage in region.api_stages:
            api = f"{stage.api_type} API {stage.api_name or stage.api_id}"
            evidence = {"api_id": stage.api_id, "api_type": stage.api_type, "stage_name": stage.stage_name}
            if stage.access_log_destination:
                yield passed(
                    _stage_arn(inv, region.name, stage),
                    region.name,
                    f"Stage {stage.stage_name} of {api} writes access logs to {stage.access_log_destination}",
                    destination=stage.access_log_destination,
                    **evidence,
                )
            else:
                yield failed(
                    _stage_arn(inv, region.name, stage),
                    region.name,
                    f"Stage {stage.stage_name} of {api} has no access log destination",
                    **evidence,
                )
