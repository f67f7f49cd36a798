"""Where the history is: the one resolution (explicit, else the environment, else the default file), the
URL forms, and a password never shown."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from auditor.history import (
    HISTORY_URL_ENV,
    HOME_ENV,
    HistoryError,
    HistoryLocation,
    history_location,
    redact_url,
)


@pytest.fixture(autouse=True)
def _clean_environment(tmp_path, monkeypatch):
    monkeypatch.delenv(HISTORY_URL_ENV, raising=False)
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "home"))


def test_the_default_is_the_sqlite_file_under_the_home(tmp_path):
    location = history_location()
    assert location == HistoryLocation("sqlite", path=tmp_path / "home" / "history.sqlite3")
    assert str(location) == str(tmp_path / "home" / "history.sqlite3")


def test_the_environment_variable_overrides_the_default_and_an_explicit_url_overrides_both(monkeypatch):
    monkeypatch.setenv(HISTORY_URL_ENV, "postgresql://auditor@db.internal/posture")
    assert history_location().backend == "postgresql"
    assert str(history_location()) == "postgresql://auditor@db.internal/posture"
    assert history_location("sqlite:///srv/h.sqlite3").path == Path("/srv/h.sqlite3")
    monkeypatch.setenv(HISTORY_URL_ENV, "   ")
    assert history_location().backend == "sqlite"  # blank is unset


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("sqlite:///var/lib/posture/history.sqlite3", "/var/lib/posture/history.sqlite3"),
        ("sqlite:////var/lib/posture/history.sqlite3", "/var/lib/posture/history.sqlite3"),
        ("sqlite://localhost/tmp/h.sqlite3", "/tmp/h.sqlite3"),
        ("sqlite:team%20history.sqlite3", "team history.sqlite3"),
        ("history.sqlite3", "history.sqlite3"),
        ("/abs/history.sqlite3", "/abs/history.sqlite3"),
        ("C:\\Users\\me\\history.sqlite3", "C:\\Users\\me\\history.sqlite3"),
    ],
)
def test_sqlite_forms(text, path):
    location = history_location(text)
    assert location.backend == "sqlite" and location.path == Path(path) and location.url is None


def test_a_home_relative_path_is_expanded(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert history_location("~/h.sqlite3").path == tmp_path / "h.sqlite3"
    assert history_location("sqlite:///~/h.sqlite3").path == Path("/~/h.sqlite3")  # absolute: kept as written


@pytest.mark.parametrize("scheme", ["postgresql", "postgres", "PostgreSQL"])
def test_postgresql_forms(scheme):
    url = f"{scheme}://auditor:pw@db.internal:5433/posture?sslmode=require"
    location = history_location(url)
    assert location.backend == "postgresql" and location.path is None and location.url == url
    assert str(location) == f"{scheme}://auditor:***@db.internal:5433/posture?sslmode=require"
    assert "pw" not in repr(location)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("mysql://root@db/posture", "not a history URL"),
        ("https://example.org/history", "not a history URL"),
        ("sqlite://server/share/h.sqlite3", "not a host"),
        ("sqlite:///", "needs a file path"),
        ("postgresql://", "needs a host or a database"),
    ],
)
def test_unusable_urls_are_refused_naming_them(text, problem):
    with pytest.raises(HistoryError, match=problem) as caught:
        history_location(text)
    assert str(caught.value).startswith(text.split("//")[0])


def test_the_password_of_a_refused_url_is_not_shown():
    with pytest.raises(HistoryError) as caught:
        history_location("mysql://root:hunter2@db/posture")
    assert "hunter2" not in str(caught.value) and "root:***@db" in str(caught.value)


def test_a_password_parameter_is_redacted_too():
    url = "postgresql://db.internal/posture?user=auditor&password=hunter2&sslmode=verify-full"
    assert redact_url(url) == "postgresql://db.internal/posture?user=auditor&password=***&sslmode=verify-full"
    assert history_location(url).scrub("FATAL hunter2 rejected") == "FATAL *** rejected"


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=24)


@given(user=_TEXT, password=_TEXT, host=st.sampled_from(["db", "10.0.0.5", "h1:5432,h2:5433", "[::1]"]))
def test_no_password_survives_redaction(user, password, host):
    url = f"postgresql://{quote(user, safe='')}:{quote(password, safe='')}@{host}/posture"
    expected = f"postgresql://{quote(user, safe='')}:***@{host}/posture"
    assume(password not in expected and quote(password, safe="") not in expected)
    location = history_location(url)
    shown = str(location)
    assert password not in shown and quote(password, safe="") not in shown
    assert shown == expected
    assert location.scrub(f"error: {password} / {quote(password, safe='')}") == "error: *** / ***"


@given(password=_TEXT)
def test_an_unescaped_password_with_url_characters_is_still_redacted(password):
    assume("/" not in password)  # a "/" must be escaped (%2F): libpq ends the user info there too
    url = f"postgresql://auditor:{password}@db.internal/posture"
    shown = str(history_location(url))
    assume(password not in "postgresql://auditor:***@db.internal/posture")
    assert password not in shown
