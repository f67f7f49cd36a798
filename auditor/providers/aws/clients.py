"""One botocore client per (service, region), built once, lazily and thread-safely.

A boto3 ``Session`` is not thread-safe, so clients are created under one lock; they are then shared by
the worker threads (botocore clients are thread-safe). Every client of a scan comes from the same
session, so service models and endpoint rules are loaded once: the accounts of an organization are
entered with their role's temporary credentials given to the caller's session per client, not with a
session of their own (which would load every model again, per account). The endpoint is never
overridden here: botocore's own configuration (``AWS_ENDPOINT_URL``, ``AWS_ENDPOINT_URL_<SERVICE>``, the
profile) decides it, except on a cluster worker, which is given the scanning client's configured endpoint
(``configured_endpoint``) so that it reads where the client discovered the accounts.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import Any

import boto3
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ProfileNotFound

from auditor import __version__
from auditor.providers.aws.api_calls import ApiCallCounter
from auditor.providers.aws.failures import AwsCollectionFailed, redact
from auditor.providers.aws.options import AwsScanOptions
from auditor.providers.aws.readonly import ReadOnlyGuard
from auditor.providers.rate_limit import RateLimiter

USER_AGENT = f"posture-auditor/{__version__}"


def client_config(options: AwsScanOptions) -> Config:
    """Timeouts, adaptive retries, a connection pool as wide as the worker pool, our user agent.

    ``options.max_attempts`` counts every attempt, the first included (AWS_MAX_ATTEMPTS semantics), so
    it is given to botocore as ``total_max_attempts``: botocore's ``max_attempts`` key would mean
    retries and make one attempt more.
    """
    return Config(  # the before-send hook of ClientPool adds the per-service rate limit
        retries={"mode": "adaptive", "total_max_attempts": options.max_attempts},
        connect_timeout=options.connect_timeout,
        read_timeout=options.read_timeout,
        max_pool_connections=max(10, options.max_workers),
        user_agent_extra=USER_AGENT,
    )


_CREATING = threading.Lock()
"""Held while any client is created: the pools of one scan share a session."""


class ClientPool:
    """Clients by (service, region), each guarded (read-only) and counted before every call.

    ``credentials`` (``aws_access_key_id``, ``aws_secret_access_key``, ``aws_session_token``) are an
    entered account's temporary credentials; without them the session's own chain is used.
    """

    def __init__(
        self,
        session: boto3.Session,
        config: Config,
        guard: ReadOnlyGuard,
        counter: ApiCallCounter,
        credentials: Mapping[str, str] | None = None,
        limiter: RateLimiter | None = None,
        endpoint_url: str | None = None,
    ) -> None:
        self._session = session
        self._limiter = limiter if limiter is not None else RateLimiter("aws")
        self._account_key = f"pool-{id(self)}"  # the account these credentials enter
        self._config = config
        self._guard = guard
        self._counter = counter
        self._credentials = dict(credentials or {})
        self._endpoint = {"endpoint_url": endpoint_url} if endpoint_url else {}
        self._clients: dict[tuple[str, str], BaseClient] = {}

    @property
    def session(self) -> boto3.Session:
        return self._session

    @property
    def counter(self) -> ApiCallCounter:
        return self._counter

    def for_account(self, credentials: Mapping[str, str], counter: ApiCallCounter) -> ClientPool:
        """A pool calling with another account's credentials, through the same session and guard."""
        return ClientPool(
            self._session,
            self._config,
            self._guard,
            counter,
            credentials,
            self._limiter,
            self._endpoint.get("endpoint_url"),
        )

    def client(self, service: str, region: str) -> Any:
        """The client for ``service`` in ``region`` (typed ``Any``: boto3 clients are generated)."""
        key = (service, region)
        client = self._clients.get(key)
        if client is not None:
            return client
        with _CREATING:
            client = self._clients.get(key)
            if client is None:
                client = self._session.client(
                    service, region_name=region, config=self._config, **self._credentials, **self._endpoint
                )
                events = client.meta.events
                # First on the generic event, so they run before every other handler of it (the
                # guard refuses a write before it is counted, signed or sent). botocore runs handlers
                # of a more specific name ("before-call.kms.ListKeys") earlier still: a test stub
                # answering there would bypass the count, so stubs should use the generic event.
                events.register_first("before-call", self._guard.handler(service))
                events.register_first("before-call", self._counter.handler(service))
                events.register_first("before-send", self._rate_handler(service, region))
                self._clients[key] = client
            return client

    def _rate_handler(self, service: str, region: str) -> Any:
        """Before every attempt (retries too): a token from this account's (region, service) bucket."""

        def before_send(**_: Any) -> None:
            self._limiter.acquire(self._account_key, region, service)

        return before_send

    def __len__(self) -> int:
        return len(self._clients)


def configured_endpoint(session: boto3.Session) -> str | None:
    """The endpoint every client of ``session`` goes to when one is configured for all services
    (``AWS_ENDPOINT_URL`` or the profile's ``endpoint_url``), else None (AWS's own endpoints)."""
    url = os.environ.get("AWS_ENDPOINT_URL")
    if not url:
        try:
            url = session._session.get_scoped_config().get("endpoint_url")
        except BotoCoreError:
            url = None
    return str(url) if url else None


def open_session(profile: str | None) -> boto3.Session:
    """A session from the standard chain (profile, environment, SSO, instance role...)."""
    try:
        return boto3.Session(profile_name=profile)
    except ProfileNotFound as error:
        raise AwsCollectionFailed(
            f"AWS profile '{profile}' is not configured (see `aws configure list-profiles`)."
        ) from error
    except BotoCoreError as error:
        raise AwsCollectionFailed(f"Cannot open an AWS session: {redact(str(error))}") from error
