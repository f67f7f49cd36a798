"""API Gateway: REST and HTTP/WebSocket stages together, or unknown."""

from __future__ import annotations

import boto3

from auditor.providers.aws.units import apigateway
from tests.providers.aws.estate import ACCOUNT, EAST
from tests.providers.aws.wire import answer_error


def test_websocket_apis_are_typed(pool) -> None:
    v2 = boto3.client("apigatewayv2", EAST)
    api = v2.create_api(
        Name="chat", ProtocolType="WEBSOCKET", RouteSelectionExpression="$request.body.action"
    )
    v2.create_stage(ApiId=api["ApiId"], StageName="live")
    context = apigateway.UNIT.run(pool, ACCOUNT, EAST)
    [stage] = context.values["api_stages"]
    assert (stage.api_type, stage.stage_name, stage.access_log_destination) == ("WEBSOCKET", "live", "")


def test_a_failed_api_family_makes_the_stages_unknown(session, pool) -> None:
    boto3.client("apigateway", EAST).create_rest_api(name="orders")
    answer_error(session, "apigatewayv2", "GetApis", "AccessDeniedException", "no", status=403)
    context = apigateway.UNIT.run(pool, ACCOUNT, EAST)
    assert context.values == {"api_stages": None}
    [error] = context.errors
    assert (error.service, error.operation, error.kind) == ("apigatewayv2", "GetApis", "denied")
