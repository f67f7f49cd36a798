"""Operations moto 5.2 lacks, added to moto's own backends, response classes and URL maps.

This is an extension *at the wire*: after ``install()``, the real boto3 client serialises a real
HTTP request, moto routes it by URL (rest-json) or ``Action`` (EC2 query) to a response method
added here, and the answer is serialised the way moto serialises its own operations. It works
in-process (``mock_aws``) and in a moto server process (``auditor.emulators.moto_server``), as long
as ``install()`` ran in the process that serves the requests.

Added operations:

- Security Hub ``BatchEnableStandards``, ``BatchDisableStandards``, ``GetEnabledStandards`` (pages
  with NextToken/MaxResults) and ``DescribeStandards``. Subscriptions are kept per account and
  region on ``moto.securityhub.models.SecurityHubBackend``; ``EnableSecurityHub`` with
  ``EnableDefaultStandards`` (the API default) subscribes the two default standards, and
  ``DisableSecurityHub`` drops every subscription, as AWS does.
- EC2 ``GetInstanceMetadataDefaults`` and ``ModifyInstanceMetadataDefaults`` (account-level IMDS
  defaults per region, applied to instances launched without their own ``MetadataOptions``).
- Account ``EnableRegion``, ``DisableRegion``, ``GetRegionOptStatus`` and ``ListRegions``; EC2
  ``DescribeRegions`` then reports opt-in status from the account's region settings and, like AWS,
  lists only enabled regions unless ``AllRegions=True`` (its ``Filters`` are honoured too).
  Unlike AWS, the emulator also lets a region that is enabled by default be disabled, so that an
  estate can say exactly which regions are enabled (``set_enabled_regions``).
- EC2 ``CreateFlowLogs`` accepts an S3 destination with a prefix (``arn:aws:s3:::bucket/prefix/``),
  which moto took for a bucket named ``bucket/prefix/``.
- STS ``AssumeRole`` is refused unless the role exists in the target account, and Organizations member
  accounts can be created with a given id (``auditor.emulators.moto_organizations``).
- GuardDuty: ``GetDetector`` reports the legacy ``dataSources`` (S3 logs, EKS audit logs) from the
  detector's ``features``, as AWS keeps the two in step. ``CreateSampleFindings`` (one finding per
  type, with the severity of ``SAMPLE_SEVERITIES``, 5.0 otherwise), ``ListFindings`` (pages with
  nextToken/maxResults; ``findingCriteria`` on ``service.archived`` Eq and ``severity`` Gte/Gt/Lt/Lte),
  ``GetFindings`` (at most 50 ids) and ``ArchiveFindings``.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterable
from typing import Any

from moto.account import urls as account_urls
from moto.account.models import AccountBackend, account_backends
from moto.account.responses import AccountResponse
from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult, EmptyResult
from moto.ec2.exceptions import InvalidFilter
from moto.ec2.models import EC2Backend
from moto.ec2.models.availability_zones_and_regions import Region, RegionsAndZonesBackend
from moto.ec2.responses import EC2Response
from moto.guardduty import urls as guardduty_urls
from moto.guardduty.models import Detector, GuardDutyBackend
from moto.guardduty.responses import GuardDutyResponse
from moto.securityhub import urls as securityhub_urls
from moto.securityhub.exceptions import SecurityHubClientError
from moto.securityhub.models import SecurityHubBackend, securityhub_backends
from moto.securityhub.responses import SecurityHubResponse
from moto.utilities.paginator import paginate

from auditor.emulators import moto_organizations

__all__ = [
    "DEFAULT_STANDARDS",
    "KNOWN_STANDARDS",
    "enabled_regions",
    "install",
    "is_installed",
    "set_enabled_regions",
    "standards_subscription_arn",
]

_SENTINEL = "_posture_auditor_extensions"
_install_lock = threading.Lock()

# --- Security Hub -------------------------------------------------------------------------------

#: Standards Security Hub offers: ARN template ({partition}, {region}) -> (name, enabled by default).
KNOWN_STANDARDS: dict[str, tuple[str, bool]] = {
    "arn:{partition}:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0": (
        "CIS AWS Foundations Benchmark v1.2.0",
        True,
    ),
    "arn:{partition}:securityhub:{region}::standards/cis-aws-foundations-benchmark/v/1.4.0": (
        "CIS AWS Foundations Benchmark v1.4.0",
        False,
    ),
    "arn:{partition}:securityhub:{region}::standards/cis-aws-foundations-benchmark/v/3.0.0": (
        "CIS AWS Foundations Benchmark v3.0.0",
        False,
    ),
    "arn:{partition}:securityhub:{region}::standards/cis-aws-foundations-benchmark/v/5.0.0": (
        "CIS AWS Foundations Benchmark v5.0.0",
        False,
    ),
    "arn:{partition}:securityhub:{region}::standards/aws-foundational-security-best-practices/v/1.0.0": (
        "AWS Foundational Security Best Practices v1.0.0",
        True,
    ),
    "arn:{partition}:securityhub:{region}::standards/pci-dss/v/3.2.1": ("PCI DSS v3.2.1", False),
    "arn:{partition}:securityhub:{region}::standards/pci-dss/v/4.0.1": ("PCI DSS v4.0.1", False),
    "arn:{partition}:securityhub:{region}::standards/nist-800-53/v/5.0.0": ("NIST SP 800-53 Rev. 5", False),
    "arn:{partition}:securityhub:{region}::standards/aws-resource-tagging-standard/v/1.0.0": (
        "AWS Resource Tagging Standard v1.0.0",
        False,
    ),
}
DEFAULT_STANDARDS: tuple[str, ...] = tuple(arn for arn, (_, default) in KNOWN_STANDARDS.items() if default)

_STANDARDS_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):securityhub:(?P<region>[a-z0-9-]*)::"
    r"(?:ruleset|standards)/(?P<path>[a-z0-9-]+/v/[0-9.]+)$"
)

_SECURITYHUB_PATHS = {
    "{0}/standards$": SecurityHubResponse.dispatch,
    "{0}/standards/register$": SecurityHubResponse.dispatch,
    "{0}/standards/deregister$": SecurityHubResponse.dispatch,
    "{0}/standards/get$": SecurityHubResponse.dispatch,
}

_SECURITYHUB_PAGINATION = {
    "_sh_get_enabled_standards": {
        "input_token": "next_token",
        "limit_key": "max_results",
        "limit_default": 100,
        "unique_attribute": "StandardsSubscriptionArn",
        "fail_on_invalid_token": True,
    },
    "_sh_describe_standards": {
        "input_token": "next_token",
        "limit_key": "max_results",
        "limit_default": 100,
        "unique_attribute": "StandardsArn",
        "fail_on_invalid_token": True,
    },
}


def _known_standards(partition: str, region: str) -> dict[str, tuple[str, bool]]:
    return {
        template.format(partition=partition, region=region): info
        for template, info in KNOWN_STANDARDS.items()
    }


def standards_subscription_arn(standards_arn: str, region: str, account_id: str) -> str:
    """'arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0' ->
    'arn:aws:securityhub:{region}:{account}:subscription/cis-aws-foundations-benchmark/v/1.2.0'."""
    match = _STANDARDS_ARN.match(standards_arn)
    if match is None:
        raise ValueError(f"not a Security Hub standards ARN: {standards_arn!r}")
    return f"arn:{match['partition']}:securityhub:{region}:{account_id}:subscription/{match['path']}"


def _subscriptions(backend: SecurityHubBackend) -> dict[str, dict[str, Any]]:
    # Stored on the instance; moto's reset() clears instance state, which clears these too.
    return backend.__dict__.setdefault("_standards_subscriptions", {})


class _InvalidInput(SecurityHubClientError):
    # moto's InvalidInputException repeats "An error occurred ... when calling" inside the message.
    def __init__(self, message: str) -> None:
        super().__init__("InvalidInputException", message)


def _require_hub(backend: SecurityHubBackend) -> None:
    if not backend.enabled:
        raise SecurityHubClientError(
            "InvalidAccessException",
            f"Account {backend.account_id} is not subscribed to AWS Security Hub",
        )


def _check_max_results(max_results: Any, upper: int = 100) -> int | None:
    if max_results is None:
        return None
    try:
        value = int(max_results)
    except (TypeError, ValueError):
        raise _InvalidInput(f"MaxResults must be a number between 1 and {upper}") from None
    if not 1 <= value <= upper:
        raise _InvalidInput(f"MaxResults must be a number between 1 and {upper}")
    return value


def _sh_batch_enable_standards(
    self: SecurityHubBackend, standards_subscription_requests: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    _require_hub(self)
    if not standards_subscription_requests:
        raise _InvalidInput("StandardsSubscriptionRequests must not be empty")
    known = _known_standards(self.partition, self.region_name)
    subscriptions = _subscriptions(self)
    enabled: list[dict[str, Any]] = []
    for request in standards_subscription_requests:
        standards_arn = str(request.get("StandardsArn", ""))
        if standards_arn not in known:
            raise _InvalidInput(
                f"StandardsArn {standards_arn} is not a valid standard in {self.region_name}",
            )
        subscription_arn = standards_subscription_arn(standards_arn, self.region_name, self.account_id)
        subscription = subscriptions.get(subscription_arn) or {
            "StandardsSubscriptionArn": subscription_arn,
            "StandardsArn": standards_arn,
            "StandardsInput": dict(request.get("StandardsInput") or {}),
            "StandardsStatus": "READY",
            "StandardsControlsUpdatable": "READY_FOR_UPDATES",
        }
        subscriptions[subscription_arn] = subscription
        enabled.append(dict(subscription))
    return enabled


def _sh_batch_disable_standards(
    self: SecurityHubBackend, standards_subscription_arns: list[str]
) -> list[dict[str, Any]]:
    _require_hub(self)
    subscriptions = _subscriptions(self)
    disabled: list[dict[str, Any]] = []
    for arn in standards_subscription_arns:
        subscription = subscriptions.pop(arn, None)
        if subscription is None:
            raise SecurityHubClientError(
                "ResourceNotFoundException", f"StandardsSubscription {arn} not found"
            )
        disabled.append({**subscription, "StandardsStatus": "DELETING"})
    return disabled


@paginate(pagination_model=_SECURITYHUB_PAGINATION)
def _sh_get_enabled_standards(
    self: SecurityHubBackend, standards_subscription_arns: list[str] | None = None
) -> list[dict[str, Any]]:
    _require_hub(self)
    subscriptions = _subscriptions(self)
    wanted = standards_subscription_arns or list(subscriptions)
    return [dict(subscriptions[arn]) for arn in wanted if arn in subscriptions]


@paginate(pagination_model=_SECURITYHUB_PAGINATION)
def _sh_describe_standards(self: SecurityHubBackend) -> list[dict[str, Any]]:
    return [
        {
            "StandardsArn": arn,
            "Name": name,
            "Description": name,
            "EnabledByDefault": default,
            "StandardsManagedBy": {"Company": "AWS", "Product": "AWS"},
        }
        for arn, (name, default) in _known_standards(self.partition, self.region_name).items()
    ]


def _wrap_enable_security_hub(original: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    def enable_security_hub(
        self: SecurityHubBackend,
        enable_default_standards: bool = True,
        tags: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        was_enabled = self.enabled
        result = original(self, enable_default_standards=enable_default_standards, tags=tags)
        if not was_enabled and enable_default_standards:
            _sh_batch_enable_standards(
                self,
                [
                    {"StandardsArn": arn.format(partition=self.partition, region=self.region_name)}
                    for arn in DEFAULT_STANDARDS
                ],
            )
        return result

    return enable_security_hub


def _wrap_disable_security_hub(original: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    def disable_security_hub(self: SecurityHubBackend) -> dict[str, Any]:
        result = original(self)
        _subscriptions(self).clear()
        return result

    return disable_security_hub


def _json_body(response: Any) -> dict[str, Any]:
    body = response.body
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    if not body:
        return {}
    try:
        parsed = json.loads(body)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _shr_backend(response: SecurityHubResponse) -> SecurityHubBackend:
    return securityhub_backends[response.current_account][response.region]


def _shr_batch_enable_standards(self: SecurityHubResponse) -> str:
    params = _json_body(self)
    subscriptions = _shr_backend(self).batch_enable_standards(  # type: ignore[attr-defined]
        standards_subscription_requests=params.get("StandardsSubscriptionRequests") or []
    )
    return json.dumps({"StandardsSubscriptions": subscriptions})


def _shr_batch_disable_standards(self: SecurityHubResponse) -> str:
    params = _json_body(self)
    subscriptions = _shr_backend(self).batch_disable_standards(  # type: ignore[attr-defined]
        standards_subscription_arns=params.get("StandardsSubscriptionArns") or []
    )
    return json.dumps({"StandardsSubscriptions": subscriptions})


def _shr_get_enabled_standards(self: SecurityHubResponse) -> str:
    params = _json_body(self)
    max_results = _check_max_results(params.get("MaxResults"))
    subscriptions, next_token = _shr_backend(self).get_enabled_standards(  # type: ignore[attr-defined]
        standards_subscription_arns=params.get("StandardsSubscriptionArns"),
        next_token=params.get("NextToken"),
        max_results=max_results,
    )
    result: dict[str, Any] = {"StandardsSubscriptions": subscriptions}
    if next_token:
        result["NextToken"] = next_token
    return json.dumps(result)


def _shr_describe_standards(self: SecurityHubResponse) -> str:
    max_results = _check_max_results(self._get_param("MaxResults"))
    standards, next_token = _shr_backend(self).describe_standards(  # type: ignore[attr-defined]
        next_token=self._get_param("NextToken"), max_results=max_results
    )
    result: dict[str, Any] = {"Standards": standards}
    if next_token:
        result["NextToken"] = next_token
    return json.dumps(result)


# --- Account: region opt-in -------------------------------------------------------------------

_ACCOUNT_PATHS = {
    "{0}/enableRegion$": AccountResponse.dispatch,
    "{0}/disableRegion$": AccountResponse.dispatch,
    "{0}/getRegionOptStatus$": AccountResponse.dispatch,
    "{0}/listRegions$": AccountResponse.dispatch,
}

_ACCOUNT_PAGINATION = {
    "_acct_list_regions": {
        "input_token": "next_token",
        "limit_key": "max_results",
        "limit_default": 50,
        "unique_attribute": "RegionName",
        "fail_on_invalid_token": True,
    },
}


class _AccountValidationError(JsonRESTError):
    code = 400

    def __init__(self, message: str) -> None:
        super().__init__("ValidationException", message)


def _partition_of(region: Region) -> str:
    if region.endpoint.endswith(".amazonaws.com.cn"):
        return "aws-cn"
    if region.name.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def _partition_regions(partition: str) -> list[str]:
    return [r.name for r in RegionsAndZonesBackend.regions if _partition_of(r) == partition]


def _default_opt_status(region: str) -> str:
    if region in RegionsAndZonesBackend.regions_opt_in_not_required:
        return "ENABLED_BY_DEFAULT"
    if region.startswith(("us-gov-", "cn-")):
        return "ENABLED_BY_DEFAULT"
    return "DISABLED"


def _opt_overrides(backend: AccountBackend) -> dict[str, str]:
    return backend.__dict__.setdefault("_region_opt_status", {})


def _acct_region_opt_status(self: AccountBackend, region_name: str) -> str:
    if region_name not in _partition_regions(self.partition):
        raise _AccountValidationError(f"{region_name} is not a valid region name")
    return _opt_overrides(self).get(region_name, _default_opt_status(region_name))


def _acct_enable_region(self: AccountBackend, region_name: str) -> None:
    status = _acct_region_opt_status(self, region_name)
    if status in ("ENABLED", "ENABLED_BY_DEFAULT"):
        return
    default = _default_opt_status(region_name)
    _opt_overrides(self)[region_name] = default if default == "ENABLED_BY_DEFAULT" else "ENABLED"


def _acct_disable_region(self: AccountBackend, region_name: str) -> None:
    # AWS refuses to disable a region that is enabled by default; the emulator allows it so that
    # an estate can declare exactly which regions the account uses.
    _acct_region_opt_status(self, region_name)
    _opt_overrides(self)[region_name] = "DISABLED"


@paginate(pagination_model=_ACCOUNT_PAGINATION)
def _acct_list_regions(
    self: AccountBackend, region_opt_status_contains: list[str] | None = None
) -> list[dict[str, str]]:
    regions = [
        {"RegionName": name, "RegionOptStatus": _acct_region_opt_status(self, name)}
        for name in sorted(_partition_regions(self.partition))
    ]
    if region_opt_status_contains:
        regions = [r for r in regions if r["RegionOptStatus"] in region_opt_status_contains]
    return regions


def _account_backend(response: AccountResponse) -> AccountBackend:
    account_id = response._get_param("AccountId") or response.current_account
    return account_backends[account_id][response.partition]


def _ar_enable_region(self: AccountResponse) -> ActionResult:
    _account_backend(self).enable_region(self._get_param("RegionName"))  # type: ignore[attr-defined]
    return EmptyResult()


def _ar_disable_region(self: AccountResponse) -> ActionResult:
    _account_backend(self).disable_region(self._get_param("RegionName"))  # type: ignore[attr-defined]
    return EmptyResult()


def _ar_get_region_opt_status(self: AccountResponse) -> ActionResult:
    name = self._get_param("RegionName")
    status = _account_backend(self).get_region_opt_status(name)  # type: ignore[attr-defined]
    return ActionResult({"RegionName": name, "RegionOptStatus": status})


def _ar_list_regions(self: AccountResponse) -> ActionResult:
    max_results = self._get_param("MaxResults")
    if max_results is not None and not 1 <= int(max_results) <= 50:
        raise _AccountValidationError("MaxResults must be between 1 and 50")
    regions, next_token = _account_backend(self).list_regions(  # type: ignore[attr-defined]
        region_opt_status_contains=self._get_param("RegionOptStatusContains"),
        next_token=self._get_param("NextToken"),
        max_results=int(max_results) if max_results is not None else None,
    )
    result: dict[str, Any] = {"Regions": regions}
    if next_token:
        result["NextToken"] = next_token
    return ActionResult(result)


def set_enabled_regions(account_id: str, regions: Iterable[str] | None, partition: str = "aws") -> None:
    """Declare, in this process, the regions enabled for an account; every other region is disabled.

    ``None`` restores AWS's defaults. Against a moto server, use the Account API instead
    (``account.enable_region`` / ``account.disable_region``), which is what ``seed_aws`` does.
    """
    backend = account_backends[account_id][partition]
    overrides = _opt_overrides(backend)
    overrides.clear()
    if regions is None:
        return
    wanted = set(regions)
    unknown = wanted - set(_partition_regions(partition))
    if unknown:
        raise ValueError(f"unknown {partition} regions: {', '.join(sorted(unknown))}")
    for name in _partition_regions(partition):
        if name in wanted:
            _acct_enable_region(backend, name)
        else:
            _acct_disable_region(backend, name)


def enabled_regions(account_id: str, partition: str = "aws") -> list[str]:
    """The regions enabled for the account, as ``ListRegions`` would report them."""
    backend = account_backends[account_id][partition]
    return [
        name
        for name in sorted(_partition_regions(partition))
        if _acct_region_opt_status(backend, name) in ("ENABLED", "ENABLED_BY_DEFAULT", "ENABLING")
    ]


# --- EC2: DescribeRegions opt-in status, instance metadata defaults ----------------------------

_EC2_OPT_IN = {
    "ENABLED_BY_DEFAULT": "opt-in-not-required",
    "ENABLED": "opted-in",
    "ENABLING": "opted-in",
    "DISABLING": "not-opted-in",
    "DISABLED": "not-opted-in",
}


def _ec2_describe_regions_with_opt_in(
    self: EC2Backend,
    region_names: list[str] | None,
    all_regions: bool,
    filters: dict[str, list[str]] | None,
) -> list[Region]:
    account = account_backends[self.account_id][self.partition]
    regions: list[Region] = []
    for region in RegionsAndZonesBackend.describe_regions(self, region_names):
        if _partition_of(region) != self.partition:
            continue
        status = _EC2_OPT_IN[_acct_region_opt_status(account, region.name)]
        regions.append(Region(region.name, region.endpoint, status))
    if not all_regions and not region_names:
        regions = [r for r in regions if r.opt_in_status != "not-opted-in"]
    for name, values in (filters or {}).items():
        attribute = {"region-name": "name", "endpoint": "endpoint", "opt-in-status": "opt_in_status"}.get(
            name
        )
        if attribute is None:
            raise InvalidFilter(name)
        regions = [r for r in regions if getattr(r, attribute) in values]
    return regions


def _ec2r_describe_regions(self: EC2Response) -> ActionResult:
    self.error_on_dryrun()
    regions = self.ec2_backend.describe_regions_with_opt_in(
        self._get_param("RegionNames", []),
        bool(self._get_bool_param("AllRegions", False)),
        self._filters_from_querystring(),
    )
    return ActionResult({"Regions": regions})


_IMDS_KEYS = ("HttpTokens", "HttpPutResponseHopLimit", "HttpEndpoint", "InstanceMetadataTags")


def _imds_defaults(backend: EC2Backend) -> dict[str, Any]:
    return backend.__dict__.setdefault("_instance_metadata_defaults", {})


def _ec2_get_instance_metadata_defaults(self: EC2Backend) -> dict[str, Any]:
    return dict(_imds_defaults(self))


def _ec2_modify_instance_metadata_defaults(self: EC2Backend, **settings: Any) -> None:
    defaults = _imds_defaults(self)
    for key, value in settings.items():
        if value is None:
            continue
        if value in ("no-preference", -1, "-1"):
            defaults.pop(key, None)
        elif key == "HttpPutResponseHopLimit":
            defaults[key] = int(value)
        else:
            defaults[key] = value


def _wrap_run_instances(original: Callable[..., Any]) -> Callable[..., Any]:
    def run_instances(self: EC2Backend, *args: Any, **kwargs: Any) -> Any:
        defaults = _imds_defaults(self)
        if defaults:
            kwargs["metadata_options"] = {**defaults, **(kwargs.get("metadata_options") or {})}
        return original(self, *args, **kwargs)

    return run_instances


def _ec2r_get_instance_metadata_defaults(self: EC2Response) -> ActionResult:
    self.error_on_dryrun()
    return ActionResult({"AccountLevel": self.ec2_backend.get_instance_metadata_defaults()})


def _ec2r_modify_instance_metadata_defaults(self: EC2Response) -> ActionResult:
    self.error_on_dryrun()
    self.ec2_backend.modify_instance_metadata_defaults(**{key: self._get_param(key) for key in _IMDS_KEYS})
    return ActionResult({"Return": True})


def _wrap_create_flow_logs(original: Callable[..., Any]) -> Callable[..., Any]:
    """moto looks up 'bucket/prefix' as a bucket name; AWS accepts arn:aws:s3:::bucket/prefix."""

    def create_flow_logs(self: EC2Backend, **kwargs: Any) -> Any:
        destination = kwargs.get("log_destination") or ""
        head, sep, path = destination.partition(":::")
        if kwargs.get("log_destination_type") != "s3" or "/" not in path:
            return original(self, **kwargs)
        flow_logs, unsuccessful = original(
            self, **{**kwargs, "log_destination": f"{head}{sep}{path.split('/')[0]}"}
        )
        for flow_log in flow_logs:
            flow_log.log_destination = destination
        return flow_logs, unsuccessful

    return create_flow_logs


# --- GuardDuty: legacy data sources follow the features -------------------------------------


def _wrap_detector_to_json(
    original: Callable[[Detector], dict[str, Any]],
) -> Callable[[Detector], dict[str, Any]]:
    def to_json(self: Detector) -> dict[str, Any]:
        result = original(self)
        features = {f.get("name") or f.get("Name"): f.get("status") or f.get("Status") for f in self.features}
        sources = result.get("dataSources", {})
        if "S3_DATA_EVENTS" in features:
            sources["s3Logs"] = {"status": features["S3_DATA_EVENTS"]}
        if "EKS_AUDIT_LOGS" in features:
            sources.setdefault("kubernetes", {})["auditLogs"] = {"status": features["EKS_AUDIT_LOGS"]}
        return result

    return to_json


# --- GuardDuty: sample findings, ListFindings, GetFindings, ArchiveFindings --------------------

SAMPLE_SEVERITIES: dict[str, float] = {
    "Recon:EC2/PortProbeUnprotectedPort": 2.0,
    "Recon:IAMUser/MaliciousIPCaller": 5.0,
    "UnauthorizedAccess:EC2/SSHBruteForce": 2.0,
    "CryptoCurrency:EC2/BitcoinTool.B!DNS": 8.0,
    "Backdoor:EC2/C&CActivity.B!DNS": 8.0,
    "Trojan:EC2/DNSDataExfiltration": 8.0,
    "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS": 8.0,
    "UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B": 5.0,
    "Exfiltration:S3/AnomalousBehavior": 8.0,
    "Exfiltration:S3/MaliciousIPCaller": 8.0,
    "AttackSequence:S3/CompromisedData": 9.0,
}
_GUARDDUTY_PATHS = {
    "{0}/detector/(?P<detector_id>[^/]+)/findings$": GuardDutyResponse.dispatch,
    "{0}/detector/(?P<detector_id>[^/]+)/findings/get$": GuardDutyResponse.dispatch,
    "{0}/detector/(?P<detector_id>[^/]+)/findings/create$": GuardDutyResponse.dispatch,
    "{0}/detector/(?P<detector_id>[^/]+)/findings/archive$": GuardDutyResponse.dispatch,
}


def _gd_findings(detector: Detector) -> list[dict[str, Any]]:
    return detector.__dict__.setdefault("sample_findings", [])  # type: ignore[no-any-return]


def _gd_resource(finding_type: str, number: int) -> dict[str, Any]:
    if ":IAMUser/" in finding_type or ":IAM/" in finding_type:
        return {
            "resourceType": "AccessKey",
            "accessKeyDetails": {"accessKeyId": f"ASIASAMPLE{number:010d}", "userName": "sample-user"},
        }
    if ":S3/" in finding_type:
        return {"resourceType": "S3Bucket", "s3BucketDetails": [{"name": f"sample-bucket-{number}"}]}
    return {"resourceType": "Instance", "instanceDetails": {"instanceId": f"i-{number:017x}"}}


def _gd_create_sample_findings(self: GuardDutyBackend, detector_id: str, finding_types: list[str]) -> None:
    detector = self.get_detector(detector_id)
    findings = _gd_findings(detector)
    for finding_type in finding_types:
        number = len(findings) + 1
        finding_id = f"{detector_id[:8]}{number:024x}"
        now = "2026-11-26T12:00:00.000Z"
        findings.append(
            {
                "accountId": self.account_id,
                "arn": f"arn:aws:guardduty:{self.region_name}:{self.account_id}:detector/{detector_id}/"
                f"finding/{finding_id}",
                "createdAt": now,
                "updatedAt": now,
                "id": finding_id,
                "partition": "aws",
                "region": self.region_name,
                "schemaVersion": "2.0",
                "severity": SAMPLE_SEVERITIES.get(finding_type, 5.0),
                "title": f"Sample finding {finding_type}",
                "description": f"This is a sample finding of type {finding_type}.",
                "type": finding_type,
                "resource": _gd_resource(finding_type, number),
                "service": {
                    "serviceName": "guardduty",
                    "detectorId": detector_id,
                    "archived": False,
                    "count": 1,
                    "additionalInfo": {"value": '{"sample":true}', "type": "default"},
                },
            }
        )


def _gd_matches(finding: dict[str, Any], criteria: dict[str, Any]) -> bool:
    for field, condition in (criteria.get("criterion") or {}).items():
        value: Any = finding["service"]["archived"] if field == "service.archived" else finding.get(field)
        if field == "service.archived":
            wanted = [str(v).lower() == "true" for v in condition.get("eq", condition.get("equals", []))]
            if wanted and value not in wanted:
                return False
            continue
        for operator, bound in condition.items():
            compare = {
                "gte": lambda a, b: a >= b, "greaterThanOrEqual": lambda a, b: a >= b,
                "gt": lambda a, b: a > b, "greaterThan": lambda a, b: a > b,
                "lte": lambda a, b: a <= b, "lessThanOrEqual": lambda a, b: a <= b,
                "lt": lambda a, b: a < b, "lessThan": lambda a, b: a < b,
            }.get(operator)  # fmt: skip
            if compare is not None and not compare(float(value), float(bound)):
                return False
            if operator in ("eq", "equals") and str(value) not in [str(v) for v in bound]:
                return False
    return True


def _gdr_body(self: GuardDutyResponse) -> dict[str, Any]:
    return json.loads(self.body or "{}")


def _gdr_detector_id(self: GuardDutyResponse) -> str:
    return self.path.split("/detector/", 1)[1].split("/", 1)[0]


def _gdr_create_sample_findings(self: GuardDutyResponse) -> str:
    body = _gdr_body(self)
    self.guardduty_backend.create_sample_findings(  # type: ignore[attr-defined]
        _gdr_detector_id(self), body.get("findingTypes") or list(SAMPLE_SEVERITIES)
    )
    return "{}"


def _gdr_list_findings(self: GuardDutyResponse) -> str:
    body = _gdr_body(self)
    detector = self.guardduty_backend.get_detector(_gdr_detector_id(self))
    matching = [f["id"] for f in _gd_findings(detector) if _gd_matches(f, body.get("findingCriteria") or {})]
    size = int(body.get("maxResults") or 50)
    if not 1 <= size <= 50:
        raise JsonRESTError("BadRequestException", "maxResults must be between 1 and 50")
    start = int(body.get("nextToken") or 0)
    result: dict[str, Any] = {"findingIds": matching[start : start + size]}
    if start + size < len(matching):
        result["nextToken"] = str(start + size)
    return json.dumps(result)


def _gdr_get_findings(self: GuardDutyResponse) -> str:
    body = _gdr_body(self)
    ids = body.get("findingIds") or []
    if len(ids) > 50:
        raise JsonRESTError("BadRequestException", "at most 50 findingIds")
    detector = self.guardduty_backend.get_detector(_gdr_detector_id(self))
    by_id = {f["id"]: f for f in _gd_findings(detector)}
    return json.dumps({"findings": [by_id[i] for i in ids if i in by_id]})


def _gdr_archive_findings(self: GuardDutyResponse) -> str:
    body = _gdr_body(self)
    detector = self.guardduty_backend.get_detector(_gdr_detector_id(self))
    for finding in _gd_findings(detector):
        if finding["id"] in (body.get("findingIds") or []):
            finding["service"]["archived"] = True
    return "{}"


# --- install ----------------------------------------------------------------------------------


def is_installed() -> bool:
    return bool(getattr(SecurityHubBackend, _SENTINEL, False))


def install() -> None:
    """Add the operations to moto in this process. Idempotent and thread-safe."""
    with _install_lock:
        if is_installed():
            return

        SecurityHubBackend.batch_enable_standards = _sh_batch_enable_standards  # type: ignore[attr-defined]
        SecurityHubBackend.batch_disable_standards = _sh_batch_disable_standards  # type: ignore[attr-defined]
        SecurityHubBackend.get_enabled_standards = _sh_get_enabled_standards  # type: ignore[attr-defined]
        SecurityHubBackend.describe_standards = _sh_describe_standards  # type: ignore[attr-defined]
        SecurityHubBackend.enable_security_hub = _wrap_enable_security_hub(  # type: ignore[method-assign]
            SecurityHubBackend.enable_security_hub
        )
        SecurityHubBackend.disable_security_hub = _wrap_disable_security_hub(  # type: ignore[method-assign]
            SecurityHubBackend.disable_security_hub
        )
        SecurityHubResponse.batch_enable_standards = _shr_batch_enable_standards  # type: ignore[attr-defined]
        SecurityHubResponse.batch_disable_standards = _shr_batch_disable_standards  # type: ignore[attr-defined]
        SecurityHubResponse.get_enabled_standards = _shr_get_enabled_standards  # type: ignore[attr-defined]
        SecurityHubResponse.describe_standards = _shr_describe_standards  # type: ignore[attr-defined]
        securityhub_urls.url_paths.update(_SECURITYHUB_PATHS)

        AccountBackend.enable_region = _acct_enable_region  # type: ignore[attr-defined]
        AccountBackend.disable_region = _acct_disable_region  # type: ignore[attr-defined]
        AccountBackend.get_region_opt_status = _acct_region_opt_status  # type: ignore[attr-defined]
        AccountBackend.list_regions = _acct_list_regions  # type: ignore[attr-defined]
        AccountResponse.enable_region = _ar_enable_region  # type: ignore[attr-defined]
        AccountResponse.disable_region = _ar_disable_region  # type: ignore[attr-defined]
        AccountResponse.get_region_opt_status = _ar_get_region_opt_status  # type: ignore[attr-defined]
        AccountResponse.list_regions = _ar_list_regions  # type: ignore[attr-defined]
        account_urls.url_paths.update(_ACCOUNT_PATHS)

        EC2Backend.describe_regions_with_opt_in = _ec2_describe_regions_with_opt_in  # type: ignore[attr-defined]
        EC2Backend.get_instance_metadata_defaults = _ec2_get_instance_metadata_defaults  # type: ignore[attr-defined]
        EC2Backend.modify_instance_metadata_defaults = _ec2_modify_instance_metadata_defaults  # type: ignore[attr-defined]
        EC2Backend.run_instances = _wrap_run_instances(EC2Backend.run_instances)  # type: ignore[method-assign]
        EC2Backend.create_flow_logs = _wrap_create_flow_logs(EC2Backend.create_flow_logs)  # type: ignore[method-assign]
        EC2Response.describe_regions = _ec2r_describe_regions  # type: ignore[method-assign]
        EC2Response.get_instance_metadata_defaults = _ec2r_get_instance_metadata_defaults  # type: ignore[attr-defined]
        EC2Response.modify_instance_metadata_defaults = _ec2r_modify_instance_metadata_defaults  # type: ignore[attr-defined]

        Detector.to_json = _wrap_detector_to_json(Detector.to_json)  # type: ignore[method-assign]
        GuardDutyBackend.create_sample_findings = _gd_create_sample_findings  # type: ignore[attr-defined]
        GuardDutyResponse.create_sample_findings = _gdr_create_sample_findings  # type: ignore[attr-defined]
        GuardDutyResponse.list_findings = _gdr_list_findings  # type: ignore[attr-defined]
        GuardDutyResponse.get_findings = _gdr_get_findings  # type: ignore[attr-defined]
        GuardDutyResponse.archive_findings = _gdr_archive_findings  # type: ignore[attr-defined]
        guardduty_urls.url_paths.update(_GUARDDUTY_PATHS)
        moto_organizations.install()

        setattr(SecurityHubBackend, _SENTINEL, True)
