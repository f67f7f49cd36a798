"""posture-auditor: a read-only multi-cloud posture auditor."""

__version__ = "0.1.0"
