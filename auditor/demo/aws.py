"""The AWS part of the demo: the estate's ``aws:`` part in moto (in-process), collected through boto3."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

from auditor.emulators.estate import AwsEstate
from auditor.inventory import Inventory
from auditor.progress import ProgressCallback

if TYPE_CHECKING:
    from auditor.providers.scan_pool import ScanStop

# The demo must never reach a real account, whatever the user's shell holds.
_DEMO_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "demo-not-a-real-key",
    "AWS_SECRET_ACCESS_KEY": "demo-not-a-real-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
    "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}
_CLEARED = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL")


@contextlib.contextmanager
def isolated_from_real_aws() -> Iterator[None]:
    """While the demo runs, every AWS setting of this process points at fake credentials and no config
    files; afterwards the process's own settings are back (a test, or the TUI, goes on with them)."""
    names = (*_CLEARED, *_DEMO_ENVIRONMENT)
    saved = {name: os.environ.get(name) for name in names}
    for name in _CLEARED:
        os.environ.pop(name, None)
    os.environ.update(_DEMO_ENVIRONMENT)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def collect_aws_demo(
    spec: AwsEstate, progress: ProgressCallback | None = None, stop: ScanStop | None = None
) -> list[Inventory]:
    with isolated_from_real_aws():
        return _collect(spec, progress, stop)


def _collect(spec: AwsEstate, progress: ProgressCallback | None, stop: ScanStop | None) -> list[Inventory]:
    import boto3
    from moto import mock_aws

    from auditor.demo import DemoFailed
    from auditor.emulators import moto_extensions
    from auditor.emulators.aws_seed import seed_aws
    from auditor.providers.aws import (
        AwsCollectionFailed,
        AwsScanOptions,
        collect_aws,
        collect_aws_organization,
    )

    with mock_aws():
        moto_extensions.install()
        session = boto3.Session(region_name="us-east-1")
        seed_aws(spec, session, stable_ids=True)
        try:
            if spec.organization is not None:
                options = AwsScanOptions(organization=True, role_name=spec.organization.role_name)
                return list(collect_aws_organization(options, progress=progress, session=session, stop=stop))
            return [collect_aws(AwsScanOptions(), progress=progress, session=session, stop=stop)]
        except AwsCollectionFailed as error:
            raise DemoFailed(f"AWS: {error}") from error
