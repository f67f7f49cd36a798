"""Benchmark: module 4's flow-log rules over N generated AWS VPC Flow Log records (gzip text).

    python benchmarks/flows.py [--records 10000000] [--files 16] [--dir /tmp/flows-bench]
                               [--repeat N] [--records-table] [--no-parquet] [--keep | --reuse]

Generates N records in the module's --log-format over ``--files`` gzip files in the S3 key layout (a
realistic mix: east-west traffic, replies, the usual public destinations, NODATA records, and the attack
patterns: an SSH and an RDP brute forcer, a port scanner, an exfiltrating host), with DuckDB's COPY so the
generation itself is quick. Then, each in a fresh process, times:

- ``zcat FILES | wc -l``: the one-core decompression floor;
- ours: ``auditor.flows.analysis.analyze`` (every file read once, two at a time, AWS records rolled up
  while they load, ``auditor.flows.rollup``; then every rule and the findings). zcat and ours run
  alternately ``--repeat`` times and the fastest of each counts (other processes share the cores);
- with ``--records-table``: ours without the rollup (every record in the table, under the memory limit);
- unless ``--no-parquet``: the set converted once (``auditor flows convert``), then analysed.

Prints records/s, MB/s of uncompressed text, each child's own peak RSS and CPU time (``wait4``), the
load average, and the ratio to the zcat time. Prints figures; asserts nothing. Not part of the test
suite. Measured on the 2-core development machine under a load average of 5.5-9 from other work
(figures and discussion: docs/flows.md, "Benchmark"): 10 M records, zcat 6.2 s (5.3 s CPU), ours 11.2 s
(9.6 s CPU), peak 0.38 GiB, 1.8x zcat; before the rollup, 24.7 s CPU and 2.5 GiB. 40 M records: peak
0.49 GiB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

WINDOW_END = datetime(2026, 11, 27, tzinfo=UTC)

_GENERATE = """
COPY (
    SELECT
        5 AS "version",
        '123456789012' AS "account-id",
        'eni-' || lpad(CAST(i % 200 AS VARCHAR), 8, '0') AS "interface-id",
        CASE
            WHEN i % 1000 = 1 THEN '198.51.100.7'
            WHEN i % 1000 = 2 THEN '198.51.100.8'
            WHEN i % 1000 = 3 THEN '203.0.113.5'
            WHEN i % 1000 = 4 THEN '10.0.3.30'
            ELSE '10.0.' || CAST((i // 7) % 4 AS VARCHAR) || '.' || CAST((i // 13) % 250 AS VARCHAR)
        END AS srcaddr,
        CASE
            WHEN i % 1000 IN (1, 2, 3) THEN '10.0.1.' || CAST(i % 50 AS VARCHAR)
            WHEN i % 1000 = 4 THEN '185.199.108.153'
            WHEN i % 10 = 5 THEN '52.94.' || CAST(i % 3 AS VARCHAR) || '.10'
            ELSE '10.0.2.' || CAST(100 + i % 10 AS VARCHAR)
        END AS dstaddr,
        32768 + CAST(i % 28000 AS INTEGER) AS srcport,
        CASE
            WHEN i % 1000 = 1 THEN 22
            WHEN i % 1000 = 2 THEN 3389
            WHEN i % 1000 = 3 THEN 1 + CAST((i // 1000) % 1024 AS INTEGER)
            WHEN i % 2 = 0 THEN 443
            ELSE 5432
        END AS dstport,
        6 AS protocol,
        1 + i % 40 AS packets,
        CASE WHEN i % 1000 = 4 THEN 2000000 ELSE 200 + (i * 7919) % 60000 END AS bytes,
        {start} + CAST((i * 86399) // {total} AS BIGINT) AS "start",
        {start} + CAST((i * 86399) // {total} AS BIGINT) + 60 AS "end",
        CASE WHEN i % 1000 IN (1, 2, 3) OR i % 97 = 0 THEN 'REJECT' ELSE 'ACCEPT' END AS action,
        CASE WHEN i % 5000 = 7 THEN 'NODATA' ELSE 'OK' END AS "log-status",
        'vpc-0a1b2c3d' AS "vpc-id",
        'subnet-0a1b2c3d' AS "subnet-id",
        'i-0a1b2c3d4e5f' AS "instance-id",
        CASE WHEN i % 1000 IN (1, 2, 3) THEN 2 ELSE 19 END AS "tcp-flags",
        'IPv4' AS "type",
        '-' AS "pkt-srcaddr",
        '-' AS "pkt-dstaddr"
    FROM range({first}, {last}) AS r(i)
) TO '{path}' (DELIMITER ' ', HEADER, QUOTE '', COMPRESSION gzip)
"""


def generate(directory: Path, records: int, files: int) -> list[Path]:
    import duckdb

    from auditor.flows.generate import aws_key

    directory.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    start = int(WINDOW_END.timestamp()) - 86400
    per_file = -(-records // files)
    paths = []
    for number in range(files):
        path = directory / aws_key(WINDOW_END, number)
        path.parent.mkdir(parents=True, exist_ok=True)
        first, last = number * per_file, min(records, (number + 1) * per_file)
        sql = _GENERATE.format(start=start, total=records, first=first, last=last, path=path)
        con.execute(sql).fetchall()
        paths.append(path)
    return paths


def timed(command: list[str], shell: bool = False) -> tuple[float, str, int, float]:
    """(seconds, stdout, peak RSS in bytes, CPU seconds) of the child and its own children (wait4)."""
    argv: list[str] | str = " ".join(command) if shell else command
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        clock = time.perf_counter()
        child = subprocess.Popen(argv, shell=shell, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - clock
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            sys.exit(f"failed: {command}\n{err.read()}")
        return elapsed, out.read(), usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime


_ANALYZE = """
import json, sys
from datetime import datetime
from auditor.flows.analysis import analyze
from auditor.flows.parameters import RuleParameters
parameters = RuleParameters(window_end=datetime.fromisoformat(sys.argv[2]))
analysis = analyze([sys.argv[1]], parameters, rollup=sys.argv[3] == "rollup")
s = analysis.summary
print(json.dumps({"read": s.records_read, "rejected": s.records_rejected, "detections": s.detections}))
"""


def _load() -> str:
    return f"load average {os.getloadavg()[0]:.1f}"


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--records", type=int, default=10_000_000)
    parser.add_argument("--files", type=int, default=16)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/flows-bench"))
    parser.add_argument("--keep", action="store_true", help="Keep the generated files.")
    parser.add_argument("--reuse", action="store_true", help="Reuse the files a --keep run left.")
    parser.add_argument(
        "--repeat", type=int, default=1, help="Run zcat and ours N times, alternately; the best counts."
    )
    parser.add_argument(
        "--records-table", action="store_true", help="Also time the analysis without the rollup."
    )
    parser.add_argument("--no-parquet", action="store_true", help="Skip the conversion to Parquet.")
    args = parser.parse_args()

    if args.reuse:
        paths = sorted((args.dir / "text").rglob("*.log.gz"))
        (args.dir / "flows.parquet").unlink(missing_ok=True)
    else:
        shutil.rmtree(args.dir, ignore_errors=True)
        clock = time.perf_counter()
        paths = generate(args.dir / "text", args.records, args.files)
        print(
            f"generated {args.records:,} records in {len(paths)} files in {time.perf_counter() - clock:.1f} s"
        )
    compressed = sum(p.stat().st_size for p in paths)
    files = " ".join(str(p) for p in paths)
    out = timed([f"zcat {files} | wc -c"], shell=True)[1]
    text_bytes = int(out.strip())
    print(f"input: {compressed / 1e6:.0f} MB gzip, {text_bytes / 1e9:.2f} GB text, {len(paths)} files")
    print(f"machine: {os.cpu_count()} cores, {_load()} before the runs")

    window_end = WINDOW_END.isoformat()
    text = str(args.dir / "text")
    zcat_runs, ours_runs = [], []
    for _ in range(args.repeat):  # alternately, so that both see the same neighbours on the cores
        zcat_runs.append(timed([f"zcat {files} | wc -l"], shell=True))
        ours_runs.append(timed([sys.executable, "-c", _ANALYZE, text, window_end, "rollup"]))
    zcat_s = min(run[0] for run in zcat_runs)
    ours_s, out, _, ours_cpu = min(ours_runs, key=lambda run: run[0])
    zcat_cpu = min(zcat_runs, key=lambda run: run[0])[3]
    rss = max(run[2] for run in ours_runs)
    lines = int(zcat_runs[0][1])
    result = json.loads(out)
    records = result["read"] + result["rejected"]
    zcat_times = ", ".join(f"{run[0]:.2f}" for run in zcat_runs)
    print(f"zcat | wc -l: {zcat_s:.2f} s, CPU {zcat_cpu:.2f} s ({lines:,} lines; runs {zcat_times})")
    print(
        f"ours (gzip text, rollup while loading + every rule): {ours_s:.2f} s, "
        f"{records / ours_s / 1e6:.2f} M records/s, {text_bytes / ours_s / 1e6:.0f} MB/s text, "
        f"peak {rss / 2**30:.2f} GiB, CPU {ours_cpu:.2f} s, {ours_s / zcat_s:.2f}x zcat "
        f"(runs {', '.join(f'{r[0]:.2f}' for r in ours_runs)}; {_load()} after)"
    )
    print(f"  read {result['read']:,}, rejected {result['rejected']:,}, detections {result['detections']}")

    if args.records_table:
        table_s, _, table_rss, _ = timed([sys.executable, "-c", _ANALYZE, text, window_end, "records"])
        print(
            f"ours without the rollup (every record in the table, 1 GiB limit, spilling): {table_s:.2f} s, "
            f"peak {table_rss / 2**30:.2f} GiB, {table_s / zcat_s:.2f}x zcat"
        )
    if not args.no_parquet:
        parquet = args.dir / "flows.parquet"
        convert = [sys.executable, "-m", "auditor", "flows", "convert", text, "-o", str(parquet)]
        convert_s, _, convert_rss, _ = timed(convert)
        print(
            f"convert to Parquet: {convert_s:.2f} s ({parquet.stat().st_size / 1e6:.0f} MB), "
            f"peak {convert_rss / 2**30:.2f} GiB"
        )
        analyze_parquet = [sys.executable, "-c", _ANALYZE, str(parquet), window_end, "rollup"]
        parquet_s, out, parquet_rss, _ = timed(analyze_parquet)
        print(
            f"ours (Parquet): {parquet_s:.2f} s, {records / parquet_s / 1e6:.2f} M records/s, "
            f"peak {parquet_rss / 2**30:.2f} GiB ({_load()} after)"
        )
    if not args.keep:
        shutil.rmtree(args.dir, ignore_errors=True)


if __name__ == "__main__":
    main()
