"""The least-privilege policy generated from the declared reads."""

from __future__ import annotations

from auditor.providers.aws import iam_policy
from auditor.providers.aws.policy import declared_reads


def test_policy_allows_only_the_declared_read_actions_on_everything() -> None:
    policy = iam_policy()
    assert policy["Version"] == "2012-10-17"
    [statement] = policy["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Resource"] == "*"
    assert statement["Action"] == sorted({read.action for read in declared_reads()})
    for action in statement["Action"]:
        _, name = action.split(":")
        assert "*" not in action
        assert name.startswith(("Describe", "List", "Get")) or action == "apigateway:GET", action
