"""Graph API errors as Meta renders them, and the catalogue of the ones faults can inject.

Every refusal of the Graph endpoints is ``{"error": {message, type, code, error_subcode?,
error_data: {messaging_product, details}, fbtrace_id}}`` with the HTTP status Meta uses,
so the sender's error mapping is exercised on the real shape.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from fastapi.responses import JSONResponse

__all__ = [
    "CATALOGUE",
    "GraphError",
    "GraphErrorSpec",
    "expired_token",
    "invalid_parameter",
    "invalid_token",
    "unknown_object",
    "unknown_path",
]


@dataclass(frozen=True, slots=True)
class GraphErrorSpec:
    """One Meta error: what the API answers, and what a ``failed`` status carries."""

    code: int
    http_status: int
    title: str
    details: str
    type: str = "OAuthException"
    subcode: int | None = None
    transient: bool = False
    # Graph's generic errors (tokens, outages) read differently from WhatsApp's.
    plain_message: str | None = None

    @property
    def message(self) -> str:
        # Meta prefixes the title with the code for WhatsApp errors: "(#131056) ...".
        return self.plain_message or f"(#{self.code}) {self.title}"

    def status_error(self) -> dict[str, Any]:
        """The error object of a ``failed`` status webhook (no Graph envelope)."""
        return {
            "code": self.code,
            "title": self.title,
            "message": self.title,
            "error_data": {"details": self.details},
            "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
        }


class GraphError(Exception):
    """A refused Graph call; ``response()`` renders it the way graph.facebook.com does."""

    def __init__(
        self,
        spec: GraphErrorSpec,
        *,
        message: str | None = None,
        details: str | None = None,
        headers: dict[str, str] | None = None,
        label: str | None = None,
    ) -> None:
        super().__init__(message or spec.message)
        self.spec = spec
        # How the refusal is counted in the stats: the fault's code ("timeout", "500"...).
        self.label = label or str(spec.code)
        self.message = message or spec.message
        self.details = details or spec.details
        self.headers = headers or {}

    @property
    def http_status(self) -> int:
        return self.spec.http_status

    @property
    def code(self) -> int:
        return self.spec.code

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {
            "message": self.message,
            "type": self.spec.type,
            "code": self.spec.code,
        }
        if self.spec.subcode is not None:
            error["error_subcode"] = self.spec.subcode
        if self.spec.transient:
            error["is_transient"] = True
        if self.details:
            error["error_data"] = {"messaging_product": "whatsapp", "details": self.details}
        error["fbtrace_id"] = "A" + secrets.token_urlsafe(16)
        return {"error": error}

    def response(self) -> JSONResponse:
        headers = dict(self.headers)
        if self.spec.code == 190:
            # What Graph adds to token failures; some clients key off it.
            headers.setdefault(
                "WWW-Authenticate", f'OAuth "Facebook Platform" "invalid_token" "{self.message}"'
            )
        return JSONResponse(self.body(), status_code=self.http_status, headers=headers)


_INVALID_PARAMETER = GraphErrorSpec(100, 400, "Invalid parameter", "")
_UNKNOWN_OBJECT = GraphErrorSpec(
    100, 400, "Unsupported request", "", type="GraphMethodException", subcode=33
)
_INVALID_TOKEN = GraphErrorSpec(190, 401, "Invalid OAuth access token", "")
_EXPIRED_TOKEN = GraphErrorSpec(
    190,
    401,
    "Session has expired",
    "",
    subcode=463,
    plain_message="Error validating access token: Session has expired on the sandbox's clock.",
)
_UNKNOWN_PATH = GraphErrorSpec(2500, 400, "Unknown path components", "")
_UNAVAILABLE = GraphErrorSpec(
    2,
    500,
    "Service temporarily unavailable",
    "",
    transient=True,
    plain_message="Service temporarily unavailable",
)

CATALOGUE: dict[str, GraphErrorSpec] = {
    "130429": GraphErrorSpec(
        130429, 429, "Rate limit hit", "Cloud API message throughput has been reached."
    ),
    "131056": GraphErrorSpec(
        131056,
        400,
        "(Business Account, Consumer Account) pair rate limit hit",
        "Message failed to send because there were too many messages sent from this phone "
        "number to the same phone number in a short period of time.",
    ),
    "131048": GraphErrorSpec(
        131048,
        400,
        "Spam rate limit hit",
        "Message failed to send because there are restrictions on how many messages can be "
        "sent from this phone number. This may be because too many previous messages were "
        "blocked or flagged as spam.",
    ),
    "131049": GraphErrorSpec(
        131049,
        400,
        "This message was not delivered to maintain healthy ecosystem engagement.",
        "In order to maintain a healthy ecosystem engagement, the message failed to be delivered.",
    ),
    "131026": GraphErrorSpec(
        131026,
        400,
        "Message Undeliverable",
        "Unable to deliver message. Reasons can include: the recipient phone number is not a "
        "WhatsApp phone number; the recipient has not accepted the new Terms of Service; the "
        "recipient is using an old WhatsApp version.",
    ),
    "131047": GraphErrorSpec(
        131047,
        400,
        "Re-engagement message",
        "Message failed to send because more than 24 hours have passed since the customer "
        "last replied to this number.",
    ),
    "131053": GraphErrorSpec(
        131053, 400, "Media upload error", "Unable to download the media sent by the business."
    ),
    "190": _EXPIRED_TOKEN,
    "1": GraphErrorSpec(
        1,
        500,
        "An unknown error occurred",
        "",
        transient=True,
        plain_message="An unknown error occurred",
    ),
    "2": _UNAVAILABLE,
    "500": _UNAVAILABLE,
    # What a held ("timeout") request finally answers when it is not accepted.
    "timeout": GraphErrorSpec(
        2,
        503,
        "Service temporarily unavailable",
        "",
        transient=True,
        plain_message=_UNAVAILABLE.message,
    ),
}


def invalid_parameter(details: str) -> GraphError:
    return GraphError(_INVALID_PARAMETER, details=details)


def unknown_object(object_id: str, method: str) -> GraphError:
    return GraphError(
        _UNKNOWN_OBJECT,
        message=(
            f"Unsupported {method.lower()} request. Object with ID '{object_id}' does not exist, "
            "cannot be loaded due to missing permissions, or does not support this operation."
        ),
    )


def invalid_token(reason: str = "Cannot parse access token") -> GraphError:
    return GraphError(_INVALID_TOKEN, message=f"Invalid OAuth access token - {reason}")


def expired_token() -> GraphError:
    return GraphError(_EXPIRED_TOKEN)


def unknown_path(path: str) -> GraphError:
    return GraphError(_UNKNOWN_PATH, message=f"Unknown path components: {path}")
