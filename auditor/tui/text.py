"""Cloud-derived text made safe for the terminal.

Resource names, messages and evidence come from the cloud, so an attacker can choose them. They are
rendered as literal ``Text`` (never Rich markup) with control characters removed, so neither
``[bold red]x[/]`` nor an escape sequence such as ``\\x1b[2J`` can restyle or clear the screen.
"""

from __future__ import annotations

import re

from rich.text import Text

_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean(value: object) -> str:
    """One line of cloud-derived text: control characters (ESC, newlines, ...) become spaces."""
    return _CONTROL_CHARS.sub(" ", str(value))


def clean_block(text: str) -> str:
    """Like ``clean`` but keeps line breaks (tabs become four spaces), for multi-line detail text."""
    return "\n".join(_CONTROL_CHARS.sub("", line.replace("\t", "    ")) for line in text.split("\n"))


def plain(value: object, style: str = "") -> Text:
    """A ``Text`` of cloud-derived text: literal, never markup, no control characters."""
    return Text(clean(value), style=style)
