import json

import pytest

from auditor.engine import evaluate
from auditor.snapshot import SnapshotError, read_snapshot, write_snapshot, write_text_atomically
from tests.conftest import collection_error, make_inventory


def _inventory():
    return make_inventory(
        {
            "us-east-1": {
                "vpcs": [{"id": "vpc-1", "name": "<img src=x>"}],
                "flow_logs": [],
                "guardduty_detectors": [{"id": "d1", "status": "ENABLED"}],
            },
            "eu-west-1": {"vpcs": []},
        },
        errors=[collection_error("eu-west-1", "flow_logs")],
    )


def test_round_trip_gives_identical_inventory_and_findings(tmp_path):
    path = tmp_path / "inv.json"
    inventory = _inventory()
    write_snapshot(path, [inventory])
    snapshot = read_snapshot(path)
    assert snapshot.inventories == [inventory]
    assert evaluate(snapshot.inventories) == evaluate([inventory])


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "not valid JSON at line 1, column 2"),
        ("[]", "expected a JSON object"),
        ('{"schema": "something-else"}', "field 'schema'"),
        (
            '{"schema": "posture-auditor/inventory-snapshot", "schema_version": 99}',
            "field 'schema_version' is 99",
        ),
    ],
)
def test_malformed_snapshots_name_the_file_and_field(tmp_path, content, expected):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(SnapshotError) as raised:
        read_snapshot(path)
    assert str(path) in str(raised.value)
    assert expected in str(raised.value)


def test_a_wrong_field_deep_inside_is_named_with_its_path(tmp_path):
    path = tmp_path / "inv.json"
    write_snapshot(path, [_inventory()])
    data = json.loads(path.read_text())
    data["inventories"][0]["regions"]["us-east-1"]["vpcs"][0]["id"] = 42
    path.write_text(json.dumps(data))
    with pytest.raises(SnapshotError, match=r"inventories\[0\]\.regions\.us-east-1\.vpcs\[0\]\.id"):
        read_snapshot(path)


def test_a_snapshot_cut_in_half_is_refused(tmp_path):
    path = tmp_path / "inv.json"
    write_snapshot(path, [_inventory()])
    text = path.read_text()
    path.write_text(text[: len(text) // 2])
    with pytest.raises(SnapshotError, match="not valid JSON"):
        read_snapshot(path)


def test_missing_file_and_binary_file(tmp_path):
    with pytest.raises(SnapshotError, match="cannot read"):
        read_snapshot(tmp_path / "absent.json")
    binary = tmp_path / "bin.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(SnapshotError, match="not UTF-8"):
        read_snapshot(binary)


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    path = tmp_path / "out.json"
    path.write_text("old")

    def explode(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("auditor.snapshot.os.replace", explode)
    with pytest.raises(OSError):
        write_text_atomically(path, "new")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_a_snapshot_holds_inventories_of_every_provider_told_apart_by_provider(tmp_path):
    from datetime import UTC, datetime

    from auditor.inventory import AwsInventory, AzureInventory, GcpInventory
    from auditor.snapshot import read_snapshot, write_snapshot

    when = datetime(2026, 11, 28, tzinfo=UTC)
    inventories = [
        AwsInventory(account_id="111122223333", collected_at=when, enabled_regions=[], regions={}),
        AzureInventory(subscription_id="00000000-0000-0000-0000-000000000001", collected_at=when),
        GcpInventory(project_id="acme-prod", collected_at=when),
    ]
    path = tmp_path / "mixed.json"
    write_snapshot(path, inventories)
    back = read_snapshot(path).inventories
    assert [type(i) for i in back] == [AwsInventory, AzureInventory, GcpInventory]
    assert [i.account for i in back] == ["111122223333", "00000000-0000-0000-0000-000000000001", "acme-prod"]
