"""Question banks: the schema of a module quiz, and loading it from YAML with file:line errors.

A bank is data (``quiz/banks/<module>.yaml``); the engine that asks the questions, scores them and
shuffles matching columns builds on these models. Format and conventions: docs/quiz-bank.md.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
Text = Annotated[str, Field(min_length=1)]


class BankError(ValueError):
    """A bank that cannot be read or is invalid; the message names the file and line."""


class _LocatedError(ValueError):
    """A validator error that knows where inside the validated object it belongs."""

    def __init__(self, message: str, loc: tuple[int | str, ...]) -> None:
        super().__init__(message)
        self.loc = loc


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SectionRef(_Frozen):
    id: Slug
    title: Text


class RelatesTo(_Frozen):
    """Check ids (``aws.vpc.flow_logs_enabled``) and controls (``benchmark-id:control-id``)."""

    checks: list[str] = []
    controls: list[Annotated[str, Field(pattern=r"^[a-z0-9.-]+:[A-Za-z0-9.-]+$")]] = []


class _QuestionBase(_Frozen):
    id: Slug
    section: Slug
    prompt: Text
    explanation: Text
    relates_to: RelatesTo = RelatesTo()
    difficulty: int = Field(default=1, ge=1, le=3)


def _distinct(values: list[str], field: str) -> None:
    seen: dict[str, int] = {}
    for index, value in enumerate(values):
        key = value.strip().casefold()
        if key in seen:
            noun = field.removesuffix("s")
            raise _LocatedError(f"duplicate {noun} {value!r}", (field, index))
        seen[key] = index


def _in_range(answers: list[int], options: list[str], field: str) -> None:
    for position, answer in enumerate(answers):
        if not 0 <= answer < len(options):
            raise _LocatedError(
                f"answer index {answer} is out of range (options 0..{len(options) - 1})", (field, position)
            )
    if len(set(answers)) != len(answers):
        raise _LocatedError("an answer index is listed twice", (field,))


Options = Annotated[list[Text], Field(min_length=3, max_length=6)]


class SingleChoice(_QuestionBase):
    type: Literal["single"]
    options: Options
    answer: int

    @model_validator(mode="after")
    def _check(self) -> SingleChoice:
        _distinct(self.options, "options")
        if not 0 <= self.answer < len(self.options):
            last = len(self.options) - 1
            message = f"answer index {self.answer} is out of range (options 0..{last})"
            raise _LocatedError(message, ("answer",))
        return self


class MultipleChoice(_QuestionBase):
    """Several right options; partial credit is defined by the engine."""

    type: Literal["multiple"]
    options: Options
    answers: Annotated[list[int], Field(min_length=1)]

    @model_validator(mode="after")
    def _check(self) -> MultipleChoice:
        _distinct(self.options, "options")
        _in_range(self.answers, self.options, "answers")
        if len(self.answers) == len(self.options):
            raise _LocatedError("every option is right: keep at least one wrong option", ("answers",))
        return self


class TrueFalse(_QuestionBase):
    type: Literal["true_false"]
    answer: bool


class Matching(_QuestionBase):
    """Pairs in their right order; the engine shuffles the right column."""

    type: Literal["matching"]
    pairs: Annotated[list[tuple[Text, Text]], Field(min_length=3)]

    @model_validator(mode="after")
    def _check(self) -> Matching:
        _distinct([left for left, _ in self.pairs], "pairs")
        _distinct([right for _, right in self.pairs], "pairs")
        return self


class Ordering(_QuestionBase):
    """Items listed in the correct order; the engine shuffles them."""

    type: Literal["ordering"]
    items: Annotated[list[Text], Field(min_length=3)]

    @model_validator(mode="after")
    def _check(self) -> Ordering:
        _distinct(self.items, "items")
        return self


class Scenario(_QuestionBase):
    """A situation and a question about it: single choice with one answer, multiple choice with more."""

    type: Literal["scenario"]
    situation: Text
    options: Options
    answers: Annotated[list[int], Field(min_length=1)]

    @model_validator(mode="after")
    def _check(self) -> Scenario:
        _distinct(self.options, "options")
        _in_range(self.answers, self.options, "answers")
        if len(self.answers) == len(self.options):
            raise _LocatedError("every option is right: keep at least one wrong option", ("answers",))
        return self


Question = Annotated[
    SingleChoice | MultipleChoice | TrueFalse | Matching | Ordering | Scenario,
    Field(discriminator="type"),
]
QUESTION_TYPES = ("single", "multiple", "true_false", "matching", "ordering", "scenario")


class Bank(_Frozen):
    id: Slug
    title: Text
    module: Text
    version: Text
    sections: Annotated[list[SectionRef], Field(min_length=1)]
    questions: Annotated[list[Question], Field(min_length=1)]

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int | float) else value

    @model_validator(mode="after")
    def _check(self) -> Bank:
        section_ids: set[str] = set()
        for index, section in enumerate(self.sections):
            if section.id in section_ids:
                raise _LocatedError(f"duplicate section id {section.id!r}", ("sections", index, "id"))
            section_ids.add(section.id)
        question_ids: dict[str, int] = {}
        for index, question in enumerate(self.questions):
            if question.id in question_ids:
                first = question_ids[question.id]
                raise _LocatedError(
                    f"duplicate question id {question.id!r} (first used by question {first})",
                    ("questions", index, "id"),
                )
            question_ids[question.id] = index
            if question.section not in section_ids:
                known = ", ".join(sorted(section_ids))
                raise _LocatedError(
                    f"unknown section {question.section!r} (known: {known})", ("questions", index, "section")
                )
        return self


def parse_bank(text: str, source: str) -> Bank:
    """Validate a bank's YAML text; ``BankError`` names ``source`` and the offending line."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else source
        problem = getattr(error, "problem", None) or str(error)
        raise BankError(f"{where}: invalid YAML: {problem}") from error
    if not isinstance(data, dict):
        raise BankError(f"{source}:1: a bank is a mapping (id, title, module, version, sections, questions)")
    try:
        return Bank.model_validate(data)
    except ValidationError as error:
        problem = error.errors()[0]
        loc = tuple(problem["loc"])
        message = problem["msg"]
        located = (problem.get("ctx") or {}).get("error")
        if isinstance(located, _LocatedError):
            loc = loc + located.loc
            message = str(located)
        line, path = _locate(root, loc)
        question = _question_label(data, path)
        field = ".".join(str(part) for part in path) or "(bank)"
        raise BankError(f"{source}:{line}: {question}{field}: {message}") from error


def load_bank(path: Path | str) -> Bank:
    """Read and validate a bank file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise BankError(f"{path}: cannot read: {error.strerror or error}") from error
    return parse_bank(text, str(path))


def bundled_bank(name: str) -> Path:
    """The path of a bank shipped in ``quiz/banks`` (``bundled_bank("module4")``)."""
    folder = files("quiz.banks")
    resource = folder.joinpath(f"{name}.yaml")
    if not resource.is_file():
        names = (item.name for item in folder.iterdir())
        known = sorted(entry.removesuffix(".yaml") for entry in names if entry.endswith(".yaml"))
        raise BankError(f"no bundled bank {name!r} (known: {', '.join(known) or 'none'})")
    return Path(str(resource))


def _locate(root: yaml.Node | None, loc: tuple[int | str, ...]) -> tuple[int, tuple[int | str, ...]]:
    """The 1-based line of the deepest YAML node on a validation error's path, and that path.

    Pydantic puts the union tag (``single``) into the location of a discriminated union member; a
    part that is neither a key of the mapping nor an index of the sequence is skipped.
    """
    node = root
    line = root.start_mark.line + 1 if root is not None else 1
    path: list[int | str] = []
    for part in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((value for key, value in node.value if key.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            child = node.value[part]
        if child is None:
            if isinstance(node, yaml.MappingNode) and isinstance(part, str) and part not in QUESTION_TYPES:
                path.append(part)  # a missing field: the line of the mapping that lacks it
            continue
        node = child
        path.append(part)
        line = node.start_mark.line + 1
    return line, tuple(path)


def _question_label(data: dict, path: tuple[int | str, ...]) -> str:
    if len(path) >= 2 and path[0] == "questions" and isinstance(path[1], int):
        questions = data.get("questions")
        index = path[1]
        if isinstance(questions, list) and 0 <= index < len(questions) and isinstance(questions[index], dict):
            question_id = questions[index].get("id")
            if question_id is not None:
                return f"question {question_id!r}: "
    return ""
