"""``X-Hub-Signature-256``: Meta signs the raw body with the app secret (HMAC-SHA256)."""

from __future__ import annotations

import hashlib
import hmac

__all__ = ["signature_matches"]

PREFIX = "sha256="


def signature_matches(raw_body: bytes, header: str | None, app_secret: str) -> bool:
    """Constant-time check of the header against the body's HMAC; False when malformed."""
    if not header or not header.startswith(PREFIX):
        return False
    expected = hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header[len(PREFIX) :].strip().lower())
