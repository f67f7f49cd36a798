"""One of the writer processes of the concurrency tests: ``python -m tests.history.concurrent_writer URL
TAG COUNT GO_FILE`` waits for GO_FILE (so both processes open the store and write at the same moment),
opens the history at URL (an empty one: both migrate it at once), saves COUNT scans tagged TAG, and prints
the ids it was given as JSON."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from auditor.history import HistoryStore
from tests.history.builders import tagged_result


def main(url: str, tag: str, count: int, go_file: Path) -> None:
    deadline = time.monotonic() + 60
    while not go_file.exists():
        if time.monotonic() > deadline:
            raise SystemExit("the go file never appeared")
        time.sleep(0.005)
    store = HistoryStore(url)
    ids = [
        store.save(tagged_result(tag, n), [{"benchmark_id": tag, "control_ratio": n / 100}])
        for n in range(count)
    ]
    sys.stdout.write(json.dumps(ids) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]))
