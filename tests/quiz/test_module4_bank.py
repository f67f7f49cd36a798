"""The bundled module 4 bank: complete coverage of the module, and every reference resolves."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from auditor.benchmarks import load_benchmark
from auditor.registry import load_checks
from quiz.bank import QUESTION_TYPES, Bank, bundled_bank, load_bank

MODULE_SECTIONS = {
    "log-types",
    "flow-logs",
    "athena-queries",
    "guardduty",
    "guardduty-protection",
    "defender",
    "scc",
    "siem",
    "baseline",
    "detection-rules",
    "runbook",
}


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank(bundled_bank("module4"))


def test_bank_loads_with_enough_questions(bank: Bank) -> None:
    assert bank.id == "module4"
    assert len(bank.questions) >= 40


def test_every_module_section_has_three_questions(bank: Bank) -> None:
    assert {section.id for section in bank.sections} == MODULE_SECTIONS
    counts = Counter(question.section for question in bank.questions)
    thin = {section: counts[section] for section in MODULE_SECTIONS if counts[section] < 3}
    assert not thin, f"sections with fewer than 3 questions: {thin}"


def test_every_type_is_used_three_times(bank: Bank) -> None:
    counts = Counter(question.type for question in bank.questions)
    rare = {kind: counts[kind] for kind in QUESTION_TYPES if counts[kind] < 3}
    assert not rare, f"types used fewer than 3 times: {rare}"


def test_related_checks_exist(bank: Bank) -> None:
    registry = load_checks()
    unknown = {
        (question.id, check)
        for question in bank.questions
        for check in question.relates_to.checks
        if check not in registry
    }
    assert not unknown


def test_related_controls_exist(bank: Bank) -> None:
    catalogs: dict[str, set[str]] = {}
    unknown = []
    for question in bank.questions:
        for reference in question.relates_to.controls:
            benchmark_id, control_id = reference.split(":", 1)
            if benchmark_id not in catalogs:
                catalogs[benchmark_id] = {control.id for control in load_benchmark(benchmark_id).controls}
            if control_id not in catalogs[benchmark_id]:
                unknown.append((question.id, reference))
    assert not unknown


def test_explanations_cite_the_module_or_cis(bank: Bank) -> None:
    uncited = [
        question.id
        for question in bank.questions
        if "Module 4" not in question.explanation and not re.search(r"CIS .*\d\.\d", question.explanation)
    ]
    assert not uncited


def test_question_ids_are_unique(bank: Bank) -> None:
    ids = [question.id for question in bank.questions]
    assert len(ids) == len(set(ids))
