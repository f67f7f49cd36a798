"""The scan screen runs the demo scan in a worker, loads it into the app and saves it to history."""

from textual.pilot import Pilot
from textual.widgets import Button, ProgressBar, Switch

from auditor.history import HistoryStore
from auditor.tui.app import AuditorApp
from auditor.tui.screens.scan import ScanScreen
from auditor.tui.screens.scan_progress import RegionProgress, ScanProgressPanel


async def _start_demo_scan(app: AuditorApp, pilot: Pilot) -> ScanScreen:
    """Open the scan screen, switch to the demo, press Start."""
    await pilot.press("s")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, ScanScreen)
    screen.query_one("#scan-demo", Switch).value = True
    await pilot.click("#scan-start")
    return screen


async def _until_loaded(app: AuditorApp, pilot: Pilot) -> None:
    """Wait (up to 30 s) for the scan to be loaded into the app."""
    for _ in range(300):
        await pilot.pause(0.1)
        if app.state.result is not None:
            return


async def test_the_demo_scan_runs_to_completion_and_is_saved(tmp_path, monkeypatch):
    monkeypatch.setenv("POSTURE_AUDITOR_HOME", str(tmp_path))
    app = AuditorApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _start_demo_scan(app, pilot)
        await _until_loaded(app, pilot)
        assert app.state.result is not None
        assert app.state.source == "demo"
        assert app.state.result.findings
        for _ in range(50):  # the worker thread re-enables Start as it ends
            await pilot.pause(0.05)
            if not screen.query_one("#scan-start", Button).disabled:
                break
        assert not screen.query_one("#scan-start", Button).disabled
        assert app.state.history_scan_id is not None

        # one progress bar per provider, account and region (AWS regions; an Azure subscription's and a
        # GCP project's units are not regional), each filled to its planned units
        panel = screen.query_one(ScanProgressPanel)
        shown = panel.regions_shown
        scopes = app.state.result.scopes
        aws_regions = {(s.provider, s.account, r) for s in scopes if s.provider == "aws" for r in s.regions}
        assert aws_regions and aws_regions <= set(shown)
        for scope in scopes:
            if not scope.not_entered:
                assert any(p == scope.provider and scope.account in (a, r) for p, a, r in shown), scope
        bars = [row.query_one(ProgressBar) for row in panel.query(RegionProgress)]
        assert len(bars) == len(shown)
        assert all(bar.total and bar.progress == bar.total for bar in bars)
    assert HistoryStore(create=False).scan_ids() == [app.state.history_scan_id]


async def test_a_scan_is_saved_to_the_apps_postgresql_history_and_diffed_there(
    tmp_path, monkeypatch, postgresql_server
):
    """`auditor tui --history-url postgresql://...`: the scan screen saves there, the diff screen reads
    there; the default file is never made."""
    from tests.tui.screen_reading import screen_text, settle

    monkeypatch.setenv("POSTURE_AUDITOR_HOME", str(tmp_path / "home"))
    url = postgresql_server.new_database()
    app = AuditorApp(history=url)
    async with app.run_test(size=(120, 40)) as pilot:
        await _start_demo_scan(app, pilot)
        await _until_loaded(app, pilot)
        for _ in range(100):  # saved by the worker, after the result is posted
            await pilot.pause(0.05)
            if app.state.history_scan_id is not None:
                break
        assert app.state.history_scan_id == 1
        await pilot.press("x")
        await settle(app, pilot)
        assert "Scan #1 is the first one in history" in screen_text(app)
    store = HistoryStore(url, create=False)
    assert store.scan_ids() == [1] and store.load(1).source == "demo"
    assert not (tmp_path / "home").exists()


async def test_the_credential_and_scope_fields_follow_the_provider(tmp_path, monkeypatch):
    from textual.widgets import Label, Select

    monkeypatch.setenv("POSTURE_AUDITOR_HOME", str(tmp_path))
    app = AuditorApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        screen = app.screen
        for provider, (credential, scope) in {
            "azure": ("Tenant", "Subscriptions"),
            "gcp": ("Organization id", "Projects"),
            "aws": ("Profile", "Regions"),
        }.items():
            screen.query_one("#scan-provider", Select).value = provider
            await pilot.pause()
            assert str(screen.query_one("#scan-profile-label", Label).render()) == credential
            assert str(screen.query_one("#scan-regions-label", Label).render()).startswith(scope)


async def test_cancel_keeps_what_was_collected_and_marks_the_rest_not_finished(tmp_path, monkeypatch):
    """Cancel stops the collection (its ScanStop); the partial scan is loaded, not thrown away: the
    providers not yet started are left out and the AWS units not finished are ERROR, saying so."""
    monkeypatch.setenv("POSTURE_AUDITOR_HOME", str(tmp_path))
    app = AuditorApp()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _start_demo_scan(app, pilot)
        bar = screen.query_one("#scan-progress", ProgressBar)
        for _ in range(300):  # the first units are in (the demo's AWS organization has 3 accounts)
            await pilot.pause(0.05)
            if bar.progress:
                break
        assert bar.progress and app.state.result is None
        screen.cancel_scan()
        await _until_loaded(app, pilot)
        result = app.state.result
        assert result is not None
        assert {scope.provider for scope in result.scopes} == {"aws"}  # Azure and GCP never started
        cancelled = [f for f in result.findings if "scan was cancelled" in f.message]
        assert cancelled and all(f.status.value == "ERROR" for f in cancelled)
        assert "Cancelled: kept what was collected" in "\n".join(screen.query_one("#scan-log").lines)


async def test_the_management_group_or_folder_field_shows_for_azure_and_gcp_only(tmp_path, monkeypatch):
    from textual.widgets import Input, Label, Log, Select

    monkeypatch.setenv("POSTURE_AUDITOR_HOME", str(tmp_path))
    # no Azure credential anywhere: the scan must fail to start, after the group reached the collector
    for name in (
        "AZURE_CLIENT_ID",
        "AZURE_TENANT_ID",
        "AZURE_CLIENT_SECRET",
        "IDENTITY_ENDPOINT",
        "MSI_ENDPOINT",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    app = AuditorApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        screen = app.screen
        field, label = screen.query_one("#scan-group", Input), screen.query_one("#scan-group-label", Label)
        assert not field.display
        for provider, words in {"azure": "Management group id", "gcp": "Folder id"}.items():
            screen.query_one("#scan-provider", Select).value = provider
            await pilot.pause()
            assert field.display and str(label.render()).startswith(words)
        screen.query_one("#scan-provider", Select).value = "aws"
        await pilot.pause()
        assert not field.display

        screen.query_one("#scan-provider", Select).value = "azure"
        await pilot.pause()
        field.value = "mg-production"
        screen.start_scan()
        log = screen.query_one("#scan-log", Log)
        for _ in range(200):
            await pilot.pause(0.05)
            if any(line.startswith("Failed:") for line in log.lines):
                break
        text = "\n".join(log.lines)
        assert "management group id mg-production" in text
        assert "Failed: Azure scan failed: no usable Azure credential" in text


async def test_an_azure_scan_reaches_an_emulator_through_the_endpoint_field(tmp_path, monkeypatch):
    """The endpoint and anonymous fields (Azure and GCP only) send the live scan where
    `scan azure --endpoint ... --anonymous` does: here the ARM emulator, its certificate from
    POSTURE_AUDITOR_AZURE_CA_BUNDLE."""
    from textual.widgets import Input, Select

    from auditor.emulators.arm_server import ArmEmulator
    from auditor.emulators.azure_seed import seed_azure
    from tests.providers.azure.estate import ESTATE, PROD

    monkeypatch.setenv("POSTURE_AUDITOR_HOME", str(tmp_path))
    emulator = ArmEmulator()
    assert ESTATE.azure is not None
    seed_azure(ESTATE.azure, emulator)
    with emulator:
        monkeypatch.setenv("POSTURE_AUDITOR_AZURE_CA_BUNDLE", str(emulator.cert_path))
        app = AuditorApp()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("s")
            await pilot.pause()
            screen = app.screen
            assert not screen.query_one("#scan-endpoint", Input).display  # AWS: AWS_ENDPOINT_URL
            screen.query_one("#scan-provider", Select).value = "azure"
            await pilot.pause()
            assert screen.query_one("#scan-endpoint", Input).display
            screen.query_one("#scan-endpoint", Input).value = emulator.url
            screen.query_one("#scan-regions", Input).value = PROD
            screen.query_one("#scan-anonymous", Switch).value = True
            screen.start_scan()
            await _until_loaded(app, pilot)
            result = app.state.result
            assert result is not None and app.state.source == "live"
            assert [s.account for s in result.scopes] == [PROD]
            statuses = {
                f.check_id: f.status.value for f in result.findings if f.check_id.startswith("azure.")
            }
            assert statuses["azure.defender.virtual_machines_plan_enabled"] == "PASS"
            assert statuses["azure.defender.storage_accounts_plan_enabled"] == "FAIL"
        requests = emulator.requests
    assert requests and {r.method for r in requests} == {"GET"}


async def test_the_cluster_field_shards_the_scan_and_the_log_shows_each_shard(tmp_path, monkeypatch):
    """With ``local:2`` in the cluster field the live scan runs on a Dask LocalCluster of two worker
    processes (as ``scan azure --cluster local:2``), one task per subscription: the log shows each shard
    and the counts across the cluster, and the result is the one the same scan gives in this process."""
    from textual.widgets import Input, Log, Select

    from auditor.emulators.arm_server import ArmEmulator
    from auditor.emulators.azure_seed import seed_azure
    from tests.providers.azure.estate import DEV, ESTATE, PROD

    monkeypatch.setenv("POSTURE_AUDITOR_HOME", str(tmp_path))
    emulator = ArmEmulator()
    assert ESTATE.azure is not None
    seed_azure(ESTATE.azure, emulator)
    results = []
    with emulator:
        monkeypatch.setenv("POSTURE_AUDITOR_AZURE_CA_BUNDLE", str(emulator.cert_path))
        for cluster in ("", "local:2"):
            app = AuditorApp()
            async with app.run_test(size=(120, 40)) as pilot:
                await pilot.press("s")
                await pilot.pause()
                screen = app.screen
                screen.query_one("#scan-provider", Select).value = "azure"
                await pilot.pause()
                screen.query_one("#scan-endpoint", Input).value = emulator.url
                screen.query_one("#scan-anonymous", Switch).value = True
                screen.query_one("#scan-cluster", Input).value = cluster
                screen.start_scan()
                log_widget = screen.query_one("#scan-log", Log)
                for _ in range(600):  # a local cluster takes a few seconds to start
                    await pilot.pause(0.1)
                    if any(line.startswith("Finished") for line in log_widget.lines):
                        break
                await pilot.pause(0.2)
                result = app.state.result
                assert result is not None and [s.account for s in result.scopes] == [PROD, DEV]
                results.append(result)
                log = "\n".join(screen.query_one("#scan-log", Log).lines)
                if cluster:
                    assert "Cluster: local:2" in log
                    assert f"shard azure {PROD} done" in log and f"shard azure {DEV} done" in log
                    assert "shards 2 done, 0 running, 0 failed of 2" in log
                else:
                    assert "shard " not in log
    single, sharded = ({(f.id, f.status.value, f.message) for f in r.findings} for r in results)
    assert sharded == single and any(status == "PASS" for _, status, _ in single)
