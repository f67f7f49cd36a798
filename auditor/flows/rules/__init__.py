"""The rules as SQL files (package data); rendered by ``auditor.flows.ruleset``."""
