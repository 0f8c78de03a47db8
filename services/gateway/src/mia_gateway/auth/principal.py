"""Who is calling: a user with an access token, or an integration with an API key.

``auth.service.authenticate`` finds the principal of a request's credentials, reading the
user, the tenant and the session (or the key) from the database each time, so disabling a
user, suspending a tenant, revoking a key or logging out stops the caller at once, not
when a token expires. ``auth.dependencies`` gives endpoints the principal and its role.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from mia_common.identity import Role

__all__ = ["API_KEY_PREFIX", "Principal", "parse_api_key"]

API_KEY_PREFIX = "mia_"


@dataclass(frozen=True, slots=True)
class Principal:
    kind: str  # "user" or "api_key"
    id: uuid.UUID  # the user's or the key's id
    tenant_id: uuid.UUID
    role: Role
    email: str | None = None
    is_platform_admin: bool = False
    session_id: uuid.UUID | None = None
    scopes: tuple[str, ...] = ("*",)

    def may_use_area(self, area: str) -> bool:
        return "*" in self.scopes or area in self.scopes


def parse_api_key(value: str) -> tuple[str, str] | None:
    """``mia_<prefix>_<secret>`` → (prefix, secret), or None when it is not a key."""
    if not value.startswith(API_KEY_PREFIX):
        return None
    prefix, _, secret = value[len(API_KEY_PREFIX) :].partition("_")
    if not prefix or not secret:
        return None
    return prefix, secret
