"""The ARM emulator speaks HTTPS with its own certificate and answers like ARM: one api-version per
route (400 InvalidApiVersionParameter / MissingApiVersionParameter otherwise), paths without case,
nextLink paging, 429/403/5xx error bodies, 405 for writes, a log of every request."""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from auditor.emulators.arm_routes import ROUTES, ArmRoute
from auditor.emulators.arm_server import ArmEmulator, Fault

THINGS = ArmRoute(
    "Things_List", "/subscriptions/{subscriptionId}/providers/Microsoft.Things/items?api-version=1"
)

ITEMS = [
    {"id": f"/x/{n}", "name": f"item-{n}", "type": "Microsoft.KeyVault/vaults" if n % 2 else "Other"}
    for n in range(5)
]


@pytest.fixture(scope="module")
def emulator() -> Iterator[ArmEmulator]:
    arm = ArmEmulator(page_size=2, routes=(THINGS, *ROUTES))
    arm.add_collection("/subscriptions/s/providers/Microsoft.Things/items", ITEMS)
    arm.add_collection("/subscriptions/s/providers/Microsoft.Security/pricings", ITEMS, paged=False)
    arm.add_item("/subscriptions/s", {"subscriptionId": "s"})
    with arm:
        yield arm


@pytest.fixture(autouse=True)
def _clean(emulator: ArmEmulator) -> None:
    emulator.clear_faults()
    emulator.clear_requests()


def _get(emulator: ArmEmulator, path: str, method: str = "GET") -> tuple[int, dict, dict]:
    context = ssl.create_default_context(cafile=str(emulator.cert_path))
    url = path if path.startswith("https://") else emulator.url + path
    request = urllib.request.Request(url, method=method, data=b"{}" if method != "GET" else None)
    try:
        with urllib.request.urlopen(request, context=context, timeout=5) as response:
            return response.status, json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read()), dict(error.headers)


def test_the_certificate_verifies_and_paths_ignore_case(emulator):
    status, body, _ = _get(emulator, "/SUBSCRIPTIONS/S?api-version=2022-12-01")
    assert (status, body) == (200, {"subscriptionId": "s"})
    assert emulator.requests[-1].operation == "Subscriptions_Get"
    plain = ssl.create_default_context()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(emulator.url + "/subscriptions/s", context=plain, timeout=5)


def test_paging_follows_next_link_to_the_end(emulator):
    names, url, pages = [], "/subscriptions/s/providers/microsoft.things/items?api-version=1", 0
    while url:
        status, body, _ = _get(emulator, url)
        assert status == 200
        names += [item["name"] for item in body["value"]]
        url, pages = body.get("nextLink"), pages + 1
    assert names == [f"item-{n}" for n in range(5)] and pages == 3


def test_an_unpaged_collection_and_a_type_filter(emulator):
    _, body, _ = _get(
        emulator, "/subscriptions/s/providers/Microsoft.Security/pricings?api-version=2024-01-01"
    )
    assert len(body["value"]) == 5 and "nextLink" not in body
    query = "?api-version=1&$filter=resourceType%20eq%20%27Microsoft.KeyVault%2Fvaults%27"
    _, body, _ = _get(emulator, "/subscriptions/s/providers/Microsoft.Things/items" + query)
    assert [i["name"] for i in body["value"]] == ["item-1", "item-3"]


def test_faults_answer_like_arm_then_stop(emulator):
    emulator.add_fault(Fault("microsoft.things", 429, times=1, retry_after=7))
    status, body, headers = _get(emulator, "/subscriptions/s/providers/Microsoft.Things/items?api-version=1")
    assert (status, body["error"]["code"], headers["Retry-After"]) == (429, "TooManyRequests", "7")
    assert _get(emulator, "/subscriptions/s/providers/Microsoft.Things/items?api-version=1")[0] == 200
    emulator.add_fault(Fault("microsoft.things", 403))
    status, body, _ = _get(emulator, "/subscriptions/s/providers/Microsoft.Things/items?api-version=1")
    assert status == 403 and body["error"]["code"] == "AuthorizationFailed"
    assert (
        "does not have authorization to perform action 'microsoft.things/items/read'"
        in body["error"]["message"]
    )
    emulator.clear_faults()
    emulator.add_fault(Fault("/subscriptions/s", 503))
    assert (
        _get(emulator, "/subscriptions/s?api-version=2022-12-01")[1]["error"]["code"] == "ServiceUnavailable"
    )


def test_each_route_serves_its_one_api_version_and_refuses_others_as_arm_does(emulator):
    status, body, _ = _get(emulator, "/subscriptions/s?api-version=2020-01-01")
    assert status == 400 and body["error"] == {
        "code": "InvalidApiVersionParameter",
        "message": "The api-version '2020-01-01' is invalid. The supported versions are '2022-12-01'.",
    }
    status, body, _ = _get(emulator, "/subscriptions/s")
    assert status == 400 and body["error"]["code"] == "MissingApiVersionParameter"
    status, body, _ = _get(emulator, "/subscriptions/s/providers/Microsoft.Things/items?api-version=2")
    assert status == 400 and "supported versions are '1'" in body["error"]["message"]


def test_a_path_no_route_serves_is_refused_when_seeded_and_404_when_asked():
    arm = ArmEmulator()
    with pytest.raises(ValueError, match="no route of the ARM emulator serves"):
        arm.add_collection("/subscriptions/s/providers/Microsoft.Unknown/things", [])


def test_unknown_paths_are_404_and_writes_are_refused_and_recorded(emulator):
    status, body, _ = _get(emulator, "/subscriptions/nope?api-version=2022-12-01")
    assert status == 404 and body["error"]["code"] == "ResourceNotFound"
    status, body, _ = _get(emulator, "/subscriptions/s/providers/Microsoft.Unknown/x?api-version=1")
    assert status == 404 and body["error"]["code"] == "InvalidResourceType"
    status, body, _ = _get(emulator, "/subscriptions/s", method="PUT")
    assert status == 405 and body["error"]["code"] == "MethodNotAllowed"
    assert [(r.method, r.path) for r in emulator.requests] == [
        ("GET", "/subscriptions/nope"),
        ("GET", "/subscriptions/s/providers/Microsoft.Unknown/x"),
        ("PUT", "/subscriptions/s"),
    ]
