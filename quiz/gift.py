"""Moodle GIFT export and import of question banks.

Mapping (docs/quiz-bank.md): single ``{=right ~wrong}``; multiple ``{~%50%a ~%50%b ~%-100%c}`` (right
weights sum to 100, wrong weights to -100); true_false ``{T}``/``{F}``; matching ``{=a -> x =b -> y}``;
scenario as single/multiple whose text is the situation, a blank line (``\\n\\n``) and the prompt.
Ordering has no GIFT type: it is written as a comment-only note and reported in ``GiftExport.skipped``.
The bank metadata GIFT cannot hold travels in ``//`` comments (section, type, difficulty, relations),
so an export imports back to the same questions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import ValidationError

from quiz.bank import (
    Bank,
    Matching,
    MultipleChoice,
    Ordering,
    Question,
    RelatesTo,
    Scenario,
    SingleChoice,
    TrueFalse,
)

SPECIAL = "\\~=#{}:"


class GiftError(ValueError):
    """Malformed GIFT; the message names the source and the line."""


@dataclass(frozen=True)
class GiftExport:
    text: str
    skipped: list[str] = field(default_factory=list)  # warnings: questions GIFT cannot hold


def escape(text: str) -> str:
    escaped = "".join(f"\\{char}" if char in SPECIAL else char for char in text)
    return escaped.replace("\n", "\\n")


def unescape(text: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            following = text[index + 1]
            if following in SPECIAL:
                out.append(following)
                index += 2
                continue
            if following == "n":
                out.append("\n")
                index += 2
                continue
        out.append(char)
        index += 1
    return "".join(out)


def _number(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


def _choices(options: list[str], answers: list[int], single: bool) -> list[str]:
    if single:
        return [("=" if index in answers else "~") + escape(option) for index, option in enumerate(options)]
    right = 100 / len(answers)
    wrong = -100 / (len(options) - len(answers))
    return [
        f"~%{_number(right if index in answers else wrong)}%{escape(option)}"
        for index, option in enumerate(options)
    ]


def export_gift(bank: Bank) -> GiftExport:
    """The bank as GIFT text; ordering questions become a comment and a warning in ``skipped``."""
    blocks = [f"// bank: {bank.id} {bank.version}: {bank.title}"]
    skipped: list[str] = []
    for question in bank.questions:
        if isinstance(question, Ordering):
            skipped.append(f"{question.id}: ordering questions have no GIFT type; exported as a comment only")
            blocks.append(
                f"// section: {question.section}\n// ordering question {question.id} not exported "
                "(GIFT has no ordering type)"
            )
            continue
        blocks.append(_export_question(question))
    return GiftExport(text="\n\n".join(blocks) + "\n", skipped=skipped)


def _export_question(question: Question) -> str:
    lines = [
        f"// section: {question.section}",
        f"// type: {question.type}",
        f"// difficulty: {question.difficulty}",
    ]
    if question.relates_to.checks:
        lines.append(f"// checks: {', '.join(question.relates_to.checks)}")
    if question.relates_to.controls:
        lines.append(f"// controls: {', '.join(question.relates_to.controls)}")
    text = question.prompt
    if isinstance(question, SingleChoice):
        body = _choices(question.options, [question.answer], single=True)
    elif isinstance(question, MultipleChoice):
        body = _choices(question.options, question.answers, single=False)
    elif isinstance(question, Scenario):
        text = f"{question.situation}\n\n{question.prompt}"
        body = _choices(question.options, question.answers, single=len(question.answers) == 1)
    elif isinstance(question, TrueFalse):
        body = ["T" if question.answer else "F"]
    elif isinstance(question, Matching):
        for left, right in question.pairs:
            if "->" in left or "->" in right:
                raise GiftError(f"{question.id}: GIFT cannot hold '->' inside a matching pair")
        body = [f"={escape(left)} -> {escape(right)}" for left, right in question.pairs]
    else:  # pragma: no cover - every GIFT type is handled above
        raise GiftError(f"{question.id}: no GIFT form for type {question.type!r}")
    lines.append(f"::{escape(question.id)}::{escape(text)} {{")
    lines.extend(f"\t{item}" for item in body)
    lines.append(f"\t####{escape(question.explanation)}")
    lines.append("}")
    return "\n".join(lines)


def _find(text: str, target: str, start: int = 0) -> int:
    """Index of the first unescaped ``target`` at or after ``start``, or -1."""
    index = start
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text.startswith(target, index):
            return index
        index += 1
    return -1


def _split(text: str, markers: str) -> list[str]:
    """Pieces of ``text`` each starting at an unescaped marker character."""
    pieces: list[str] = []
    start = None
    index = 0
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] in markers:
            if start is not None:
                pieces.append(text[start:index])
            start = index
        index += 1
    if start is not None:
        pieces.append(text[start:])
    return pieces


@dataclass
class _Block:
    line: int  # 1-based line of the block's first line
    lines: list[str]


def _blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    current: _Block | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            current = None
            continue
        if current is None:
            current = _Block(number, [])
            blocks.append(current)
        current.lines.append(line)
    return blocks


def parse_gift(text: str, source: str, default_section: str | None = None) -> list[Question]:
    """Questions from GIFT text. Comment-only blocks and ``$CATEGORY`` lines are skipped."""
    questions: list[Question] = []
    for block in _blocks(text):
        meta: dict[str, str] = {}
        body_start = None
        for offset, line in enumerate(block.lines):
            stripped = line.strip()
            if stripped.startswith("//"):
                key, colon, value = stripped[2:].partition(":")
                if colon:
                    meta[key.strip()] = value.strip()
                continue
            if stripped.startswith("$CATEGORY"):
                continue
            body_start = offset
            break
        if body_start is None:
            continue
        question = _parse_question(block, body_start, meta, source, default_section)
        questions.append(question)
    return questions


def _parse_question(
    block: _Block, body_start: int, meta: dict[str, str], source: str, default_section: str | None
) -> Question:
    first_line = block.line + body_start
    body = "\n".join(block.lines[body_start:])

    def fail(message: str, at: int = 0) -> GiftError:
        return GiftError(f"{source}:{first_line + body.count(chr(10), 0, at)}: {message}")

    if not body.startswith("::"):
        raise fail("a question must start with a '::id::' title")
    title_end = _find(body, "::", 2)
    if title_end < 0:
        raise fail("the '::id::' title is not closed")
    question_id = unescape(body[2:title_end]).strip()
    open_at = _find(body, "{", title_end + 2)
    if open_at < 0:
        raise fail("no answer block '{...}'")
    close_at = _find(body, "}", open_at + 1)
    if close_at < 0:
        raise fail("the answer block '{' is never closed", open_at)
    if body[close_at + 1 :].strip():
        raise fail("text after the answer block is not supported (fill-in-the-blank questions)", close_at)
    prompt = unescape(body[title_end + 2 : open_at]).strip()
    answers = body[open_at + 1 : close_at]
    feedback_at = _find(answers, "####")
    if feedback_at < 0:
        raise fail("no general feedback '####...' (the explanation)", open_at)
    explanation = unescape(answers[feedback_at + 4 :]).strip()
    answers = answers[:feedback_at].strip()
    section = meta.get("section") or default_section
    if not section:
        raise fail("no '// section: ...' comment before the question and no default section")
    common = {
        "id": question_id,
        "section": section,
        "prompt": prompt,
        "explanation": explanation,
        "relates_to": RelatesTo(
            checks=_names(meta.get("checks", "")),
            controls=_names(meta.get("controls", "")),
        ),
        "difficulty": int(meta.get("difficulty", "1")) if meta.get("difficulty", "1").isdigit() else 1,
    }
    try:
        return _build(answers, common, meta.get("type"), fail, open_at)
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        raise fail(f"question {question_id!r}: {where}: {problem['msg']}") from error


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _build(
    answers: str, common: dict, kind: str | None, fail: Callable[[str, int], GiftError], at: int
) -> Question:
    if answers.upper() in ("T", "TRUE", "F", "FALSE"):
        return TrueFalse(type="true_false", answer=answers.upper().startswith("T"), **common)
    pieces = _split(answers, "=~")
    if not pieces:
        raise fail("the answer block has no answers", at)
    if _find(answers, "->") >= 0:
        pairs = []
        for piece in pieces:
            arrow = _find(piece, "->")
            if not piece.startswith("=") or arrow < 0:
                raise fail(f"a matching answer must be '=left -> right': {piece.strip()!r}", at)
            pairs.append((unescape(piece[1:arrow]).strip(), unescape(piece[arrow + 2 :]).strip()))
        return Matching(type="matching", pairs=pairs, **common)
    options: list[str] = []
    right: list[int] = []
    weighted = False
    for index, piece in enumerate(pieces):
        marker, rest = piece[0], piece[1:]
        weight = 100.0 if marker == "=" else 0.0
        if rest.startswith("%"):
            end = rest.find("%", 1)
            try:
                weight = float(rest[1:end])
            except ValueError:
                raise fail(f"bad answer weight in {piece.strip()!r}", at) from None
            rest = rest[end + 1 :]
            weighted = True
        feedback = _find(rest, "#")
        if feedback >= 0:
            rest = rest[:feedback]
        options.append(unescape(rest).strip())
        if weight > 0:
            right.append(index)
    if not right:
        raise fail("no right answer ('=' or a positive weight)", at)
    if kind == "scenario":
        situation, separator, prompt = common["prompt"].rpartition("\n\n")
        if not separator:
            raise fail("a scenario's text must hold the situation, a blank line and the prompt", at)
        common = {**common, "prompt": prompt.strip()}
        return Scenario(
            type="scenario", situation=situation.strip(), options=options, answers=right, **common
        )
    if weighted or len(right) > 1 or kind == "multiple":
        return MultipleChoice(type="multiple", options=options, answers=right, **common)
    return SingleChoice(type="single", options=options, answer=right[0], **common)
