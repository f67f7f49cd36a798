"""The API call counter."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from auditor.providers.aws.api_calls import ApiCallCounter


def test_counts_are_thread_safe_and_sorted() -> None:
    counter = ApiCallCounter()
    with ThreadPoolExecutor(8) as executor:
        list(executor.map(lambda i: counter.add("kms" if i % 2 else "ec2", "List"), range(1000)))
    assert counter.snapshot() == {"ec2:List": 500, "kms:List": 500}
