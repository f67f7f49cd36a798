"""The input files of an analysis: local files and directories, and ``s3://`` prefixes read through boto3.

Files are handed out one at a time (an S3 object is downloaded to a temporary file, read, and deleted),
so a broken file costs only itself. The account and region of AWS files come from the S3 key layout
(``AWSLogs/<account>/vpcflowlogs/<region>/...``) when the records do not carry them.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_AWS_KEY = re.compile(r"AWSLogs/(?:aws-account-id=)?(\d{12})/vpcflowlogs/(?:aws-region=)?([a-z0-9-]+)/")


class InputNotFound(Exception):
    """A path that does not exist, or an s3:// prefix that could not be listed (the message says which)."""


@dataclass(frozen=True)
class InputFile:
    name: str  # the path or s3:// URI as the user knows it
    size: int
    account_hint: str | None = None
    region_hint: str | None = None


def key_hints(name: str) -> tuple[str | None, str | None]:
    match = _AWS_KEY.search(name)
    return (match.group(1), match.group(2)) if match else (None, None)


def _input_file(name: str, size: int) -> InputFile:
    account, region = key_hints(name)
    return InputFile(name, size, account, region)


def parse_s3_uri(uri: str) -> tuple[str, str]:
    match = re.fullmatch(r"s3://([^/]+)/?(.*)", uri)
    if not match:
        raise InputNotFound(f"{uri}: not an s3://bucket/prefix URI")
    return match.group(1), match.group(2)


class FlowInputs:
    """Lists the files under each input, then materialises them one at a time as local paths."""

    def __init__(self, inputs: list[str], s3_client: Any = None) -> None:
        self.inputs = inputs
        self._s3 = s3_client

    def s3(self) -> Any:
        if self._s3 is None:
            import boto3

            self._s3 = boto3.client("s3")
        return self._s3

    def list(self) -> list[InputFile]:
        files: list[InputFile] = []
        for item in self.inputs:
            if item.startswith("s3://"):
                files.extend(self._list_s3(item))
            else:
                files.extend(self._list_local(item))
        return files

    def _list_local(self, item: str) -> list[InputFile]:
        path = Path(item)
        if path.is_file():
            return [_input_file(str(path), path.stat().st_size)]
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
            return [_input_file(str(p), p.stat().st_size) for p in found]
        raise InputNotFound(f"{item}: no such file or directory")

    def _list_s3(self, uri: str) -> list[InputFile]:
        from botocore.exceptions import BotoCoreError, ClientError

        bucket, prefix = parse_s3_uri(uri)
        files = []
        try:
            for page in self.s3().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
                for item in page.get("Contents") or []:
                    if not item["Key"].endswith("/"):
                        files.append(_input_file(f"s3://{bucket}/{item['Key']}", int(item.get("Size", 0))))
        except (ClientError, BotoCoreError) as error:
            raise InputNotFound(f"{uri}: cannot list the prefix: {error}") from error
        return files

    def materialise(self, files: list[InputFile]) -> Iterator[tuple[InputFile, Path | Exception]]:
        """Each file with a local path to read, or the error that kept it from being fetched."""
        with tempfile.TemporaryDirectory(prefix="auditor-flows-") as scratch:
            for number, file in enumerate(files):
                if not file.name.startswith("s3://"):
                    yield file, Path(file.name)
                    continue
                bucket, key = parse_s3_uri(file.name)
                local = Path(scratch) / f"{number}-{Path(key).name or 'object'}"
                try:
                    self.s3().download_file(bucket, key, str(local))
                except Exception as error:  # a missing or unreadable object loses only itself
                    yield file, error
                    continue
                try:
                    yield file, local
                finally:
                    local.unlink(missing_ok=True)
