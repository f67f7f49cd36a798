"""The garbage-collector pause: off inside, restored after, nested scans counted."""

from __future__ import annotations

import gc

import pytest

from auditor.providers.aws import AwsScanOptions, ProgressEvent, collect_aws
from auditor.providers.aws.gc_pause import gc_paused, reclaim_after_scan
from tests.providers.aws.estate import EAST


def test_paused_inside_and_restored_after_nesting() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer scan still runs
    assert gc.isenabled()


def test_left_off_if_it_was_off() -> None:
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_restored_when_the_scan_fails() -> None:
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_a_scan_runs_with_the_collector_paused(session) -> None:
    seen: list[bool] = []

    def progress(event: ProgressEvent) -> None:
        seen.append(gc.isenabled())

    collect_aws(AwsScanOptions(regions=(EAST,)), progress=progress, session=session)
    assert seen and not any(seen)
    assert gc.isenabled()


def test_objects_alive_at_the_end_are_frozen_and_reclaim_gives_them_back() -> None:
    gc.unfreeze()
    with gc_paused():
        survivors = [[i] for i in range(1000)]
    assert gc.get_freeze_count() >= len(survivors)
    reclaim_after_scan()
    assert gc.get_freeze_count() == 0
