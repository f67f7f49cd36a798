"""Benchmark: the PDF audit report for 100 and 5,000 failing findings.

    python benchmarks/report_pdf.py [--sizes 100,5000] [--repeat 3]

For each size, builds a synthetic scored ScanResult (failing findings spread over five real checks,
most on the first), then times:

- ours: ``reports.render.render_pdf`` (context, Jinja2, WeasyPrint through ``ReportFetcher``);
- bare: WeasyPrint alone on the same print HTML, ``HTML(string=..., base_url=<package>).write_pdf()``
  with its default fetcher (the floor: the layout itself);

and prints the best of ``--repeat`` runs, the page count and the ratio ours / bare (target <= 1.2).
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import time
from collections.abc import Callable
from datetime import UTC, datetime

from pypdf import PdfReader

from auditor.benchmarks import load_benchmark
from auditor.model import Finding, Status, finding_id
from auditor.registry import load_checks
from auditor.scan_result import ScanResult, ScanScope
from auditor.scoring import score_benchmark

ACCOUNT = "210987654321"
CHECKS = (
    "aws.vpc.flow_logs_enabled",
    "aws.ec2.default_sg_restricts_all",
    "aws.route53resolver.query_logging_enabled",
    "aws.ec2.imdsv2_required",
    "aws.guardduty.enabled_all_regions",
)
REGIONS = ("eu-west-1", "us-east-1", "us-west-2")


def synthetic_scan(failing: int) -> ScanResult:
    """``failing`` FAIL findings over five checks (the first gets the rest of an even split)."""
    registry = load_checks()
    share = failing // 5
    counts = [failing - share * (len(CHECKS) - 1)] + [share] * (len(CHECKS) - 1)
    findings = []
    for check_id, count in zip(CHECKS, counts, strict=True):
        meta = registry.get(check_id).meta
        for index in range(count):
            region = REGIONS[index % len(REGIONS)]
            resource = f"{meta.service}-{index:06d}"
            findings.append(
                Finding(
                    id=finding_id("aws", ACCOUNT, region, check_id, resource),
                    check_id=check_id,
                    provider="aws",
                    service=meta.service,
                    severity=meta.severity,
                    status=Status.FAIL,
                    account=ACCOUNT,
                    region=region,
                    resource_id=resource,
                    resource_name=f"workload-{index}",
                    message=f"{resource} fails {check_id} in {region}",
                )
            )
    benchmarks = [score_benchmark(load_benchmark(b), findings) for b in ("cis-aws-7.0", "module4-baseline")]
    return ScanResult(
        tool_version="benchmark",
        started_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
        finished_at=datetime(2026, 11, 2, 9, 5, tzinfo=UTC),
        source="snapshot",
        scopes=[
            ScanScope(
                provider="aws", account=ACCOUNT, regions=list(REGIONS), inventory_summary={"vpcs": failing}
            )
        ],
        inventory_hash="sha256:" + "0" * 64,
        api_calls=0,
        findings=findings,
        benchmarks=benchmarks,
    )


def best_of(repeat: int, run: Callable[[], bytes]) -> tuple[float, bytes]:
    times, out = [], b""
    for _ in range(repeat):
        start = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - start)
    return min(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,5000", help="Comma-separated failing-finding counts.")
    parser.add_argument("--repeat", type=int, default=3, help="Runs per measurement (the best is kept).")
    args = parser.parse_args()

    from weasyprint import HTML

    from reports.fetcher import package_base_url
    from reports.render import render_html, render_pdf

    load_checks()
    # Warm up: imports, fonts, the Jinja template cache.
    render_pdf(synthetic_scan(5))

    print(
        f"{'findings':>9} {'pages':>6} {'ours s':>8} {'bare s':>8} {'ratio':>6} {'html KB':>8} {'pdf KB':>8}"
    )
    for size in (int(part) for part in args.sizes.split(",")):
        result = synthetic_scan(size)
        ours, pdf = best_of(args.repeat, lambda result=result: render_pdf(result))
        html = render_html(result, for_pdf=True)

        def bare(html: str = html) -> bytes:
            return HTML(string=html, base_url=package_base_url()).write_pdf()

        floor, _ = best_of(args.repeat, bare)
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(
            f"{size:>9} {pages:>6} {ours:>8.2f} {floor:>8.2f} {ours / floor:>6.2f} "
            f"{len(html) / 1024:>8.0f} {len(pdf) / 1024:>8.0f}"
        )


if __name__ == "__main__":
    main()
