"""AWS Organizations in moto the way a scanner meets it.

- ``create_member_account``: ``organizations:CreateAccount`` through the real client, but with the
  account id the estate gives (moto draws a random one), so demo findings keep stable ids.
- ``sts:AssumeRole`` is refused with ``AccessDenied`` when the role does not exist in the target
  account, as AWS refuses it (moto hands out credentials for any role ARN). An account created without
  the scanner's role is therefore an account the scanner cannot enter.

``install()`` patches moto's backends in this process (idempotent); it is called by
``auditor.emulators.moto_extensions.install``.
"""

from __future__ import annotations

import re
import threading
import warnings
from collections.abc import Callable
from typing import Any

from moto.iam import iam_backends
from moto.organizations import utils as organizations_utils
from moto.sts.exceptions import STSClientError
from moto.sts.models import STSBackend

_ROLE_ARN = re.compile(r"^arn:aws[\w-]*:iam::(?P<account>\d{12}):role/(?:.*/)?(?P<name>[\w+=,.@-]+)$")
_lock = threading.Lock()
_installed = False


class _AccessDenied(STSClientError):
    def __init__(self, message: str) -> None:
        super().__init__("AccessDenied", message)


def _role_exists(account_id: str, role_name: str) -> bool:
    backend = iam_backends[account_id]["global"]
    return any(role.name == role_name for role in backend.roles.values())


def _wrap_assume_role(original: Callable[..., Any]) -> Callable[..., Any]:
    def assume_role(self: STSBackend, *args: Any, **kwargs: Any) -> Any:
        role_arn = kwargs.get("role_arn", args[2] if len(args) > 2 else "")
        match = _ROLE_ARN.match(role_arn or "")
        if match is None or not _role_exists(match["account"], match["name"]):
            raise _AccessDenied(
                f"User: arn:aws:iam::{self.account_id}:user/scanner is not authorized to perform: "
                f"sts:AssumeRole on resource: {role_arn}"
            )
        return original(self, *args, **kwargs)

    return assume_role


def install() -> None:
    global _installed
    with _lock:
        if _installed:
            return
        STSBackend.assume_role = _wrap_assume_role(STSBackend.assume_role)  # type: ignore[method-assign]
        # STS's model has no AccessDenied shape; moto says so on every refusal. The wire answer is right.
        warnings.filterwarnings("ignore", message=r"Exception\(_AccessDenied\)", category=UserWarning)
        _installed = True


def create_member_account(
    organizations: Any, account_id: str, name: str, email: str, role_name: str | None
) -> str:
    """Create a member account with this id through the real client. ``role_name`` None creates the
    account without the cross-account role (``RoleName`` pointing nowhere the scanner looks)."""
    with _lock:
        original = organizations_utils.make_random_account_id
        organizations_utils.make_random_account_id = lambda: account_id
        try:
            status = organizations.create_account(
                Email=email, AccountName=name, RoleName=role_name or "NoAuditorAccess"
            )["CreateAccountStatus"]
        finally:
            organizations_utils.make_random_account_id = original
    created: str = status["AccountId"]
    if role_name is None:
        backend = iam_backends[created]["global"]
        backend.delete_role("NoAuditorAccess")
    return created
