"""The format registry the CLI writes from."""

from __future__ import annotations

import pytest

from reports.exports import FORMATS


def test_every_format_and_suffix():
    assert {name: suffix for name, (_, suffix) in FORMATS.items()} == {
        "json": ".json",
        "csv": ".csv",
        "ocsf": ".ocsf.json",
        "asff": ".asff.json",
        "junit": ".junit.xml",
    }


def test_the_cli_knows_every_export_format():
    from auditor.cli.report_outputs import ALL_FORMATS

    assert set(FORMATS) <= set(ALL_FORMATS)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_exports_are_text_and_deterministic(name, demo_result, edge_result):
    to_text, _ = FORMATS[name]
    for result in (demo_result, edge_result):
        first = to_text(result)
        assert isinstance(first, str) and first
        assert to_text(result) == first
        first.encode("utf-8")  # every export is written as UTF-8
