"""Active threat findings (GuardDuty now; Defender for Cloud alerts and SCC findings later) grouped into
module 4's four GuardDuty finding types, each with its runbook response."""
