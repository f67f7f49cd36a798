"""The azure-mgmt clients of a scan, built once per (service, subscription) with the read-only guard.

Every client gets ``base_url``, ``connection_verify``, the retry budget, timeouts, the
``ReadOnlyPolicy`` (per call, before authorisation) and the ``RateLimitPolicy`` (per attempt).
Clients are thread-safe for reads; the pool builds each one once, under a lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from azure.core.credentials import TokenCredential
from azure.core.pipeline import PipelineRequest
from azure.core.pipeline.policies import SansIOHTTPPolicy

from auditor.providers.azure.endpoint import token_scopes
from auditor.providers.azure.operations import api_version
from auditor.providers.azure.options import AzureScanOptions
from auditor.providers.azure.readonly import ApiCallCounter, ReadOnlyPolicy
from auditor.providers.rate_limit import RateLimiter


class RateLimitPolicy(SansIOHTTPPolicy[Any, Any]):
    """Before every attempt (a per-retry policy, so retries count): a token from the subscription's
    ARM bucket (ARM meters reads per subscription, whatever the resource provider)."""

    def __init__(self, limiter: RateLimiter, subscription: str) -> None:
        self._limiter = limiter
        self._subscription = subscription

    def on_request(self, request: PipelineRequest[Any]) -> None:
        self._limiter.acquire(self._subscription, "", "arm")


def _security(credential: TokenCredential, subscription: str, **kwargs: Any) -> Any:
    from azure.mgmt.security import SecurityCenter

    return SecurityCenter(credential, subscription, **kwargs)


def _network(credential: TokenCredential, subscription: str, **kwargs: Any) -> Any:
    from azure.mgmt.network import NetworkManagementClient

    return NetworkManagementClient(credential, subscription, **kwargs)


def _monitor(credential: TokenCredential, subscription: str, **kwargs: Any) -> Any:
    from azure.mgmt.monitor import MonitorManagementClient

    return MonitorManagementClient(credential, subscription, **kwargs)


def _resources(credential: TokenCredential, subscription: str, **kwargs: Any) -> Any:
    from azure.mgmt.resource.resources import ResourceManagementClient

    # This client takes its api-version once, for every operation (its operations take none per call).
    return ResourceManagementClient(
        credential, subscription, api_version=api_version("resources.list"), **kwargs
    )


def _dnsresolver(credential: TokenCredential, subscription: str, **kwargs: Any) -> Any:
    from azure.mgmt.dnsresolver import DnsResolverManagementClient

    return DnsResolverManagementClient(credential, subscription, **kwargs)


BUILDERS: dict[str, Callable[..., Any]] = {
    "security": _security,
    "network": _network,
    "monitor": _monitor,
    "resources": _resources,
    "dnsresolver": _dnsresolver,
}


class ClientPool:
    def __init__(
        self, credential: TokenCredential, options: AzureScanOptions, counter: ApiCallCounter
    ) -> None:
        self._credential = credential
        self._options = options
        self.counter = counter
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        self.limiter = RateLimiter("azure", dict(options.rate_limits))

    def client_kwargs(self, subscription: str = "") -> dict[str, Any]:
        options = self._options
        return {
            "base_url": options.base_url,
            "connection_verify": str(options.connection_verify)
            if not isinstance(options.connection_verify, bool)
            else options.connection_verify,
            "retry_total": options.retry_total,
            "retry_backoff_factor": options.retry_backoff_factor,
            "connection_timeout": options.connection_timeout,
            "read_timeout": options.read_timeout,
            "per_call_policies": [ReadOnlyPolicy(self.counter)],
            "per_retry_policies": [RateLimitPolicy(self.limiter, subscription)],
            "credential_scopes": list(options.credential_scopes or token_scopes(options.base_url)),
        }

    def client(self, service: str, subscription: str) -> Any:
        key = (service, subscription)
        with self._lock:
            if key not in self._clients:
                self._clients[key] = BUILDERS[service](
                    self._credential, subscription, **self.client_kwargs(subscription)
                )
            return self._clients[key]

    def subscription_client(self) -> Any:
        from azure.mgmt.resource.subscriptions import SubscriptionClient

        # Subscriptions_List and Subscriptions_Get share one api-version, given once to the client.
        return SubscriptionClient(
            self._credential, api_version=api_version("subscriptions.get"), **self.client_kwargs()
        )

    def management_groups_client(self) -> Any:
        from azure.mgmt.managementgroups import ManagementGroupsMgmtClient

        return ManagementGroupsMgmtClient(
            self._credential,
            api_version=api_version("management_groups.get_descendants"),
            **self.client_kwargs(),
        )

    def close(self) -> None:
        with self._lock:
            for client in self._clients.values():
                client.close()
            self._clients.clear()
