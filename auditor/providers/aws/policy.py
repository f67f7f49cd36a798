"""The least-privilege IAM policy for the collector, generated from the declared reads.

``policy_file`` writes it to ``policies/aws-readonly-policy.json``; a test fails when the shipped file
and ``iam_policy()`` differ.
"""

from __future__ import annotations

from typing import Any

from auditor.providers.aws.account import ACCOUNT_READS
from auditor.providers.aws.permissions import Read
from auditor.providers.aws.units import unit_reads


def declared_reads() -> tuple[Read, ...]:
    """Every operation the collector may send (account identification and every unit)."""
    return tuple(dict.fromkeys(ACCOUNT_READS + unit_reads()))


def iam_policy() -> dict[str, Any]:
    """An IAM policy document allowing exactly the declared read actions, on every resource."""
    actions = sorted({read.action for read in declared_reads()})
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PostureAuditorReadOnly",
                "Effect": "Allow",
                "Action": actions,
                "Resource": "*",
            }
        ],
    }
