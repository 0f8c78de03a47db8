"""Meta's error codes and what the sender does about each: the one table of that policy.

The Cloud API reports a refusal as Graph API error JSON::

    {"error": {"message": "(#131056) ...", "type": "OAuthException", "code": 131056,
               "error_subcode": 2494055, "error_data": {"messaging_product": "whatsapp",
               "details": "..."}, "fbtrace_id": "..."}}

Meta asks integrators to key their handling on ``code`` (and ``details``), not on the
message text, so ``RULES`` maps codes to an ``ErrorAction``; a code we do not know falls
back on the HTTP status (401 → the token, 429 and 5xx → transient, other 4xx → permanent).
References: Meta's "WhatsApp error codes" and "Graph API error handling" pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from mia_common.contracts import ChannelAlertKind
from mia_sender.providers.base import ErrorAction, ProviderError

__all__ = ["RULES", "MetaErrorRule", "classify", "rule_for"]


@dataclass(frozen=True, slots=True)
class MetaErrorRule:
    action: ErrorAction
    title: str
    """Our short reading of the code, used when Meta's message is missing."""
    alert: ChannelAlertKind | None = None
    """For PAUSE_ACCOUNT: what the person who must act is told."""


_R = ErrorAction.RETRY
_TOKEN = MetaErrorRule(
    ErrorAction.PAUSE_ACCOUNT, "access token expired or invalid", ChannelAlertKind.TOKEN_EXPIRED
)
_PERMISSION = MetaErrorRule(
    ErrorAction.PAUSE_ACCOUNT,
    "the access token lacks a permission the Cloud API needs",
    ChannelAlertKind.TOKEN_EXPIRED,
)


def _template(title: str) -> MetaErrorRule:
    return MetaErrorRule(ErrorAction.FAIL, title)


RULES: Final[Mapping[int, MetaErrorRule]] = {
    # --- authorization: nothing this account sends can succeed until a person acts ---
    0: _TOKEN,  # AuthException
    190: _TOKEN,  # access token expired / invalidated (subcodes 463, 467)
    3: _PERMISSION,  # API method: capability or permissions issue
    10: _PERMISSION,  # permission denied
    **{code: _PERMISSION for code in range(200, 300)},  # API permission
    # --- throughput and outages: transient, back off and retry ---
    1: MetaErrorRule(_R, "unknown API error"),
    2: MetaErrorRule(_R, "API service temporarily unavailable"),
    4: MetaErrorRule(_R, "application request limit reached"),
    80007: MetaErrorRule(_R, "WhatsApp Business Account rate limit reached"),
    130429: MetaErrorRule(_R, "Cloud API throughput limit reached"),
    131000: MetaErrorRule(_R, "something went wrong at Meta"),
    131016: MetaErrorRule(_R, "WhatsApp service temporarily unavailable"),
    131057: MetaErrorRule(_R, "business account in maintenance mode"),
    133004: MetaErrorRule(_R, "server temporarily unavailable"),
    # --- one recipient got too much too fast: delay that recipient only ---
    131056: MetaErrorRule(ErrorAction.DELAY_RECIPIENT, "pair rate limit hit"),
    # --- the number is restricted: pause it and tell a person ---
    131048: MetaErrorRule(
        ErrorAction.PAUSE_ACCOUNT,
        "spam rate limit hit: too many messages were blocked or flagged",
        ChannelAlertKind.SPAM_LIMIT,
    ),
    131031: MetaErrorRule(
        ErrorAction.PAUSE_ACCOUNT, "business account locked", ChannelAlertKind.PROVIDER_DOWN
    ),
    131042: MetaErrorRule(
        ErrorAction.PAUSE_ACCOUNT,
        "business eligibility payment issue",
        ChannelAlertKind.PROVIDER_DOWN,
    ),
    133010: MetaErrorRule(
        ErrorAction.PAUSE_ACCOUNT,
        "phone number not registered on the Cloud API",
        ChannelAlertKind.PROVIDER_DOWN,
    ),
    # --- this recipient will not take it for a while: fail, no quick retry ---
    131049: MetaErrorRule(
        ErrorAction.FAIL_NOT_SOON, "not delivered to maintain healthy ecosystem engagement"
    ),
    131050: MetaErrorRule(
        ErrorAction.FAIL_NOT_SOON, "the customer stopped marketing messages from this business"
    ),
    # --- permanent for this message ---
    100: MetaErrorRule(ErrorAction.FAIL, "invalid parameter"),
    131008: MetaErrorRule(ErrorAction.FAIL, "required parameter missing"),
    131009: MetaErrorRule(ErrorAction.FAIL, "parameter value not valid"),
    131021: MetaErrorRule(ErrorAction.FAIL, "recipient cannot be the sender"),
    131026: MetaErrorRule(ErrorAction.FAIL, "message undeliverable"),
    131030: MetaErrorRule(ErrorAction.FAIL, "recipient not in the allowed list"),
    131045: MetaErrorRule(ErrorAction.FAIL, "incorrect certificate"),
    131047: MetaErrorRule(
        ErrorAction.FAIL, "re-engagement message: more than 24 hours since the customer wrote"
    ),
    131051: MetaErrorRule(ErrorAction.FAIL, "unsupported message type"),
    131052: MetaErrorRule(ErrorAction.FAIL, "media download error"),
    131053: MetaErrorRule(ErrorAction.FAIL, "media upload error"),
    131055: MetaErrorRule(ErrorAction.FAIL, "method not allowed"),
    130472: MetaErrorRule(ErrorAction.FAIL, "customer's number is part of an experiment"),
    135000: MetaErrorRule(ErrorAction.FAIL, "generic user error"),
    # --- templates: the message as written cannot go out ---
    **{code: _template("template error") for code in range(132000, 132016)},
    132000: _template("template parameter count mismatch"),
    132001: _template("template does not exist"),
    132005: _template("translated template text too long"),
    132007: _template("template format character policy violated"),
    132012: _template("template parameter format mismatch"),
    132015: _template("template is paused"),
    132016: _template("template is disabled"),
    132068: _template("flow is blocked"),
    132069: _template("flow is throttled"),
}


def rule_for(
    code: int | None, http_status: int | None, *, transient: bool = False
) -> MetaErrorRule:
    """The rule of ``code``; for codes we do not know, what the HTTP status implies."""
    if code is not None and code in RULES:
        return RULES[code]
    if http_status == 401:
        return _TOKEN
    if transient or http_status == 429 or (http_status is not None and http_status >= 500):
        return MetaErrorRule(_R, "transient Graph API error")
    return MetaErrorRule(ErrorAction.FAIL, "refused by the Graph API")


def classify(
    http_status: int, body: Any, *, retry_after_seconds: float | None = None
) -> ProviderError:
    """The ``ProviderError`` for a non-2xx Graph response (``body`` parsed JSON, or None)."""
    error = body.get("error") if isinstance(body, Mapping) else None
    if not isinstance(error, Mapping):
        rule = rule_for(None, http_status)
        return ProviderError(
            code=f"http_{http_status}",
            title=rule.title,
            action=rule.action,
            http_status=http_status,
            retry_after_seconds=retry_after_seconds,
        )
    code = _as_int(error.get("code"))
    rule = rule_for(code, http_status, transient=bool(error.get("is_transient")))
    data = error.get("error_data")
    details = data.get("details") if isinstance(data, Mapping) else None
    message = error.get("message")
    subcode = _as_int(error.get("error_subcode"))
    return ProviderError(
        code=str(code) if code is not None else f"http_{http_status}",
        title=message if isinstance(message, str) and message else rule.title,
        action=rule.action,
        detail=details if isinstance(details, str) and details else None,
        http_status=http_status,
        retry_after_seconds=retry_after_seconds,
        alert_kind=rule.alert.value if rule.alert is not None else None,
        subcode=str(subcode) if subcode is not None else None,
    )


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None
