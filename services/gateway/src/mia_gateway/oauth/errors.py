"""The OAuth login's own refusals; the rest reuse ``mia_common.errors`` with a ``code``."""

from __future__ import annotations

from mia_common.errors import AppError, Unauthorized

__all__ = ["IdTokenInvalid", "LoginAttemptInvalid", "ProviderUnavailable"]


class LoginAttemptInvalid(AppError):
    """The callback does not belong to a login this browser started (or it was used)."""

    status_code = 400
    title = "Invalid login attempt"


class ProviderUnavailable(AppError):
    """The provider did not answer, answered nonsense, or is missing an endpoint we need."""

    status_code = 502
    title = "Login provider unavailable"


class IdTokenInvalid(Unauthorized):
    """The provider's ID token fails a check: signature, issuer, audience, expiry, nonce."""

    def __init__(self, reason: str) -> None:
        super().__init__(
            f"the provider's ID token was refused: {reason}", code="oauth_id_token_invalid"
        )
