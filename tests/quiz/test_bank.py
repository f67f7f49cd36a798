"""The bank schema: valid banks load; every validator fails with the file and the line of the problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from quiz.bank import Bank, BankError, SingleChoice, bundled_bank, load_bank, parse_bank

HEADER = """\
id: demo
title: Demo bank
module: Module 0
version: "1.0"
sections:
  - {id: basics, title: Basics}
questions:
"""

SINGLE = """\
  - id: q-single
    type: single
    section: basics
    prompt: Pick one
    options: [a, b, c]
    answer: 1
    explanation: "Module 0, Basics: b."
"""

EVERY_TYPE = (
    SINGLE
    + """\
  - id: q-multiple
    type: multiple
    section: basics
    prompt: Pick some
    options: [a, b, c]
    answers: [0, 2]
    explanation: Module 0.
  - id: q-tf
    type: true_false
    section: basics
    prompt: True?
    answer: false
    explanation: Module 0.
  - id: q-match
    type: matching
    section: basics
    prompt: Match
    pairs: [[a, x], [b, y], [c, z]]
    explanation: Module 0.
  - id: q-order
    type: ordering
    section: basics
    prompt: Order
    items: [one, two, three]
    explanation: Module 0.
  - id: q-scenario
    type: scenario
    section: basics
    situation: Something happened.
    prompt: What now?
    options: [a, b, c]
    answers: [2]
    explanation: Module 0.
    relates_to: {checks: [aws.vpc.flow_logs_enabled], controls: ["cis-aws-7.0:4.7"]}
    difficulty: 3
"""
)


def bank_error(body: str) -> str:
    with pytest.raises(BankError) as caught:
        parse_bank(HEADER + body, "demo.yaml")
    return str(caught.value)


def test_every_type_loads() -> None:
    bank = parse_bank(HEADER + EVERY_TYPE, "demo.yaml")
    assert [q.type for q in bank.questions] == [
        "single",
        "multiple",
        "true_false",
        "matching",
        "ordering",
        "scenario",
    ]
    scenario = bank.questions[-1]
    assert scenario.relates_to.controls == ["cis-aws-7.0:4.7"]
    assert scenario.difficulty == 3


def test_models_are_frozen_and_strict() -> None:
    bank = parse_bank(HEADER + SINGLE, "demo.yaml")
    with pytest.raises(ValidationError):
        bank.questions[0].prompt = "changed"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        SingleChoice(
            id="x", section="basics", prompt="p", explanation="e", type="single", options=["a", "b", "c"],
            answer=0, colour="red",
        )  # fmt: skip


def test_answer_out_of_range_names_file_and_line() -> None:
    message = bank_error(SINGLE.replace("answer: 1", "answer: 3"))
    assert message.startswith("demo.yaml:13: question 'q-single': questions.0.answer:")
    assert "out of range" in message


def test_multiple_answer_out_of_range_points_at_the_index() -> None:
    body = """\
  - id: q-multi
    type: multiple
    section: basics
    prompt: Pick
    options: [a, b, c]
    answers:
      - 0
      - 7
    explanation: Module 0.
"""
    message = bank_error(body)
    assert message.startswith("demo.yaml:15: question 'q-multi': questions.0.answers.1:")


def test_duplicate_options() -> None:
    message = bank_error(SINGLE.replace("[a, b, c]", "[a, b, a]"))
    assert message.startswith("demo.yaml:12: question 'q-single': questions.0.options.2:")
    assert "duplicate option 'a'" in message


def test_too_few_options() -> None:
    message = bank_error(SINGLE.replace("[a, b, c]", "[a, b]"))
    assert message.startswith("demo.yaml:12: question 'q-single': questions.0.options:")


def test_duplicate_question_ids() -> None:
    message = bank_error(SINGLE + SINGLE)
    assert message.startswith("demo.yaml:15: question 'q-single': questions.1.id:")
    assert "duplicate question id" in message


def test_unknown_section() -> None:
    message = bank_error(SINGLE.replace("section: basics", "section: advanced"))
    assert message.startswith("demo.yaml:10: question 'q-single': questions.0.section:")
    assert "unknown section 'advanced' (known: basics)" in message


def test_unknown_field_and_bad_type() -> None:
    message = bank_error(SINGLE.replace("    answer: 1\n", "    answer: 1\n    hint: no\n"))
    assert message.startswith("demo.yaml:14: question 'q-single': questions.0.hint:")
    message = bank_error(SINGLE.replace("type: single", "type: essay"))
    assert message.startswith("demo.yaml:8: question 'q-single': questions.0")


def test_missing_field_points_at_the_question() -> None:
    message = bank_error(SINGLE.replace('    explanation: "Module 0, Basics: b."\n', ""))
    assert message.startswith("demo.yaml:8: question 'q-single': questions.0.explanation:")
    assert "Field required" in message


def test_matching_needs_three_distinct_pairs() -> None:
    body = """\
  - id: q-match
    type: matching
    section: basics
    prompt: Match
    pairs: [[a, x], [b, x], [c, z]]
    explanation: Module 0.
"""
    message = bank_error(body)
    assert message.startswith("demo.yaml:12: question 'q-match': questions.0.pairs.1:")
    assert "duplicate pair 'x'" in message


def test_yaml_syntax_error_line() -> None:
    with pytest.raises(BankError, match=r"^demo\.yaml:9: invalid YAML"):
        parse_bank(HEADER + "  - id: [unclosed\n    type: single\n", "demo.yaml")


def test_not_a_mapping() -> None:
    with pytest.raises(BankError, match=r"^demo\.yaml:1: a bank is a mapping"):
        parse_bank("- just a list\n", "demo.yaml")


def test_load_bank_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text(HEADER + EVERY_TYPE, encoding="utf-8")
    assert isinstance(load_bank(path), Bank)
    path.write_text(HEADER + SINGLE.replace("answer: 1", "answer: 9"), encoding="utf-8")
    with pytest.raises(BankError, match=rf"^{path}:13: "):
        load_bank(path)
    with pytest.raises(BankError, match="cannot read"):
        load_bank(tmp_path / "missing.yaml")


def test_bundled_bank() -> None:
    assert bundled_bank("module4").name == "module4.yaml"
    with pytest.raises(BankError, match=r"no bundled bank 'module99' \(known: .*module4"):
        bundled_bank("module99")
