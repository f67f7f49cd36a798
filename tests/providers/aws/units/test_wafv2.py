"""WAFv2: one logging listing per scope, joined to the ACLs by ARN."""

from __future__ import annotations

from auditor.inventory.aws import WebAcl
from auditor.providers.aws.units import wafv2
from tests.providers.aws.estate import ACCOUNT, EAST
from tests.providers.aws.wire import answer_canned

ACL = f"arn:aws:wafv2:{EAST}:{ACCOUNT}:regional/webacl/a/1"


def test_logging_is_joined_by_arn_and_strangers_are_ignored(session, pool) -> None:
    answer_canned(session, "wafv2", "ListWebACLs", {"WebACLs": [{"Name": "a", "Id": "1", "ARN": ACL}]})
    answer_canned(
        session,
        "wafv2",
        "ListLoggingConfigurations",
        {
            "LoggingConfigurations": [
                {
                    "ResourceArn": ACL,
                    "LogDestinationConfigs": ["arn:aws:firehose:x:1:deliverystream/aws-waf-logs-a"],
                },
                {"ResourceArn": "arn:aws:wafv2:x:1:regional/webacl/gone/2", "LogDestinationConfigs": ["d"]},
            ]
        },
    )
    context = wafv2.UNIT.run(pool, ACCOUNT, EAST)
    assert context.values == {
        "web_acls": [
            WebAcl(
                arn=ACL,
                name="a",
                id="1",
                scope="REGIONAL",
                logging_destinations=["arn:aws:firehose:x:1:deliverystream/aws-waf-logs-a"],
            )
        ]
    }
