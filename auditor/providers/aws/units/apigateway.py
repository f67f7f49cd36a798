"""API Gateway stages and their access logs: REST APIs (v1) and HTTP / WebSocket APIs (v2).

``api_stages`` holds both; if either API family cannot be read, the dataset is unknown.
"""

from __future__ import annotations

from auditor.inventory.aws import ApiStage
from auditor.providers.aws.permissions import Read
from auditor.providers.aws.reader import ServiceReader
from auditor.providers.aws.unit import Unit, UnitContext

SERVICE = "apigateway"
SERVICE_V2 = "apigatewayv2"


def rest_stages(v1: ServiceReader) -> list[ApiStage]:
    out = []
    for api in v1.items("GetRestApis", "items"):
        stages = v1.call("GetStages", resource=api["id"], restApiId=api["id"]).get("item") or []
        out.extend(
            ApiStage(
                api_id=api["id"],
                api_name=api.get("name", ""),
                api_type="REST",
                stage_name=stage["stageName"],
                access_log_destination=(stage.get("accessLogSettings") or {}).get("destinationArn", ""),
            )
            for stage in stages
        )
    return out


def v2_stages(v2: ServiceReader) -> list[ApiStage]:
    out = []
    for api in v2.items("GetApis", "Items"):
        stages = v2.items("GetStages", "Items", resource=api["ApiId"], ApiId=api["ApiId"])
        out.extend(
            ApiStage(
                api_id=api["ApiId"],
                api_name=api.get("Name", ""),
                api_type=api.get("ProtocolType", ""),
                stage_name=stage["StageName"],
                access_log_destination=(stage.get("AccessLogSettings") or {}).get("DestinationArn", ""),
            )
            for stage in stages
        )
    return out


def collect(ctx: UnitContext) -> None:
    v1 = ctx.reader(SERVICE)
    v2 = ctx.reader(SERVICE_V2)
    ctx.fill("api_stages", SERVICE, lambda: rest_stages(v1) + v2_stages(v2))


UNIT = Unit(
    service=SERVICE,
    datasets=("api_stages",),
    reads=(
        Read(SERVICE, "GetRestApis", "apigateway:GET"),
        Read(SERVICE, "GetStages", "apigateway:GET"),
        Read(SERVICE_V2, "GetApis", "apigateway:GET"),
        Read(SERVICE_V2, "GetStages", "apigateway:GET"),
    ),
    collect=collect,
)
