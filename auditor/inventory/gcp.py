"""The typed GCP inventory: what the collector saw in one project, and what it could not see.

Same contract as ``AwsInventory``: every dataset is ``list[...] | None``; ``None`` means the read failed
and a ``CollectionError`` for that (region, dataset) is in ``errors``. Project-wide and
organization-level datasets use the region ``GLOBAL``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from auditor.model import CollectionError

GLOBAL = "global"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GcpInventory(_Model):
    """One GCP project as collected: typed, JSON-serialisable, replayable."""

    provider: Literal["gcp"] = "gcp"
    project_id: str
    project_number: str = ""
    organization_id: str = ""
    display_name: str = ""
    collected_at: datetime
    regions: list[str] = Field(default_factory=list, description="Regions that hold collected resources.")
    errors: list[CollectionError] = Field(default_factory=list)
    api_calls: dict[str, int] = Field(default_factory=dict, description="Calls made, by 'service:Operation'.")
    entry_error: CollectionError | None = Field(
        default=None, description="Why nothing could be collected at all; every check is then ERROR."
    )

    @property
    def account(self) -> str:
        return self.project_id

    @property
    def account_name(self) -> str:
        return self.display_name

    def scope_regions(self) -> list[str]:
        return sorted(self.regions)

    def errors_for(self, region: str, *datasets: str, resource: str = "") -> list[CollectionError]:
        """The collection errors behind the given datasets in a region (or GLOBAL)."""
        return [
            e
            for e in self.errors
            if e.region == region and e.dataset in datasets and (not resource or e.resource in ("", resource))
        ]

    def summary(self) -> dict[str, int]:
        """Resources collected per dataset (a dataset that could not be read is absent)."""
        counts: dict[str, int] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if name not in ("regions", "errors", "api_calls") and isinstance(value, list):
                counts[name] = len(value)
        return dict(sorted(counts.items()))
