"""Flow-log threat analytics: module 4's detection rules over the flow logs the user already has.

Readers turn AWS VPC Flow Logs (text and Parquet), Azure NSG / VNet flow logs and GCP VPC flow logs
into one table of flow records (``record``); the rules are SQL written once (``rules/*.sql``) and run by
DuckDB on one machine (``engine_duckdb``) or by Athena at scale (``engine_athena``); each detection
becomes a ``Finding`` with its runbook response (``findings``). Importing this package loads no engine.
"""
