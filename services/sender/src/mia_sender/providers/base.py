"""What every channel provider client offers the dispatcher, and how its errors read.

A provider turns one send request into one provider call. It never retries by itself:
it reports what went wrong as a ``ProviderError`` whose ``action`` tells the dispatcher
what to do next, so retry, delay, pause and failure policy live in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from mia_common.contracts import SendRequest

__all__ = [
    "ErrorAction",
    "OutcomeUnknown",
    "Provider",
    "ProviderAccepted",
    "ProviderError",
]


class ErrorAction(StrEnum):
    RETRY = "retry"
    """Transient (throughput limit, 5xx, timeout): retry with backoff and jitter."""
    DELAY_RECIPIENT = "delay_recipient"
    """Too many messages to this one recipient: retry later, other recipients go on."""
    PAUSE_ACCOUNT = "pause_account"
    """The account cannot send (spam limit, expired token): pause it and alert a person."""
    FAIL_NOT_SOON = "fail_not_soon"
    """Refused for this recipient for a long while (marketing limit): fail, no quick retry."""
    FAIL = "fail"
    """Permanent: retrying cannot help (undeliverable, outside the window, bad parameters)."""


@dataclass(frozen=True, slots=True)
class ProviderAccepted:
    external_message_id: str
    details: dict[str, Any] = field(default_factory=dict)


class ProviderError(Exception):
    """A refused or failed provider call, with the provider's own code."""

    def __init__(
        self,
        *,
        code: str,
        title: str,
        action: ErrorAction,
        detail: str | None = None,
        http_status: int | None = None,
        retry_after_seconds: float | None = None,
        alert_kind: str | None = None,
        subcode: str | None = None,
    ) -> None:
        super().__init__(f"{code}: {title}")
        self.code = code
        self.title = title
        self.action = action
        self.detail = detail
        self.http_status = http_status
        self.retry_after_seconds = retry_after_seconds
        # For PAUSE_ACCOUNT: the ChannelAlertKind value a person is alerted with
        # (None: the dispatcher's default, token_expired).
        self.alert_kind = alert_kind
        # The provider's finer code when it has one (Graph's ``error_subcode``: 33 is an
        # object that does not exist or that the token may not see).
        self.subcode = subcode

    @classmethod
    def retryable(
        cls, exc: Exception, *, title: str, code: str = "connection_failed"
    ) -> ProviderError:
        """A transport failure after which calling again is safe (nothing was acted on)."""
        return cls(
            code=code, title=title, action=ErrorAction.RETRY, detail=f"{type(exc).__name__}: {exc}"
        )

    @property
    def permanent(self) -> bool:
        return self.action in (ErrorAction.FAIL, ErrorAction.FAIL_NOT_SOON)


class Provider(Protocol):
    """One channel's client. ``credentials`` is the decrypted account (provider-specific)."""

    async def send(self, credentials: Any, request: SendRequest) -> ProviderAccepted:
        """Make exactly one provider call; raise ``ProviderError`` when it is refused."""
        ...

    async def check(self, credentials: Any) -> dict[str, Any]:
        """Prove the credentials work with one cheap call: what the provider says about
        the account; ``ProviderError`` when refused (wrong, suspended, unreachable)."""
        ...

    async def aclose(self) -> None: ...


class OutcomeUnknown(Exception):
    """The call may have reached the provider but its answer was lost (a read timeout, a
    dropped connection after the request went out). Calling again could send the message
    twice, so the dispatcher marks the send 'unknown' and reconciles it from statuses."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail
