"""The GCP emulators on the wire: paging, aggregated lists with warning-only scopes, faults, the request
record, and the estate's gcp: part (errors name the place)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from auditor.emulators.estate import EstateError, parse_estate
from auditor.emulators.gcp_emulator import GcpEmulator

ESTATE = """
gcp:
  organization: {id: "123456789"}
  projects:
    - id: shop-prod
      networks:
        - name: n
          subnets:
            - {name: a, region: europe-west1, cidr: 10.0.0.0/24, flow_logs: true}
            - {name: b, region: europe-west1, cidr: 10.0.1.0/24}
            - {name: c, region: europe-west1, cidr: 10.0.2.0/24}
"""


@pytest.fixture(scope="module")
def gcp():
    with GcpEmulator.from_estate(parse_estate(ESTATE).gcp, page_size=2) as running:
        yield running


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_aggregated_list_pages_and_empty_scopes_carry_only_a_warning(gcp):
    status, body = _get(f"{gcp.rest_endpoint}/compute/v1/projects/shop-prod/aggregated/subnetworks")
    first = json.loads(body)
    assert status == 200 and first["nextPageToken"] == "2"
    assert [s["name"] for s in first["items"]["regions/europe-west1"]["subnetworks"]] == ["a", "b"]
    assert first["items"]["regions/us-central1"] == {
        "warning": {
            "code": "NO_RESULTS_ON_PAGE",
            "message": "There are no results for scope 'regions/us-central1' on this page.",
            "data": [{"key": "scope", "value": "regions/us-central1"}],
        }
    }
    assert "logConfig" in first["items"]["regions/europe-west1"]["subnetworks"][0]
    assert "logConfig" not in first["items"]["regions/europe-west1"]["subnetworks"][1]
    _, body = _get(f"{gcp.rest_endpoint}/compute/v1/projects/shop-prod/aggregated/subnetworks?pageToken=2")
    second = json.loads(body)
    assert "nextPageToken" not in second
    assert [s["name"] for s in second["items"]["regions/europe-west1"]["subnetworks"]] == ["c"]


def test_faults_fire_the_given_number_of_times_then_clear(gcp):
    url = f"{gcp.rest_endpoint}/compute/v1/projects/shop-prod/global/networks"
    gcp.faults.inject("compute.networks.list", "denied", times=1)
    status, body = _get(url)
    assert status == 403 and json.loads(body)["error"]["status"] == "PERMISSION_DENIED"
    assert _get(url)[0] == 200
    gcp.faults.inject("compute.networks.list", "unavailable", times=1)
    assert _get(url)[0] == 503
    gcp.faults.inject("compute.networks.list", "malformed", times=1)
    status, body = _get(url)
    assert status == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)


def test_a_write_is_refused_and_recorded(gcp):
    gcp.faults.reset_requests()
    request = urllib.request.Request(
        f"{gcp.rest_endpoint}/compute/v1/projects/shop-prod/global/networks", data=b"{}", method="POST"
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 405
    [received] = gcp.faults.requests()
    assert received.method == "POST" and not received.is_read


def test_an_unknown_project_is_denied_like_gcp(gcp):
    assert _get(f"{gcp.rest_endpoint}/dns/v1/projects/nobody-here/policies")[0] == 403


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("gcp:\n  projects:\n    - id: X\n", "gcp.projects[0].id: 'X' is not a GCP project id"),
        (
            "gcp:\n  projects:\n    - id: shop-prod\n"
            "      firewalls: [{name: f, network: none, allow: ['tcp:22']}]\n",
            "firewalls[0].network: no network 'none'",
        ),
        ("gcp:\n  organization: {id: '1234567', scc: {services: {bogus: ENABLED}}}\n", "unknown SCC service"),
        ("gcp:\n  projects:\n    - id: shop-prod\n      networks: [{name: n, mode: fancy}]\n", "line 4"),
    ],
)
def test_estate_errors_name_the_place(text, place):
    with pytest.raises(EstateError) as caught:
        parse_estate(text, "estate.yaml")
    assert "estate.yaml" in str(caught.value) and place in str(caught.value)
