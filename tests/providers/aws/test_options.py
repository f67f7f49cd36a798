"""Scan options and progress events."""

from __future__ import annotations

import dataclasses

import pytest

from auditor.providers.aws import AwsScanOptions, ProgressEvent


def test_defaults() -> None:
    options = AwsScanOptions()
    assert (options.profile, options.regions, options.max_workers) == (None, (), 16)
    assert (options.connect_timeout, options.read_timeout, options.max_attempts) == (5, 20, 6)


@pytest.mark.parametrize("field", ["max_workers", "max_attempts"])
def test_at_least_one(field: str) -> None:
    with pytest.raises(ValueError, match=field):
        AwsScanOptions(**{field: 0})


def test_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        AwsScanOptions().max_workers = 2  # type: ignore[misc]
    assert ProgressEvent(region="global", service="s3", done=1, total=2).total == 2
