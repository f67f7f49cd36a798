"""ReportFetcher: serves data: URIs and files inside the reports package only; refuses the rest."""

from __future__ import annotations

import base64
import socket
from pathlib import Path

import pytest
from weasyprint import HTML

from reports.fetcher import PACKAGE_DIR, FetchRefused, ReportFetcher, package_base_url


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any attempt to open a socket fails the test loudly."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"a network connection was attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_serves_the_stylesheet_inside_the_package():
    fetcher = ReportFetcher()
    response = fetcher.fetch(package_base_url() + "static/report.css")
    body = response.read()
    response.close()
    assert b"@page" in body
    assert response.content_type == "text/css"
    assert fetcher.served == [package_base_url() + "static/report.css"] and fetcher.refused == []


def test_serves_data_uris_plain_and_base64():
    fetcher = ReportFetcher()
    plain = fetcher.fetch("data:text/css,p%20%7B%20color:%20red%20%7D")
    assert plain.read() == b"p { color: red }" and plain.content_type == "text/css"
    encoded = base64.b64encode(b"<svg xmlns='http://www.w3.org/2000/svg'/>").decode()
    svg = fetcher.fetch(f"data:image/svg+xml;base64,{encoded}")
    assert svg.read().startswith(b"<svg") and svg.content_type == "image/svg+xml"
    assert fetcher.refused == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "file://evil.example/share/x.css",
        PACKAGE_DIR.as_uri() + "/static/../../../../etc/passwd",
        PACKAGE_DIR.as_uri() + "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        PACKAGE_DIR.parent.as_uri() + "/pyproject.toml",
        PACKAGE_DIR.as_uri() + "/static/missing.css",
        PACKAGE_DIR.as_uri() + "/static",
        "http://127.0.0.1:9/x",
        "https://example.com/report.css",
        "ftp://example.com/x",
        "gopher://example.com/x",
        "javascript:alert(1)",
        "data:no-comma",
    ],
)
def test_refuses_everything_else_and_records_it(url):
    fetcher = ReportFetcher()
    with pytest.raises(FetchRefused):
        fetcher.fetch(url)
    assert fetcher.refused == [url] and fetcher.attempts == [url] and fetcher.served == []


def test_a_symlink_cannot_lead_out_of_the_root(tmp_path):
    root = tmp_path / "pkg"
    (root / "static").mkdir(parents=True)
    (root / "static" / "ok.css").write_text("p {}")
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    (root / "static" / "link.css").symlink_to(secret)
    (root / "escape").symlink_to(tmp_path, target_is_directory=True)
    fetcher = ReportFetcher(root)
    assert fetcher.fetch((root / "static" / "ok.css").as_uri()).read() == b"p {}"
    for url in ((root / "static" / "link.css").as_uri(), (root / "escape" / "secret.txt").as_uri()):
        with pytest.raises(FetchRefused):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 2


def test_a_root_prefix_is_not_the_root(tmp_path):
    """/x/pkg-evil is not inside /x/pkg even though the string starts the same."""
    root = tmp_path / "pkg"
    root.mkdir()
    sibling = tmp_path / "pkg-evil"
    sibling.mkdir()
    (sibling / "a.css").write_text("p {}")
    with pytest.raises(FetchRefused):
        ReportFetcher(root).fetch((sibling / "a.css").as_uri())


def test_weasyprint_goes_through_the_fetcher_and_loads_nothing_outside(tmp_path):
    outside = tmp_path / "outside.css"
    outside.write_text("body { color: red }")
    tiny_svg = base64.b64encode(b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>').decode()
    html = f"""<html><head>
      <link rel="stylesheet" href="static/report.css">
      <link rel="stylesheet" href="{outside.as_uri()}">
      <link rel="stylesheet" href="http://127.0.0.1:9/remote.css">
      <style>@import url("https://example.com/imported.css");
        p {{ background: url(http://127.0.0.1:9/bg.png) }}</style>
      </head><body><p>x</p><img src="file:///etc/passwd"><img src="https://example.com/a.png">
      <img src="data:image/svg+xml;base64,{tiny_svg}">
      </body></html>"""
    fetcher = ReportFetcher()
    pdf = HTML(string=html, base_url=package_base_url(), url_fetcher=fetcher).write_pdf()
    assert pdf is not None and pdf.startswith(b"%PDF")
    assert package_base_url() + "static/report.css" in fetcher.served
    assert any(url.startswith("data:image/svg+xml") for url in fetcher.served)
    refused = set(fetcher.refused)
    assert {
        outside.as_uri(),
        "http://127.0.0.1:9/remote.css",
        "https://example.com/imported.css",
        "file:///etc/passwd",
        "https://example.com/a.png",
    } <= refused
    assert not any("127.0.0.1" in url or "example.com" in url or "passwd" in url for url in fetcher.served)


def test_package_base_url_points_into_the_package():
    assert package_base_url() == PACKAGE_DIR.as_uri() + "/"
    assert (Path(PACKAGE_DIR) / "static" / "report.css").is_file()
