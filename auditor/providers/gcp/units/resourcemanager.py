"""Resource Manager v3: the project's IAM policy, for its Data Access audit log configuration.

The IAM policy is a plain protobuf (``google.iam.v1.policy_pb2``): ``log_type`` comes back as an int
(1 ADMIN_READ, 2 DATA_WRITE, 3 DATA_READ).
"""

from __future__ import annotations

from auditor.inventory.gcp import AuditConfig, AuditLogConfig
from auditor.providers.gcp.unit import Unit, UnitContext

SERVICE = "resourcemanager"
LOG_TYPES = {1: "ADMIN_READ", 2: "DATA_WRITE", 3: "DATA_READ"}


def collect(context: UnitContext) -> None:
    clients = context.clients
    resource = f"projects/{context.target}"

    def audit_configs() -> list[AuditConfig]:
        policy = context.call(
            SERVICE,
            "get_iam_policy",
            lambda: clients.projects().get_iam_policy(
                request={"resource": resource}, retry=clients.retry, timeout=clients.options.call_timeout
            ),
        )
        return [
            AuditConfig(
                service=config.service,
                log_configs=[
                    AuditLogConfig(
                        log_type=LOG_TYPES.get(int(log.log_type), f"LOG_TYPE_{int(log.log_type)}"),
                        exempted_members=list(log.exempted_members),
                    )
                    for log in config.audit_log_configs
                ],
            )
            for config in policy.audit_configs
        ]

    context.fill("audit_configs", SERVICE, "get_iam_policy", audit_configs)


UNIT = Unit(
    service=SERVICE,
    datasets=("audit_configs",),
    reads=((SERVICE, "get_iam_policy"),),
    collect=collect,
)
