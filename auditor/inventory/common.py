"""What every provider's inventory has besides its datasets: the reads that failed, the calls made,
and why the account could not be entered at all."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from auditor.model import CollectionError


class InventoryBase(BaseModel):
    """The base of ``AwsInventory``, ``AzureInventory`` and ``GcpInventory``.

    A dataset that could not be read is ``None`` in the inventory, with its ``CollectionError`` here;
    ``errors_for`` gives the errors behind a ``None``. ``entry_error`` set means nothing was collected:
    the engine then makes every check of the account ERROR.
    """

    model_config = ConfigDict(extra="forbid")

    RESOURCE_IDS_IGNORE_CASE: ClassVar[bool] = False
    """Azure resource ids are case-insensitive; AWS ARNs and GCP names are not."""

    errors: list[CollectionError] = Field(default_factory=list)
    api_calls: dict[str, int] = Field(default_factory=dict, description="Calls made, by 'service:Operation'.")
    entry_error: CollectionError | None = Field(
        default=None,
        description="Why the account (subscription, project) could not be entered at all, e.g. its role "
        "could not be assumed; then nothing was collected and every check of it is ERROR.",
    )

    def errors_for(self, region: str, *datasets: str, resource: str = "") -> list[CollectionError]:
        """The collection errors behind the given datasets in a region (or "global"); with ``resource``,
        those about that resource and those about no resource in particular."""

        def same(a: str, b: str) -> bool:
            return a.lower() == b.lower() if self.RESOURCE_IDS_IGNORE_CASE else a == b

        return [
            e
            for e in self.errors
            if e.region == region
            and e.dataset in datasets
            and (not resource or e.resource == "" or same(e.resource, resource))
        ]
