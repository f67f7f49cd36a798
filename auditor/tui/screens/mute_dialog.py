"""The mute dialog: accept the risk of one finding by appending an exception to the exceptions file.

The entry is appended by loading the YAML (every scalar as text, as ``auditor.exceptions`` reads it),
adding the entry and writing the file atomically; the result is then validated with
``load_exceptions``. Comments in an existing file are not kept (the file is rewritten from its data).
"""

from __future__ import annotations

import glob
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from auditor.exceptions import ExceptionsError, _TextLoader, load_exceptions
from auditor.snapshot import write_text_atomically

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from auditor.model import Finding

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class MuteError(Exception):
    """The exception could not be written or the file does not validate; the message names the file."""


def exception_entry(
    *, check: str, account: str, region: str, resource: str, owner: str, reason: str, expires: date
) -> dict[str, str]:
    """The YAML mapping of one exception; empty optional criteria are left out."""
    entry = {"check": check, "account": account, "region": region, "resource": resource}
    entry = {key: value for key, value in entry.items() if value}
    entry.update(owner=owner, reason=reason, expires=expires.isoformat())
    return entry


def append_exception(path: Path, entry: dict[str, str]) -> Path:
    """Append ``entry`` to the exceptions file at ``path`` (created with an ``exceptions:`` list if
    missing), write it atomically and validate it. Raises ``MuteError`` naming the file."""
    data: Any
    if path.exists():
        try:
            text = path.read_text(encoding="utf-8")
            data = yaml.load(text, Loader=_TextLoader)  # a SafeLoader subclass: every scalar as text
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            raise MuteError(f"{path}: cannot read the exceptions file: {error}") from error
        if data is None:
            data = {"exceptions": []}
        if not isinstance(data, dict):
            raise MuteError(f"{path}: expected a mapping with an 'exceptions' list at the top level")
        if data.get("exceptions") is None:
            data["exceptions"] = []
        if not isinstance(data["exceptions"], list):
            raise MuteError(f"{path}: 'exceptions' is not a list")
    else:
        data = {"exceptions": []}
    data["exceptions"].append(entry)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)
    try:
        write_text_atomically(path, text)
    except OSError as error:
        raise MuteError(f"{path}: cannot write: {error.strerror or error}") from error
    try:
        load_exceptions(path)
    except ExceptionsError as error:
        raise MuteError(str(error)) from error
    return path


def parse_expiry(text: str, today: date | None = None) -> date:
    """A YYYY-MM-DD date, today or later; ``ValueError`` says what is wrong."""
    text = text.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(f"expires must be a date YYYY-MM-DD, got {text!r}")
    try:
        value = date.fromisoformat(text)
    except ValueError as error:
        raise ValueError(f"expires is not a valid date: {text!r} ({error})") from None
    if value < (today or date.today()):
        raise ValueError(f"expires {text} is in the past: the exception would mute nothing")
    return value


class MuteDialog(ModalScreen[Path | None]):
    """Owner, reason and expiry for an exception matching one finding; dismisses with the file path."""

    DEFAULT_CSS = """
    MuteDialog {
        align: center middle;
    }
    MuteDialog > VerticalScroll {
        width: 80;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    MuteDialog Label {
        margin-top: 1;
    }
    MuteDialog #mute-error {
        color: $error;
        height: auto;
    }
    MuteDialog #mute-buttons {
        height: auto;
        margin-top: 1;
    }
    MuteDialog #mute-buttons Button {
        margin-right: 2;
    }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, finding: Finding, path: Path, owner: str = "") -> None:
        super().__init__()
        self.finding = finding
        self.path = path
        self._owner = owner

    def compose(self) -> ComposeResult:
        f = self.finding
        with VerticalScroll():
            yield Static(f"Mute a finding: append an exception to {self.path}", markup=False)
            yield Label("Check id")
            yield Input(_clean(f.check_id), id="mute-check")
            yield Label("Account")
            yield Input(_clean(f.account), id="mute-account")
            yield Label("Region")
            yield Input(_clean(f.region), id="mute-region")
            yield Label("Resource (glob on resource id or name)")
            yield Input(glob.escape(_clean(f.resource_id)), id="mute-resource")
            yield Label("Owner")
            yield Input(self._owner, placeholder="alice@example.com", id="mute-owner")
            yield Label("Reason")
            yield Input(placeholder="Why the risk is accepted", id="mute-reason")
            yield Label("Expires (YYYY-MM-DD)")
            yield Input(placeholder="2027-03-31", id="mute-expires")
            yield Static("", id="mute-error", markup=False)
            with Horizontal(id="mute-buttons"):
                yield Button("Mute", variant="primary", id="mute-submit")
                yield Button("Cancel", id="mute-cancel")

    def on_mount(self) -> None:
        self.query_one("#mute-owner", Input).focus()

    def _value(self, name: str) -> str:
        return self.query_one(f"#mute-{name}", Input).value.strip()

    def _error(self, text: str) -> None:
        self.query_one("#mute-error", Static).update(text)

    @on(Button.Pressed, "#mute-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    @on(Button.Pressed, "#mute-submit")
    def submit(self) -> None:
        if not self._value("check"):
            self._error("The check id is required.")
            return
        if not self._value("owner"):
            self._error("The owner is required.")
            return
        if not self._value("reason"):
            self._error("The reason is required.")
            return
        try:
            expires = parse_expiry(self._value("expires"))
        except ValueError as error:
            self._error(str(error))
            return
        entry = exception_entry(
            check=self._value("check"),
            account=self._value("account"),
            region=self._value("region"),
            resource=self._value("resource"),
            owner=self._value("owner"),
            reason=self._value("reason"),
            expires=expires,
        )
        try:
            path = append_exception(self.path, entry)
        except MuteError as error:
            self._error(str(error))
            self.app.notify(str(error), title="Mute failed", severity="error", markup=False, timeout=10)
            return
        self.app.notify(
            f"Exception appended to {path}; it applies from the next scan with --exceptions {path}",
            title="Muted",
            markup=False,
        )
        self.dismiss(path)


def _clean(text: str) -> str:
    return _CONTROL.sub("", text)
