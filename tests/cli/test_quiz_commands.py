import csv
import io
import string
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from auditor.cli import quiz_commands
from auditor.cli.main import app
from auditor.history import HOME_ENV, HistoryStore
from quiz.bank import bundled_bank, load_bank
from quiz.engine import draw_quiz, expected_answer
from quiz.records import AttemptStore

runner = CliRunner()
LETTERS = string.ascii_lowercase


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv(HOME_ENV, str(tmp_path))
    monkeypatch.setenv("USER", "tester")
    return tmp_path


def letter(item, index):
    return LETTERS[item.display_order.index(index)]


def right_line(item):
    question = item.question
    expected = expected_answer(question)
    if question.type == "true_false":
        return "t" if expected else "f"
    if question.type == "matching":
        return " ".join(f"{left + 1}{letter(item, right)}" for left, right in expected.items())
    if question.type == "ordering":
        return " ".join(letter(item, index) for index in expected)
    if isinstance(expected, frozenset):
        return ",".join(letter(item, index) for index in sorted(expected))
    return letter(item, expected)


def wrong_line(item):
    question = item.question
    expected = expected_answer(question)
    if question.type == "true_false":
        return "f" if expected else "t"
    if question.type in ("single", "scenario") and not isinstance(expected, frozenset):
        return next(letter(item, i) for i in item.display_order if i != expected)
    if isinstance(expected, frozenset):
        return next(letter(item, i) for i in item.display_order if i not in expected)
    return ""  # matching / ordering: skipped, scores 0


def drawn(seed, questions):
    return draw_quiz(load_bank(bundled_bank("module4")), questions=questions, seed=seed)


def test_full_quiz_through_stdin_passes_and_writes_a_certificate(home):
    quiz = drawn(11, 12)
    assert {item.question.type for item in quiz.items} >= {"single", "true_false"}
    lines = [right_line(item) for item in quiz.items]
    lines[0] = "zz\n" + lines[0]  # an invalid answer is asked again
    cert = home / "out" / "cert.pdf"
    args = ["quiz", "--operator", "<b>Eve</b>", "--seed", "11", "--questions", "12"]
    args += ["--certificate", str(cert)]
    outcome = runner.invoke(app, args, input="\n".join(lines) + "\n", env={"COLUMNS": "200"})
    assert outcome.exit_code == 0, outcome.output
    assert "Not understood" in outcome.output
    assert "Score 100%" in outcome.output and "PASS" in outcome.output
    (attempt,) = AttemptStore().attempts("<b>Eve</b>")
    assert attempt.passed and attempt.score == 1.0 and attempt.seed == 11 and attempt.mode == "quiz"
    assert len(AttemptStore().attempt(attempt.id).answers) == 12
    text = PdfReader(io.BytesIO(cert.read_bytes())).pages[0].extract_text()
    assert "<b>Eve</b>" in text and "100%" in text
    HistoryStore(home / "history.sqlite3", create=False)  # the history still accepts the file
    assert len(AttemptStore().review_states("<b>Eve</b>")) == 12


def test_every_question_type_is_parsed():
    quiz = drawn(3, 47)
    for item in quiz.items:
        expected = expected_answer(item.question)
        assert quiz_commands.parse_answer(item, right_line(item)) == expected
        assert quiz_commands.format_answer(item, expected) is not None
    types = {item.question.type for item in quiz.items}
    assert types >= {"single", "multiple", "true_false", "matching", "ordering"}


def test_failing_run_exits_3_without_certificate(home):
    quiz = drawn(5, 6)
    lines = [wrong_line(item) for item in quiz.items]
    cert = home / "cert.pdf"
    args = ["quiz", "--seed", "5", "-n", "6", "--feedback", "deferred", "--certificate", str(cert)]
    outcome = runner.invoke(app, args, input="\n".join(lines) + "\n")
    assert outcome.exit_code == 3, outcome.output
    assert "FAIL" in outcome.output and "Review:" in outcome.output
    assert not cert.exists()
    (attempt,) = AttemptStore().attempts("tester")
    assert not attempt.passed


def test_practice_serves_the_missed_questions(home, monkeypatch):
    quiz = drawn(5, 6)
    missed = {item.question.id for item in quiz.items}
    outcome = runner.invoke(app, ["quiz", "--seed", "5", "-n", "6"], input="\n" * 6)
    assert outcome.exit_code == 3

    class Later(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + timedelta(days=1)

    monkeypatch.setattr(quiz_commands, "datetime", Later)
    outcome = runner.invoke(app, ["quiz", "--practice", "--seed", "9"], input="")
    assert outcome.exit_code == 3, outcome.output
    assert "6 question(s) due" in outcome.output
    latest = AttemptStore().attempts("tester")[0]
    assert latest.mode == "practice"
    assert {a.question_id for a in AttemptStore().attempt(latest.id).answers} == missed


def test_practice_with_nothing_due_draws_normally(home):
    outcome = runner.invoke(app, ["quiz", "--practice", "-n", "3"], input="")
    assert outcome.exit_code == 3
    assert "no question is due" in outcome.output


def test_history_and_csv(home):
    runner.invoke(app, ["quiz", "--operator", "=cmd()", "-n", "2"], input="")
    outcome = runner.invoke(app, ["quiz", "history"])
    assert outcome.exit_code == 0 and "=cmd()" in outcome.output and "FAIL" in outcome.output
    target = home / "training.csv"
    outcome = runner.invoke(app, ["quiz", "history", "--csv", str(target)])
    assert outcome.exit_code == 0, outcome.output
    rows = list(csv.reader(io.StringIO(target.read_text())))
    assert rows[0][0] == "operator" and rows[1][0] == "'=cmd()" and rows[1][4] == "no"


def test_history_when_empty(home):
    outcome = runner.invoke(app, ["quiz", "history"])
    assert outcome.exit_code == 0 and "No quiz attempts" in outcome.output


def test_from_last_scan_without_history(home):
    outcome = runner.invoke(app, ["quiz", "--from-last-scan"], input="")
    assert outcome.exit_code == 1
    assert "no scan recorded" in outcome.output


def test_from_last_scan_adds_scenarios(home):
    from quiz.scenarios import scenario_questions

    args = ["demo", "-q", "--pdf", str(home / "d.pdf"), "--json", str(home / "d.json")]
    args += ["--snapshot", str(home / "s.json")]
    demo = runner.invoke(app, args)
    assert demo.exit_code in (0, 3), demo.output
    store = HistoryStore(create=False)
    scenarios = {q.id for q in scenario_questions(store.load(store.scan_ids()[-1]))}
    assert scenarios
    outcome = runner.invoke(app, ["quiz", "--from-last-scan", "-n", "20", "--seed", "1"], input="")
    assert outcome.exit_code == 3, outcome.output
    assert "scenario question(s)" in outcome.output
    latest = AttemptStore().attempts("tester")[0]
    assert scenarios <= {a.question_id for a in AttemptStore().attempt(latest.id).answers}


def test_unknown_bank_fails(home):
    outcome = runner.invoke(app, ["quiz", "--bank", "nope"], input="")
    assert outcome.exit_code == 1 and "no bundled bank" in outcome.output


def test_now_is_aware():
    assert quiz_commands.datetime.now(UTC).tzinfo is not None


def test_gift_export_then_import_gives_a_valid_bank(tmp_path):
    from quiz.bank import bundled_bank, load_bank

    gift = tmp_path / "module4.gift"
    exported = runner.invoke(app, ["quiz", "export-gift", "--out", str(gift)])
    assert exported.exit_code == 0, exported.output
    assert "skipped:" in exported.output  # ordering questions have no GIFT type
    bank_file = tmp_path / "back.yaml"
    imported = runner.invoke(app, ["quiz", "import-gift", str(gift), "--out", str(bank_file), "--id", "copy"])
    assert imported.exit_code == 0, imported.output
    original = load_bank(bundled_bank("module4"))
    copy = load_bank(bank_file)
    supported = [q for q in original.questions if q.type != "ordering"]
    assert [q.id for q in copy.questions] == [q.id for q in supported]
    assert copy.questions == supported


def test_gift_import_of_a_malformed_file_names_the_line(tmp_path):
    gift = tmp_path / "bad.gift"
    gift.write_text("::q1:: What is 2+2? {=4 ~5\n")
    result = runner.invoke(app, ["quiz", "import-gift", str(gift), "--out", str(tmp_path / "x.yaml")])
    assert result.exit_code == 1
    assert "bad.gift" in result.output and ":1" in result.output
