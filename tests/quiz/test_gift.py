"""GIFT export and import: the bundled bank round-trips, special characters survive, errors give the line."""

from __future__ import annotations

import pytest

from quiz.bank import Bank, MultipleChoice, Ordering, SingleChoice, bundled_bank, load_bank
from quiz.gift import GiftError, escape, export_gift, parse_gift, unescape


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(bundled_bank("module4"))


def test_round_trip_of_the_bundled_bank(bank: Bank) -> None:
    exported = export_gift(bank)
    imported = {question.id: question for question in parse_gift(exported.text, "module4.gift")}
    supported = [question for question in bank.questions if not isinstance(question, Ordering)]
    assert set(imported) == {question.id for question in supported}
    for question in supported:
        assert imported[question.id] == question, question.id


def test_ordering_is_skipped_with_a_warning(bank: Bank) -> None:
    exported = export_gift(bank)
    orderings = [question.id for question in bank.questions if isinstance(question, Ordering)]
    assert len(exported.skipped) == len(orderings)
    for question_id in orderings:
        assert f"// ordering question {question_id} not exported" in exported.text
        assert f"::{question_id}::" not in exported.text


def test_gift_forms() -> None:
    single = SingleChoice(
        id="s", section="x", prompt="P", explanation="E", type="single", options=["a", "b", "c"], answer=1
    )
    multiple = MultipleChoice(
        id="m",
        section="x",
        prompt="P",
        explanation="E",
        type="multiple",
        options=["a", "b", "c"],
        answers=[0, 1],
    )
    bank = Bank(
        id="demo", title="T", module="M", version="1", sections=[{"id": "x", "title": "X"}],
        questions=[single, multiple],
    )  # fmt: skip
    text = export_gift(bank).text
    assert "::s::P {\n\t~a\n\t=b\n\t~c\n\t####E\n}" in text
    assert "::m::P {\n\t~%50%a\n\t~%50%b\n\t~%-100%c\n\t####E\n}" in text
    assert "// section: x" in text


def test_escaping_special_characters() -> None:
    prompt = r"In {braces} a = b ~ c # d: e \ f, regex /^10\./"
    assert escape(prompt) == r"In \{braces\} a \= b \~ c \# d\: e \\ f, regex /^10\\./"
    assert unescape(escape(prompt)) == prompt
    question = SingleChoice(
        id="special", section="x", prompt=prompt, explanation="Module 4: {x} = #1 ~ y",
        type="single", options=["a = b", "{c}", "d: e ~ f #g"], answer=2,
    )  # fmt: skip
    bank = Bank(
        id="demo",
        title="T",
        module="M",
        version="1",
        sections=[{"id": "x", "title": "X"}],
        questions=[question],
    )
    assert parse_gift(export_gift(bank).text, "demo.gift") == [question]


def test_import_of_hand_written_gift() -> None:
    text = """\
// a comment-only block is skipped

$CATEGORY: module4
::tf::GuardDuty uses threat intelligence. {T ####Module 4.}

::pick::Which command? {
  =create-detector # right
  ~enable-hub
  ~update-detector
  ####Module 4, AWS GuardDuty.
}

::match::Match {=a -> x =b -> y =c -> z ####Module 4.}
"""
    questions = parse_gift(text, "hand.gift", default_section="guardduty")
    assert [question.type for question in questions] == ["true_false", "single", "matching"]
    assert questions[1].options == ["create-detector", "enable-hub", "update-detector"]
    assert questions[2].pairs == [("a", "x"), ("b", "y"), ("c", "z")]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("// section: x\n\n\n::q::No answers here\n", 4, "no answer block"),
        ("// section: x\n::q::Open {\n=a\n~b\n~c\n####E\n", 2, "never closed"),
        ("// section: x\nJust text {=a ~b ~c ####E}\n", 2, "'::id::' title"),
        ("// section: x\n::q::P {=a ~b ~c}\n", 2, "no general feedback"),
        ("\n\n::q::P {=a ~b ~c ####E}\n", 3, "no '// section"),
        ("// section: x\n::q::P\n{\n~a\n~b\n~c\n####E\n}\n", 3, "no right answer"),
        ("// section: x\n::q::P {=a ~a ~c ####E}\n", 2, "duplicate option"),
        ("// section: x\n::q::P {=a} after\n", 2, "text after the answer block"),
    ],
)
def test_malformed_gift_names_the_line(text: str, line: int, message: str) -> None:
    with pytest.raises(GiftError) as caught:
        parse_gift(text, "bad.gift")
    assert str(caught.value).startswith(f"bad.gift:{line}: ")
    assert message in str(caught.value)
