"""The shipped policy file, ``policies/aws-readonly-policy.json``, and the command that rewrites it.

Run ``python -m auditor.providers.aws.policy_file`` after changing any unit's declared reads; the
test suite fails while the file and ``iam_policy()`` differ.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from auditor.providers.aws.policy import iam_policy

POLICY_FILE = Path(__file__).resolve().parents[3] / "policies" / "aws-readonly-policy.json"


def policy_text() -> str:
    """The policy as shipped: two-space JSON with a final newline."""
    return json.dumps(iam_policy(), indent=2) + "\n"


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else POLICY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(policy_text(), encoding="utf-8")
    print(f"wrote {path} ({len(iam_policy()['Statement'][0]['Action'])} actions)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
