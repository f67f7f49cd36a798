"""Collectors: the only code that talks to a cloud. One package per provider, read-only SDK calls."""
