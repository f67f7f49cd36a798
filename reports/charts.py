"""Inline SVG charts for the HTML / PDF report.

Pure functions: data in, ``markupsafe.Markup`` out, so a Jinja2 template (autoescape on) can embed
the chart with ``{{ chart }}``. Every chart

- is self-contained: no external references, no ``<script>``, no web fonts (generic ``sans-serif``);
- sizes itself by ``viewBox`` only, so the page's CSS decides the rendered width;
- is accessible: ``role="img"``, an ``aria-label`` and a ``<title>`` that say the numbers in words;
- never relies on colour alone: every value is also written as a text label;
- escapes every text label (section names and dates come from data, treat them as untrusted);
- is deterministic: the same input gives byte-identical output.

Ratios are fractions in [0, 1]; ``None`` means "not assessed" and is shown as an en dash or "n/a", never as 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from markupsafe import Markup, escape

__all__ = [
    "COLOUR_FAIL",
    "COLOUR_PASS",
    "COLOUR_TRACK",
    "COLOUR_WARN",
    "format_percent",
    "score_donut",
    "section_bars",
    "trend_line",
]

COLOUR_PASS = "#2e7d32"
COLOUR_WARN = "#b26a00"
COLOUR_FAIL = "#c62828"
COLOUR_TRACK = "#e0e0e0"
COLOUR_COVERAGE = "#1565c0"
COLOUR_TEXT = "#212121"
COLOUR_MUTED_TEXT = "#616161"
FONT = "sans-serif"

_DASH = "\u2013"  # en dash: the score of nothing assessed


def _clean(ratio: float | None) -> float | None:
    """Clamp to [0, 1]; None and NaN are 'not assessed'."""
    if ratio is None:
        return None
    value = float(ratio)
    if math.isnan(value):
        return None
    return min(1.0, max(0.0, value))


def format_percent(ratio: float | None, none: str = "n/a") -> str:
    """A whole percentage, rounded down, so 99.6 % never reads as 100 %."""
    value = _clean(ratio)
    if value is None:
        return none
    return f"{math.floor(value * 100 + 1e-9)}%"


def _band_colour(ratio: float | None) -> str:
    if ratio is None:
        return COLOUR_TRACK
    if ratio >= 0.8:
        return COLOUR_PASS
    if ratio >= 0.5:
        return COLOUR_WARN
    return COLOUR_FAIL


def _num(value: float) -> str:
    """A coordinate with at most two decimals and no '-0'."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _svg(width: float, height: float, label: str, body: Iterable[str], css_class: str) -> Markup:
    title = escape(label)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {escape(css_class)}" '
        f'viewBox="0 0 {_num(width)} {_num(height)}" role="img" aria-label="{title}" '
        f'font-family="{FONT}">',
        f"<title>{title}</title>",
        *body,
        "</svg>",
    ]
    return Markup("".join(parts))


def _text(
    x: float,
    y: float,
    content: str,
    *,
    size: float = 10,
    anchor: str = "start",
    weight: str = "normal",
    fill: str = COLOUR_TEXT,
    css_class: str = "",
) -> str:
    cls = f' class="{escape(css_class)}"' if css_class else ""
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" font-size="{_num(size)}" text-anchor="{anchor}" '
        f'font-weight="{weight}" fill="{fill}"{cls}>{escape(content)}</text>'
    )


def arc_path(cx: float, cy: float, r: float, ratio: float) -> str:
    """The SVG path data of a clockwise arc from 12 o'clock covering ``ratio`` of the circle.

    A full circle is drawn as two half arcs (a single arc with equal end points draws nothing).
    Returns "" for a ratio of 0.
    """
    value = _clean(ratio) or 0.0
    if value <= 0:
        return ""
    top = f"M {_num(cx)} {_num(cy - r)}"
    if value >= 1:
        return (
            f"{top} A {_num(r)} {_num(r)} 0 1 1 {_num(cx)} {_num(cy + r)} "
            f"A {_num(r)} {_num(r)} 0 1 1 {_num(cx)} {_num(cy - r)}"
        )
    angle = 2 * math.pi * value
    x = cx + r * math.sin(angle)
    y = cy - r * math.cos(angle)
    large = 1 if value > 0.5 else 0
    return f"{top} A {_num(r)} {_num(r)} 0 {large} 1 {_num(x)} {_num(y)}"


# --------------------------------------------------------------------------------------------- donut

DONUT_SIZE = 160
_DONUT_CX = 80
_DONUT_CY = 78
_DONUT_R = 52  # the score ring
_DONUT_STROKE = 14
_COVER_R = 66  # the thin coverage ring outside it
_COVER_STROKE = 4


def score_donut(ratio: float | None, coverage: float | None, label: str) -> Markup:
    """A donut of the control ratio with the percentage in the middle and coverage as a thin outer ring.

    ``ratio``: controls passed / controls assessed (None: nothing assessed, shown as an en dash).
    ``coverage``: controls assessed / controls in the benchmark (None: unknown, shown as "n/a").
    """
    score = _clean(ratio)
    cover = _clean(coverage)
    score_text = format_percent(score, none=_DASH)
    cover_text = format_percent(cover)
    summary = f"{label}: score {score_text if score is not None else 'not assessed'}, coverage {cover_text}"

    body = [
        # coverage: track + arc
        f'<circle class="coverage-track" cx="{_DONUT_CX}" cy="{_DONUT_CY}" r="{_COVER_R}" fill="none" '
        f'stroke="{COLOUR_TRACK}" stroke-width="{_COVER_STROKE}"/>',
    ]
    cover_arc = arc_path(_DONUT_CX, _DONUT_CY, _COVER_R, cover or 0.0)
    if cover_arc:
        body.append(
            f'<path class="coverage-arc" d="{cover_arc}" fill="none" stroke="{COLOUR_COVERAGE}" '
            f'stroke-width="{_COVER_STROKE}" stroke-linecap="butt"/>'
        )
    body.append(
        f'<circle class="score-track" cx="{_DONUT_CX}" cy="{_DONUT_CY}" r="{_DONUT_R}" fill="none" '
        f'stroke="{COLOUR_TRACK}" stroke-width="{_DONUT_STROKE}"/>'
    )
    score_arc = arc_path(_DONUT_CX, _DONUT_CY, _DONUT_R, score or 0.0)
    if score_arc:
        body.append(
            f'<path class="score-arc" d="{score_arc}" fill="none" stroke="{_band_colour(score)}" '
            f'stroke-width="{_DONUT_STROKE}" stroke-linecap="butt"/>'
        )
    body += [
        _text(
            _DONUT_CX, _DONUT_CY + 8, score_text, size=24, anchor="middle", weight="bold", css_class="score"
        ),
        _text(
            _DONUT_CX,
            _DONUT_CY + 22,
            f"coverage {cover_text}",
            size=8,
            anchor="middle",
            fill=COLOUR_MUTED_TEXT,
            css_class="coverage",
        ),
        _text(_DONUT_CX, DONUT_SIZE + 8, label, size=11, anchor="middle", weight="bold", css_class="label"),
    ]
    return _svg(DONUT_SIZE, DONUT_SIZE + 14, summary, body, "score-donut")


# ---------------------------------------------------------------------------------------------- bars

BARS_WIDTH = 520
_BAR_ROW = 26
_BAR_NAME_W = 190  # room for the section name
_BAR_X = 200
_BAR_W = 220
_BAR_H = 10
_COVER_H = 3
_NAME_MAX_CHARS = 34


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def section_bars(sections: Sequence[tuple[str, float | None, float | None]]) -> Markup:
    """Horizontal bars, one row per section: (name, control ratio, coverage).

    The thick bar is the control ratio, the thin bar under it the coverage; both are also written
    as text on the right ("n/a" for None). Long names are shortened; the full name stays in the
    row's ``<title>``.
    """
    rows = list(sections)
    if not rows:
        return _svg(
            BARS_WIDTH,
            30,
            "Sections: none",
            [_text(8, 19, "No sections to show", fill=COLOUR_MUTED_TEXT)],
            "section-bars",
        )
    summary = "Score by section: " + "; ".join(
        f"{name} {format_percent(ratio)} (coverage {format_percent(cover)})" for name, ratio, cover in rows
    )
    body: list[str] = []
    for index, (name, raw_ratio, raw_cover) in enumerate(rows):
        ratio = _clean(raw_ratio)
        cover = _clean(raw_cover)
        top = 6 + index * _BAR_ROW
        row_title = f"{name}: {format_percent(ratio)}, coverage {format_percent(cover)}"
        body.append(f'<g class="section-row"><title>{escape(row_title)}</title>')
        body.append(_text(4, top + 9, _truncate(name, _NAME_MAX_CHARS), size=10, css_class="section-name"))
        body.append(
            f'<rect class="bar-track" x="{_BAR_X}" y="{top}" width="{_BAR_W}" height="{_BAR_H}" '
            f'fill="{COLOUR_TRACK}"/>'
        )
        if ratio:
            body.append(
                f'<rect class="bar" x="{_BAR_X}" y="{top}" width="{_num(_BAR_W * ratio)}" '
                f'height="{_BAR_H}" fill="{_band_colour(ratio)}"/>'
            )
        body.append(
            f'<rect class="coverage-track" x="{_BAR_X}" y="{top + _BAR_H + 2}" width="{_BAR_W}" '
            f'height="{_COVER_H}" fill="{COLOUR_TRACK}"/>'
        )
        if cover:
            body.append(
                f'<rect class="coverage-bar" x="{_BAR_X}" y="{top + _BAR_H + 2}" '
                f'width="{_num(_BAR_W * cover)}" height="{_COVER_H}" fill="{COLOUR_COVERAGE}"/>'
            )
        body.append(
            _text(
                _BAR_X + _BAR_W + 8, top + 9, format_percent(ratio), size=10, weight="bold", css_class="value"
            )
        )
        body.append(
            _text(
                _BAR_X + _BAR_W + 44,
                top + 9,
                f"cov {format_percent(cover)}",
                size=8,
                fill=COLOUR_MUTED_TEXT,
                css_class="coverage-value",
            )
        )
        body.append("</g>")
    height = 6 + len(rows) * _BAR_ROW
    return _svg(BARS_WIDTH, height, summary, body, "section-bars")


# --------------------------------------------------------------------------------------------- trend

TREND_WIDTH = 360
TREND_HEIGHT = 150
_PLOT_LEFT = 40
_PLOT_RIGHT = 328  # room for half a date label on the right
_PLOT_TOP = 14
_PLOT_BOTTOM = 112
_MAX_DATE_LABELS = 6


def _label_indexes(count: int) -> list[int]:
    """Which points get a date label: all when few, else evenly spaced incl. first and last."""
    if count <= _MAX_DATE_LABELS:
        return list(range(count))
    step = (count - 1) / (_MAX_DATE_LABELS - 1)
    return sorted({round(i * step) for i in range(_MAX_DATE_LABELS)})


def trend_line(points: Sequence[tuple[str, float | None]]) -> Markup:
    """A small line chart of the score over scans, oldest first: (date label, ratio).

    A None breaks the line (a gap, not a drop to 0). Every point with a value gets a marker, so a
    single point, or one isolated between gaps, is still visible.
    """
    data = [(label, _clean(ratio)) for label, ratio in points]
    if not data:
        return _svg(
            TREND_WIDTH,
            40,
            "Score trend: no scans yet",
            [_text(8, 24, "No scan history yet", fill=COLOUR_MUTED_TEXT)],
            "trend-line",
        )
    summary = "Score trend: " + "; ".join(f"{label} {format_percent(ratio)}" for label, ratio in data)
    plot_w = _PLOT_RIGHT - _PLOT_LEFT
    plot_h = _PLOT_BOTTOM - _PLOT_TOP

    def x_of(index: int) -> float:
        if len(data) == 1:
            return _PLOT_LEFT + plot_w / 2
        return _PLOT_LEFT + plot_w * index / (len(data) - 1)

    def y_of(ratio: float) -> float:
        return _PLOT_BOTTOM - plot_h * ratio

    body: list[str] = []
    for tick in (0.0, 0.5, 1.0):
        y = y_of(tick)
        body.append(
            f'<line class="grid" x1="{_PLOT_LEFT}" y1="{_num(y)}" x2="{_PLOT_RIGHT}" y2="{_num(y)}" '
            f'stroke="{COLOUR_TRACK}" stroke-width="1"/>'
        )
        body.append(
            _text(_PLOT_LEFT - 4, y + 3, format_percent(tick), size=8, anchor="end", fill=COLOUR_MUTED_TEXT)
        )

    # The line: one polyline per run of consecutive values.
    runs: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for index, (_, ratio) in enumerate(data):
        if ratio is None:
            if current:
                runs.append(current)
            current = []
            continue
        current.append((x_of(index), y_of(ratio)))
    if current:
        runs.append(current)
    for run in runs:
        if len(run) < 2:
            continue
        coords = " ".join(f"{_num(x)},{_num(y)}" for x, y in run)
        body.append(
            f'<polyline class="trend" points="{coords}" fill="none" stroke="{COLOUR_COVERAGE}" '
            f'stroke-width="2" stroke-linejoin="round"/>'
        )

    for index, (label, ratio) in enumerate(data):
        if ratio is None:
            body.append(
                _text(x_of(index), _PLOT_BOTTOM - 4, "n/a", size=7, anchor="middle", fill=COLOUR_MUTED_TEXT)
            )
            continue
        point_title = f"{label}: {format_percent(ratio)}"
        body.append(
            f'<circle class="point" cx="{_num(x_of(index))}" cy="{_num(y_of(ratio))}" r="3" '
            f'fill="{_band_colour(ratio)}"><title>{escape(point_title)}</title></circle>'
        )
    if len(data) <= _MAX_DATE_LABELS:  # few points: write each value next to its marker
        for index, (_, ratio) in enumerate(data):
            if ratio is not None:
                body.append(
                    _text(
                        x_of(index),
                        y_of(ratio) - 6,
                        format_percent(ratio),
                        size=8,
                        anchor="middle",
                        css_class="value",
                    )
                )
    for index in _label_indexes(len(data)):
        label = data[index][0]
        body.append(
            _text(
                x_of(index),
                _PLOT_BOTTOM + 14,
                _truncate(label, 12),
                size=8,
                anchor="middle",
                fill=COLOUR_MUTED_TEXT,
                css_class="date",
            )
        )
    return _svg(TREND_WIDTH, TREND_HEIGHT - 20, summary, body, "trend-line")


# ------------------------------------------------------------------------------------ top talkers


def human_bytes(value: int) -> str:
    """1 500 000 000 -> '1.5 GB' (decimal units, as flow-log thresholds are written)."""
    amount = float(value)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if amount < 1000 or unit == "TB":
            return f"{amount:.0f} {unit}" if unit == "B" else f"{amount:.1f} {unit}"
        amount /= 1000
    return f"{value} B"


def talker_bars(rows: Sequence[tuple[str, int]]) -> Markup:
    """Horizontal bars of bytes per (source -> destination) pair, largest first, each with its value."""
    rows = list(rows)
    if not rows:
        empty = [_text(8, 19, "No traffic in the window", fill=COLOUR_MUTED_TEXT)]
        return _svg(BARS_WIDTH, 30, "Top talkers: none", empty, "talker-bars")
    largest = max(value for _, value in rows) or 1
    summary = "Bytes by source and destination: " + "; ".join(f"{n} {human_bytes(v)}" for n, v in rows)
    body: list[str] = []
    for index, (name, value) in enumerate(rows):
        top = 6 + index * _BAR_ROW
        body.append(f'<g class="talker-row"><title>{escape(f"{name}: {value:,} bytes")}</title>')
        body.append(_text(4, top + 9, _truncate(name, _NAME_MAX_CHARS), size=10, css_class="talker-name"))
        body.append(
            f'<rect class="bar-track" x="{_BAR_X}" y="{top}" width="{_BAR_W}" height="{_BAR_H}" '
            f'fill="{COLOUR_TRACK}"/>'
        )
        width = max(1.0, _BAR_W * value / largest) if value else 0
        if width:
            body.append(
                f'<rect class="bar" x="{_BAR_X}" y="{top}" width="{_num(width)}" height="{_BAR_H}" '
                f'fill="{COLOUR_COVERAGE}"/>'
            )
        body.append(
            _text(_BAR_X + _BAR_W + 8, top + 9, human_bytes(value), size=10, weight="bold", css_class="value")
        )
        body.append("</g>")
    return _svg(BARS_WIDTH, 6 + len(rows) * _BAR_ROW, summary, body, "talker-bars")
