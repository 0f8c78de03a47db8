"""A login in progress: what we must remember between sending a browser to the provider and
its coming back, kept in Redis under the ``state`` and bound to the browser that started it.

Redis makes a state single-use (``GETDEL``) and short-lived; the binding cookie, holding a
hash of the state, makes a state useless in any other browser. Without it an attacker could
start a login with their own provider account and send the victim the callback URL, logging
the victim into the attacker's account (login CSRF).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from redis.asyncio import Redis

from mia_gateway.oauth.errors import LoginAttemptInvalid

__all__ = [
    "STATE_COOKIE",
    "STATE_COOKIE_PATH",
    "STATE_TTL_SECONDS",
    "PendingLogin",
    "binding_matches",
    "browser_binding",
    "relative_next",
    "remember",
    "take",
]

STATE_TTL_SECONDS = 600
STATE_COOKIE = "mia_oauth_state"
STATE_COOKIE_PATH = "/api/v1/auth/oauth"
_KEY_PREFIX = "mia:gw:oauth:"


@dataclass(frozen=True, slots=True)
class PendingLogin:
    provider: str
    nonce: str
    code_verifier: str
    next_path: str
    created: datetime

    def to_json(self) -> str:
        return json.dumps(
            {
                "provider": self.provider,
                "nonce": self.nonce,
                "code_verifier": self.code_verifier,
                "next": self.next_path,
                "created": self.created.isoformat(),
            }
        )

    @classmethod
    def from_json(cls, raw: str | bytes) -> PendingLogin:
        data = json.loads(raw)
        return cls(
            provider=data["provider"],
            nonce=data["nonce"],
            code_verifier=data["code_verifier"],
            next_path=data["next"],
            created=datetime.fromisoformat(data["created"]),
        )


async def remember(redis: Redis, *, state: str, pending: PendingLogin) -> None:
    await redis.set(_KEY_PREFIX + state, pending.to_json(), ex=STATE_TTL_SECONDS)


async def take(redis: Redis, *, state: str) -> PendingLogin | None:
    """The login ``state`` names, removed in the same step so a second use finds nothing."""
    raw = await redis.getdel(_KEY_PREFIX + state)
    return PendingLogin.from_json(raw) if raw is not None else None


def browser_binding(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def binding_matches(cookie: str | None, state: str) -> bool:
    return cookie is not None and hmac.compare_digest(cookie, browser_binding(state))


def relative_next(value: str) -> str:
    """``value`` if it is a path on this site, so a login can never end on someone else's.

    ``//host`` is protocol-relative and browsers read ``/\\host`` the same way, so a leading
    slash alone is not enough.
    """
    parts = urlsplit(value)
    if (
        not value.startswith("/")
        or value.startswith("//")
        or "\\" in value
        or parts.scheme
        or parts.netloc
        or any(ord(char) < 0x20 or ord(char) == 0x7F for char in value)
    ):
        raise LoginAttemptInvalid(
            "next must be a path on this site, such as /inbox", code="oauth_next_invalid"
        )
    return value
