"""What each credential of a channel account can look like, checked where it is saved and
again where a stored one is about to be used.

A credential travels in an HTTP header (Meta's bearer token, Twilio's Basic auth) or keys
an HMAC, so a value no provider could ever accept (a token with an accented letter, a
space, a line break) is refused when it is saved, with a message that says what is wrong,
instead of being stored and failing at the first call. Accounts saved before these rules
may still hold such a value: ``stored_credential_problem`` tells the callers that are
about to use one (the test, the templates, the dispatcher), so they answer in words and
never with a 500.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = [
    "META_SECRET_MAX_LENGTH",
    "META_SECRET_MIN_LENGTH",
    "META_SECRET_PATTERN",
    "TWILIO_ACCOUNT_SID_PATTERN",
    "TWILIO_AUTH_TOKEN_PATTERN",
    "TWILIO_SERVICE_SID_PATTERN",
    "meta_secret_problem",
    "stored_credential_problem",
    "twilio_account_sid_problem",
    "twilio_auth_token_problem",
]

# Visible ASCII, no spaces: what an Authorization header and Meta's tokens and app secrets
# are made of (system user tokens are letters and digits; app tokens add '|'). The local
# sandbox's own secrets ("sandbox-app-secret") are of this kind too, so no stricter rule.
META_SECRET_PATTERN: Final = r"^[!-~]+$"  # noqa: S105  (a pattern, not a secret)
META_SECRET_MIN_LENGTH: Final = 8
META_SECRET_MAX_LENGTH: Final = 4096
# Twilio's Console shows an Account SID as AC + 32 hex digits and the auth token as 32 hex
# digits; anything else cannot authenticate with Twilio.
TWILIO_ACCOUNT_SID_PATTERN: Final = r"^AC[0-9a-fA-F]{32}$"
TWILIO_AUTH_TOKEN_PATTERN: Final = r"^[0-9a-fA-F]{32}$"  # noqa: S105  (a pattern, not a secret)
TWILIO_SERVICE_SID_PATTERN: Final = r"^MG[0-9a-fA-F]{32}$"

_META_SECRET = re.compile(META_SECRET_PATTERN)
_TWILIO_ACCOUNT_SID = re.compile(TWILIO_ACCOUNT_SID_PATTERN)
_TWILIO_AUTH_TOKEN = re.compile(TWILIO_AUTH_TOKEN_PATTERN)


def meta_secret_problem(value: str) -> str | None:
    """Why ``value`` cannot be a Meta access token or app secret; None when it can."""
    if len(value) < META_SECRET_MIN_LENGTH:
        return (
            f"too short for a Meta token or secret (at least {META_SECRET_MIN_LENGTH} characters)"
        )
    if len(value) > META_SECRET_MAX_LENGTH:
        return f"too long for a Meta token or secret (at most {META_SECRET_MAX_LENGTH} characters)"
    if _META_SECRET.fullmatch(value):
        return None
    if any(character.isspace() for character in value):
        return "a Meta token or secret has no spaces or line breaks: paste it again without them"
    return (
        "a Meta token or secret holds only letters, digits and ASCII punctuation: paste it "
        "again from Meta's dashboard"
    )


def twilio_account_sid_problem(value: str) -> str | None:
    if _TWILIO_ACCOUNT_SID.fullmatch(value):
        return None
    return (
        "a Twilio Account SID is 'AC' and 32 hexadecimal digits, as the Twilio Console shows "
        "it under Account info"
    )


def twilio_auth_token_problem(value: str) -> str | None:
    if _TWILIO_AUTH_TOKEN.fullmatch(value):
        return None
    return (
        "a Twilio auth token is 32 hexadecimal digits, as the Twilio Console shows it under "
        "Account info"
    )


def stored_credential_problem(name: str, value: str) -> str | None:
    """Why the stored credential ``name`` (a field of the API) cannot be used, in words a
    person acts on (None: it can). Used where no request validated the value."""
    check = {
        "access_token": meta_secret_problem,
        "app_secret": meta_secret_problem,
        "account_sid": twilio_account_sid_problem,
        "auth_token": twilio_auth_token_problem,
    }[name]
    problem = check(value)
    if problem is None:
        return None
    return f"The stored {name.replace('_', ' ')} cannot be used ({problem}); enter it again."
