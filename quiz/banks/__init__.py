"""The question banks shipped with the auditor (YAML data files; see docs/quiz-bank.md)."""
