"""Client building: configuration, one client per (service, region), the endpoint left to botocore."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from auditor import __version__
from auditor.providers.aws import AwsScanOptions
from auditor.providers.aws.api_calls import ApiCallCounter
from auditor.providers.aws.clients import ClientPool, client_config
from auditor.providers.aws.policy import declared_reads
from auditor.providers.aws.readonly import ReadOnlyGuard
from tests.providers.aws.conftest import new_session
from tests.providers.aws.estate import EAST, WEST


def _pool(session: Any, **options: Any) -> tuple[ClientPool, ApiCallCounter]:
    counter = ApiCallCounter()
    config = client_config(AwsScanOptions(**options))
    return ClientPool(session, config, ReadOnlyGuard(declared_reads()), counter), counter


def test_client_config() -> None:
    config = client_config(AwsScanOptions(max_workers=40, connect_timeout=3, read_timeout=9, max_attempts=4))
    assert config.retries == {"mode": "adaptive", "total_max_attempts": 4}
    assert (config.connect_timeout, config.read_timeout) == (3, 9)
    assert config.max_pool_connections == 40
    assert config.user_agent_extra == f"posture-auditor/{__version__}"
    assert client_config(AwsScanOptions(max_workers=2)).max_pool_connections >= 2


def test_one_client_per_service_and_region_even_under_concurrency(session) -> None:
    pool, _ = _pool(session)
    created: list[str] = []
    lock = threading.Lock()
    original = session.client

    def counting_client(*args: Any, **kwargs: Any) -> Any:
        with lock:
            created.append(args[0])
        return original(*args, **kwargs)

    session.client = counting_client  # type: ignore[method-assign]
    keys = [("ec2", EAST), ("ec2", WEST), ("kms", EAST)] * 20
    with ThreadPoolExecutor(16) as executor:
        clients = list(executor.map(lambda key: pool.client(*key), keys))
    assert sorted(created) == ["ec2", "ec2", "kms"]
    assert len(pool) == 3
    assert len({id(c) for c in clients}) == 3
    assert pool.client("ec2", WEST).meta.region_name == WEST


def test_calls_are_counted_and_the_user_agent_is_ours(session) -> None:
    pool, counter = _pool(session)
    agents: list[str] = []

    def capture(request: Any, **_: Any) -> None:
        agents.append(
            request.headers["User-Agent"].decode()
            if isinstance(request.headers["User-Agent"], bytes)
            else request.headers["User-Agent"]
        )

    session.events.register("before-send", capture)
    pool.client("ec2", EAST).describe_vpcs()
    pool.client("ec2", EAST).describe_vpcs()
    pool.client("kms", WEST).list_keys()
    assert counter.snapshot() == {"ec2:DescribeVpcs": 2, "kms:ListKeys": 1}
    assert all(f"posture-auditor/{__version__}" in agent for agent in agents)


def test_aws_endpoint_url_is_honoured(aws, monkeypatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5999")
    pool, _ = _pool(new_session())
    assert pool.client("guardduty", WEST).meta.endpoint_url == "http://127.0.0.1:5999"
