"""The shipped policy file is exactly what the declared reads generate."""

from __future__ import annotations

import json

from auditor.providers.aws import iam_policy
from auditor.providers.aws.policy_file import POLICY_FILE, main, policy_text


def test_shipped_policy_file_is_the_generated_one() -> None:
    assert POLICY_FILE.name == "aws-readonly-policy.json"
    assert POLICY_FILE.parent.name == "policies"
    shipped = POLICY_FILE.read_text(encoding="utf-8")
    assert json.loads(shipped) == iam_policy(), (
        "policies/aws-readonly-policy.json is stale: run `python -m auditor.providers.aws.policy_file`"
    )
    assert shipped == policy_text()


def test_main_writes_the_policy(tmp_path) -> None:
    target = tmp_path / "policy.json"
    assert main([str(target)]) == 0
    assert json.loads(target.read_text()) == iam_policy()
