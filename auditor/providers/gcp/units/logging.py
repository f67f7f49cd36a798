"""Cloud Logging (gapic v2, gRPC): the project's sinks and its log-based metrics."""

from __future__ import annotations

from auditor.inventory.gcp import LogMetric, LogSink
from auditor.providers.gcp.unit import Unit, UnitContext

SERVICE = "logging"


def collect(context: UnitContext) -> None:
    clients = context.clients
    parent = f"projects/{context.target}"
    retry, timeout = clients.retry, clients.options.timeout

    def sinks() -> list[LogSink]:
        send = lambda: clients.logging_config().list_sinks(parent=parent, retry=retry, timeout=timeout)  # noqa: E731
        return [
            LogSink(name=s.name, destination=s.destination, filter=s.filter, disabled=bool(s.disabled))
            for page in context.pages(SERVICE, "list_sinks", send)
            for s in page.sinks
        ]

    def metrics() -> list[LogMetric]:
        send = lambda: clients.logging_metrics().list_log_metrics(  # noqa: E731
            parent=parent, retry=retry, timeout=timeout
        )
        return [
            LogMetric(name=m.name, filter=m.filter)
            for page in context.pages(SERVICE, "list_log_metrics", send)
            for m in page.metrics
        ]

    context.fill("log_sinks", SERVICE, "list_sinks", sinks)
    context.fill("log_metrics", SERVICE, "list_log_metrics", metrics)


UNIT = Unit(
    service=SERVICE,
    datasets=("log_sinks", "log_metrics"),
    reads=((SERVICE, "list_sinks"), (SERVICE, "list_log_metrics")),
    collect=collect,
)
