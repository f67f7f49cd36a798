"""Cloud Logging (gapic v2, gRPC): the project's sinks and its log-based metrics; and, once per scan for
each folder and organization the scanned projects sit in, that ancestor's sinks (``ANCESTOR_UNIT``: an
aggregated sink, ``includeChildren``, exports the logs of every project under it)."""

from __future__ import annotations

from typing import Any

from googleapiclient.errors import HttpError

from auditor.inventory.gcp import LogExclusion, LogMetric, LogSink, SinkBucket
from auditor.providers.gcp.failures import ReadFailed, classify
from auditor.providers.gcp.unit import Unit, UnitContext

SERVICE = "logging"
STORAGE = "storage"
STORAGE_PREFIX = "storage.googleapis.com/"


def sink_bucket_names(sinks: list[LogSink]) -> list[str]:
    """The Cloud Storage buckets the sinks export to."""
    return sorted(
        {
            s.destination.removeprefix(STORAGE_PREFIX)
            for s in sinks
            if s.destination.startswith(STORAGE_PREFIX)
        }
    )


def log_sink(sink: Any) -> LogSink:
    """A ``google.logging.v2.LogSink`` message as the inventory's ``LogSink``."""
    return LogSink(
        name=sink.name,
        destination=sink.destination,
        filter=sink.filter,
        disabled=bool(sink.disabled),
        include_children=bool(sink.include_children),
        exclusions=[
            LogExclusion(name=e.name, filter=e.filter, disabled=bool(e.disabled)) for e in sink.exclusions
        ],
    )


def _sinks(context: UnitContext, parent: str) -> list[LogSink]:
    clients = context.clients
    send = lambda: clients.logging_config().list_sinks(  # noqa: E731
        parent=parent, retry=clients.retry, timeout=clients.options.call_timeout
    )
    return [log_sink(s) for page in context.pages(SERVICE, "list_sinks", send) for s in page.sinks]


def _bucket(item: dict[str, object]) -> SinkBucket:
    policy = item.get("retentionPolicy")
    if not isinstance(policy, dict):
        return SinkBucket(name=str(item["name"]))
    return SinkBucket(
        name=str(item["name"]),
        retention_period_seconds=int(str(policy.get("retentionPeriod", "0"))),
        retention_locked=bool(policy.get("isLocked", False)),
    )


def _sink_buckets(context: UnitContext, sinks: list[LogSink] | None) -> dict[str, SinkBucket | None] | None:
    """Each sink bucket's retention and lock; a bucket that cannot be read is None with its error."""
    if sinks is None:
        return None
    storage = context.clients.discovery("storage")
    found: dict[str, SinkBucket | None] = {}
    for name in sink_bucket_names(sinks):
        try:
            item = context.call(
                STORAGE,
                "buckets.get",
                lambda n=name: (
                    storage.buckets().get(bucket=n).execute(num_retries=context.clients.options.num_retries)
                ),
            )
            found[name] = _bucket(item)
        except ReadFailed as failure:
            failure.resource = name
            context.record("sink_buckets", failure)
            found[name] = None
        except (HttpError, KeyError, TypeError, ValueError) as error:
            kind, code, message = classify(error)
            context.record("sink_buckets", ReadFailed(STORAGE, "buckets.get", kind, code, message, name))
            found[name] = None
    return found


def collect(context: UnitContext) -> None:
    clients = context.clients
    parent = f"projects/{context.target}"
    retry, timeout = clients.retry, clients.options.call_timeout

    def metrics() -> list[LogMetric]:
        send = lambda: clients.logging_metrics().list_log_metrics(  # noqa: E731
            parent=parent, retry=retry, timeout=timeout
        )
        return [
            LogMetric(name=m.name, filter=m.filter)
            for page in context.pages(SERVICE, "list_log_metrics", send)
            for m in page.metrics
        ]

    listed = context.fill("log_sinks", SERVICE, "list_sinks", lambda: _sinks(context, parent))
    context.values["sink_buckets"] = _sink_buckets(context, listed)
    context.fill("log_metrics", SERVICE, "list_log_metrics", metrics)


UNIT = Unit(
    service=SERVICE,
    datasets=("log_sinks", "sink_buckets", "log_metrics"),
    reads=((SERVICE, "list_sinks"), (SERVICE, "list_log_metrics"), (STORAGE, "buckets.get")),
    collect=collect,
)


def collect_ancestor(context: UnitContext) -> None:
    """The sinks of one folder or organization (``context.target`` is ``folders/F`` or
    ``organizations/O``); a failed read is recorded against that ancestor (``resource``)."""
    ancestor = context.target
    context.fill("ancestor_sinks", SERVICE, "list_sinks", lambda: _sinks(context, ancestor))
    context.errors = [e.model_copy(update={"resource": ancestor}) for e in context.errors]


ANCESTOR_UNIT = Unit(
    service=SERVICE,
    datasets=("ancestor_sinks",),
    reads=((SERVICE, "list_sinks"),),
    collect=collect_ancestor,
    scope="ancestor",
)
