"""Every answer a seeded ARM emulator serves, page by page, with the route that served it."""

from __future__ import annotations

import json
import ssl
import urllib.request
from collections.abc import Iterator
from typing import Any

from auditor.emulators.arm_routes import ArmRoute, route_for
from auditor.emulators.arm_server import ArmEmulator


def get(emulator: ArmEmulator, url: str) -> tuple[int, Any]:
    context = ssl.create_default_context(cafile=str(emulator.cert_path))
    target = url if url.startswith("https://") else emulator.url + url
    try:
        with urllib.request.urlopen(target, context=context, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def served(emulator: ArmEmulator) -> Iterator[tuple[ArmRoute, str, Any]]:
    """(route, URL, body) of every page of every collection and of every item seeded, each asked for at
    its route's api-version."""
    state = emulator.state
    for path in [*state.collections, *state.items]:
        route = route_for(path, state.routes)
        assert route is not None, path  # seeding refuses unrouted paths
        url: str | None = f"{path}?api-version={route.api_version}"
        while url:
            status, body = get(emulator, url)
            assert status == 200, (url, body)
            yield route, url, body
            url = body.get("nextLink") if isinstance(body, dict) else None
