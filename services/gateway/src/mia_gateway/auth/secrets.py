"""Opaque secrets handed out once (refresh tokens, invitation links, API keys).

Only a SHA-256 of each is stored: they carry 256 random bits, so a fast hash is enough
(unlike passwords) and a leaked table gives nothing usable.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

__all__ = ["digest", "matches", "new_token"]


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def matches(token: str, expected_digest: bytes) -> bool:
    return hmac.compare_digest(digest(token), expected_digest)
