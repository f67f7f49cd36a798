"""The AWS collector: read-only, concurrent, typed.

``collect_aws(options)`` returns an ``AwsInventory``; ``collect_aws_organization(options)`` one per
account of the caller's organization; ``iam_policy()`` is the least-privilege policy
it needs, generated from the reads each unit declares.
"""

from auditor.providers.aws.collector import collect_aws
from auditor.providers.aws.failures import AwsCollectionFailed
from auditor.providers.aws.options import AwsScanOptions, ProgressCallback, ProgressEvent
from auditor.providers.aws.organization import collect_aws_organization
from auditor.providers.aws.policy import iam_policy

__all__ = [
    "AwsCollectionFailed",
    "AwsScanOptions",
    "ProgressCallback",
    "ProgressEvent",
    "collect_aws",
    "collect_aws_organization",
    "iam_policy",
]
