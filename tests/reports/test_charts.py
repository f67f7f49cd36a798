"""The inline SVG charts: valid XML, escaped labels, None handling, edge values, geometry."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup

from reports.charts import arc_path, format_percent, score_donut, section_bars, trend_line

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: Markup) -> ET.Element:
    assert isinstance(svg, Markup)
    root = ET.fromstring(str(svg))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox")
    assert root.get("width") is None and root.get("height") is None  # sized by viewBox only
    title = root.find(f"{SVG}title")
    assert title is not None and title.text
    assert root.get("aria-label") == title.text
    return root


def texts(root: ET.Element) -> list[str]:
    return [el.text or "" for el in root.iter(f"{SVG}text")]


def assert_self_contained(svg: Markup) -> None:
    root = ET.fromstring(str(svg))
    tags = {el.tag.removeprefix(SVG) for el in root.iter()}
    assert not tags & {"script", "image", "use", "foreignObject", "style", "a"}
    text = str(svg)
    assert "href" not in text
    assert "url(" not in text
    assert "@import" not in text
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in text


def arc_end(d: str) -> tuple[float, float]:
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)]
    return numbers[-2], numbers[-1]


# ---------------------------------------------------------------------------------------- donut


@pytest.mark.parametrize(
    ("ratio", "coverage"), [(0.62, 0.8), (None, None), (0.0, 0.0), (1.0, 1.0), (None, 0.4), (0.5, None)]
)
def test_donut_is_valid_self_contained_svg(ratio, coverage):
    svg = score_donut(ratio, coverage, "CIS AWS 3.0")
    parse(svg)
    assert_self_contained(svg)


def test_donut_shows_percentage_and_coverage_as_text():
    root = parse(score_donut(0.625, 0.8, "CIS AWS 3.0"))
    labels = texts(root)
    assert "62%" in labels
    assert "coverage 80%" in labels
    assert "CIS AWS 3.0" in labels
    assert "62%" in root.find(f"{SVG}title").text


def test_donut_none_shows_dash_and_draws_no_arc():
    root = parse(score_donut(None, None, "Empty"))
    assert "\u2013" in texts(root)
    assert "coverage n/a" in texts(root)
    assert not [p for p in root.iter(f"{SVG}path") if p.get("class") == "score-arc"]
    assert "not assessed" in root.find(f"{SVG}title").text


def test_donut_zero_draws_no_arc_and_says_zero():
    root = parse(score_donut(0.0, 0.0, "Zero"))
    assert "0%" in texts(root)
    assert not list(root.iter(f"{SVG}path"))


def test_donut_one_draws_a_full_circle():
    root = parse(score_donut(1.0, 1.0, "Full"))
    assert "100%" in texts(root)
    score = next(p for p in root.iter(f"{SVG}path") if p.get("class") == "score-arc")
    d = score.get("d")
    assert d.count("A ") == 2  # two half arcs: a single arc with equal end points draws nothing
    assert arc_end(d) == (80.0, 78.0 - 52.0)  # back at 12 o'clock


def test_donut_never_rounds_up_to_100():
    assert "99%" in texts(parse(score_donut(0.996, 1.0, "x")))
    assert format_percent(0.996) == "99%"
    assert format_percent(1.0) == "100%"
    assert format_percent(0.29) == "29%"  # 0.29 * 100 = 28.999... in floating point
    assert format_percent(None) == "n/a"
    assert format_percent(float("nan")) == "n/a"


def test_donut_out_of_range_values_are_clamped():
    assert "100%" in texts(parse(score_donut(1.7, -1, "x")))


@pytest.mark.parametrize(
    ("ratio", "end", "large"),
    [
        (0.25, (152.0, 100.0), "0"),  # 3 o'clock
        (0.5, (100.0, 152.0), "0"),  # 6 o'clock: exactly half the circle
        (0.75, (48.0, 100.0), "1"),  # 9 o'clock, the long way round
    ],
)
def test_arc_geometry(ratio, end, large):
    d = arc_path(100, 100, 52, ratio)
    assert d.startswith("M 100 48 A 52 52 0 ")
    assert arc_end(d) == end
    assert d.split()[7] == large  # large-arc flag
    assert d.split()[8] == "1"  # clockwise


def test_arc_half_is_half_the_circumference():
    d = arc_path(0, 0, 10, 0.5)
    sx, sy = 0.0, -10.0
    ex, ey = arc_end(d)
    chord = math.dist((sx, sy), (ex, ey))
    assert chord == pytest.approx(20.0)  # a diameter: the arc is a half circle
    assert arc_path(0, 0, 10, 0) == ""


def test_donut_label_is_escaped():
    svg = score_donut(0.5, 0.5, '<script>alert("x")</script> & co')
    root = parse(svg)
    assert '<script>alert("x")</script> & co' in texts(root)
    assert "<script>" not in str(svg)
    assert_self_contained(svg)


# ------------------------------------------------------------------------------------------ bars


def test_bars_one_row_per_section_with_text_values():
    svg = section_bars([("3 Logging", 0.5, 1.0), ("4 Monitoring", None, None), ("5 Networking", 0.0, 0.25)])
    root = parse(svg)
    assert_self_contained(svg)
    rows = [g for g in root.iter(f"{SVG}g") if g.get("class") == "section-row"]
    assert len(rows) == 3
    labels = texts(root)
    assert labels.count("n/a") == 1
    assert "cov n/a" in labels
    assert "50%" in labels and "cov 100%" in labels
    assert "0%" in labels and "cov 25%" in labels
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert [float(b.get("width")) for b in bars] == [110.0]  # 0 and None draw no bar
    tracks = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar-track"]
    assert len(tracks) == 3
    full = [float(r.get("width")) for r in root.iter(f"{SVG}rect") if r.get("class") == "coverage-bar"]
    assert full == [220.0, 55.0]


def test_bars_one_is_the_full_track():
    root = parse(section_bars([("All", 1.0, 1.0)]))
    bar = next(r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar")
    track = next(r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar-track")
    assert bar.get("width") == track.get("width")
    assert "100%" in texts(root)


def test_bars_names_are_escaped_text_not_markup():
    svg = section_bars([("<script>", 0.5, 0.5), ('a & "b" <c>', None, 1.0)])
    root = parse(svg)
    assert_self_contained(svg)
    assert "<script>" in texts(root)
    assert 'a & "b" <c>' in texts(root)
    assert not list(root.iter(f"{SVG}script")) and not list(root.iter("script"))
    assert "<script>" not in str(svg)


def test_bars_long_names_are_shortened_but_kept_in_title():
    name = "2.1 Ensure that a very long control section name is written in full somewhere"
    root = parse(section_bars([(name, 0.5, 0.5)]))
    shown = next(t for t in texts(root) if t.startswith("2.1"))
    assert shown.endswith("\u2026") and len(shown) <= 34
    row = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "section-row")
    assert name in row.find(f"{SVG}title").text


def test_bars_empty():
    root = parse(section_bars([]))
    assert "No sections to show" in texts(root)


# ----------------------------------------------------------------------------------------- trend


def polylines(root: ET.Element) -> list[list[tuple[float, float]]]:
    out = []
    for line in root.iter(f"{SVG}polyline"):
        out.append([tuple(float(v) for v in pair.split(",")) for pair in line.get("points").split()])
    return out


def test_trend_line_with_gap_breaks_the_line():
    points = [
        ("2026-01-01", 0.2),
        ("2026-01-08", 0.4),
        ("2026-01-15", None),
        ("2026-01-22", 0.6),
        ("01-29", 1.0),
    ]
    svg = trend_line(points)
    root = parse(svg)
    assert_self_contained(svg)
    lines = polylines(root)
    assert len(lines) == 2
    assert [len(line) for line in lines] == [2, 2]
    circles = list(root.iter(f"{SVG}circle"))
    assert len(circles) == 4
    labels = texts(root)
    assert "n/a" in labels
    for date, _ in points:
        assert date in labels
    # 1.0 sits on the top grid line, 0.2 low; y grows downwards
    ys = [float(c.get("cy")) for c in circles]
    assert ys[-1] == 14.0
    assert ys[0] > ys[1] > ys[2] > ys[3]


def test_trend_single_point_still_renders():
    root = parse(trend_line([("2026-11-01", 0.5)]))
    assert not polylines(root)
    circles = list(root.iter(f"{SVG}circle"))
    assert len(circles) == 1
    assert "50%" in texts(root) and "2026-11-01" in texts(root)


def test_trend_zero_and_one_and_all_none():
    root = parse(trend_line([("a", 0.0), ("b", 1.0)]))
    ys = [float(c.get("cy")) for c in root.iter(f"{SVG}circle")]
    assert ys == [112.0, 14.0]
    root = parse(trend_line([("a", None), ("b", None)]))
    assert not list(root.iter(f"{SVG}circle"))
    assert texts(root).count("n/a") == 2
    assert "No scan history yet" in texts(parse(trend_line([])))


def test_trend_many_points_label_only_some_dates():
    points = [(f"d{i:02}", i / 40) for i in range(40)]
    root = parse(trend_line(points))
    dates = [t for t in texts(root) if t.startswith("d")]
    assert dates[0] == "d00" and dates[-1] == "d39"
    assert len(dates) <= 6
    assert len(list(root.iter(f"{SVG}circle"))) == 40


def test_trend_dates_are_escaped():
    svg = trend_line([("<b>&", 0.5)])
    root = parse(svg)
    assert "<b>&" in texts(root)
    assert "<b>" not in str(svg)


# ---------------------------------------------------------------------------------- determinism


def test_output_is_deterministic():
    def render() -> tuple[str, str, str]:
        return (
            str(score_donut(0.123456, 0.987654, "x")),
            str(section_bars([("a", 0.3333333, 0.6666666), ("b", None, None)])),
            str(trend_line([("1", 0.1), ("2", None), ("3", 0.7)])),
        )

    assert render() == render()


def test_markup_survives_jinja_autoescape():
    from jinja2 import Environment

    env = Environment(autoescape=True)
    out = env.from_string("{{ chart }}").render(chart=score_donut(0.5, 0.5, "<x>"))
    assert out.startswith("<svg") and "&lt;x&gt;" in out


def test_talker_bars_label_every_value_escape_names_and_are_deterministic():
    from reports.charts import human_bytes, talker_bars

    rows = [("10.0.3.30 \u2192 <evil>", 1_500_000_000), ("10.0.1.40 \u2192 52.94.0.10", 200_000_000)]
    svg = str(talker_bars(rows))
    assert svg == str(talker_bars(rows))
    assert "&lt;evil&gt;" in svg and "<evil>" not in svg
    assert ">1.5 GB<" in svg and ">200.0 MB<" in svg
    assert svg.count('class="bar"') == 2
    assert "No traffic" in str(talker_bars([]))
    assert human_bytes(999) == "999 B"
