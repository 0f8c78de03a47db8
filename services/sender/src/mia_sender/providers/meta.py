"""The WhatsApp Cloud API client: one ``POST /{version}/{phone_number_id}/messages`` per send.

One ``aiohttp.ClientSession`` per process keeps connections to the Graph API pooled for
every account (the token travels per request). aiohttp, not httpx: measured on this
machine against a local server, an httpx POST cost 2.3 ms of CPU (its connection pool
walks every connection on each request) and an aiohttp one 0.14 ms; at hundreds of sends
a second that is most of a core. Every message carries ``biz_opaque_callback_data`` = our
request id: Meta echoes it in the message's status webhooks, which is how a send whose
answer was lost is reconciled (``mia_sender.dispatch.reconcile``).

Transport failures are split by whether Meta can have seen the request: a connection that
never opened is retried; an answer that never came (read timeout, dropped connection) is
``OutcomeUnknown``, because calling again could deliver the message twice.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import orjson

from mia_common.contracts import SendRequest
from mia_common.contracts.messages import (
    MediaContent,
    TemplateContent,
    TextContent,
    TypingContent,
)
from mia_sender.metrics import PROVIDER_SECONDS
from mia_sender.providers.base import (
    ErrorAction,
    OutcomeUnknown,
    ProviderAccepted,
    ProviderError,
)
from mia_sender.providers.meta_errors import classify

__all__ = [
    "MetaCredentials",
    "MetaProvider",
    "SubmittedTemplate",
    "TemplatePage",
    "message_body",
]

# What the template picker needs of each template (Graph answers only the fields asked).
TEMPLATE_FIELDS = "name,language,status,category,components,parameter_format,id"
_JSON = "application/json"


@dataclass(frozen=True, slots=True)
class MetaCredentials:
    phone_number_id: str
    access_token: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class TemplatePage:
    """One page of ``GET /{waba_id}/message_templates``: template nodes as Meta sent them,
    and the cursor of the next page (None: this was the last)."""

    templates: list[dict[str, Any]]
    after: str | None


@dataclass(frozen=True, slots=True)
class SubmittedTemplate:
    """Meta's answer to ``POST /{waba_id}/message_templates``: the new template's id, its
    status (PENDING while Meta reviews it) and the category Meta filed it under."""

    id: str
    status: str
    category: str


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int
    body: Any
    """The decoded JSON, or None when the answer was not JSON."""
    retry_after: str | None

    @property
    def is_success(self) -> bool:
        return 200 <= self.status < 300


def _timeout(seconds: float) -> aiohttp.ClientTimeout:
    # As httpx's per-phase timeouts were: connecting (a pool slot included) at most 5 s,
    # then each wait for the answer at most ``seconds``.
    return aiohttp.ClientTimeout(total=None, connect=min(seconds, 5.0), sock_read=seconds)


class MetaProvider:
    def __init__(
        self,
        *,
        graph_url: str,
        graph_version: str,
        timeout: float,
        max_connections: int = 200,
    ) -> None:
        self._base = f"{graph_url.rstrip('/')}/{graph_version}"
        self._timeout = _timeout(timeout)
        self._max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        # Made on first use: an aiohttp session belongs to the running event loop, and the
        # provider is built before the app's loop runs.
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(
                    limit=self._max_connections,
                    limit_per_host=0,
                    # Under the servers' own idle limit (uvicorn's 5 s), so an idle
                    # connection is dropped here first rather than reused as it closes.
                    keepalive_timeout=4.0,
                ),
                timeout=self._timeout,
                skip_auto_headers=("User-Agent",),
                raise_for_status=False,
            )
        return self._session

    async def _call(
        self,
        method: str,
        url: str,
        credentials: MetaCredentials,
        *,
        body: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
        wait: aiohttp.ClientTimeout | None = None,
    ) -> _Answer:
        headers = {"Authorization": f"Bearer {credentials.access_token}"}
        data = None
        if body is not None:
            headers["Content-Type"] = _JSON
            data = orjson.dumps(body)
        # No timeout argument means the session's; an explicit None would mean none at all.
        options: dict[str, Any] = {} if wait is None else {"timeout": wait}
        async with self._client().request(
            method, url, data=data, params=params, headers=headers, **options
        ) as response:
            raw = await response.read()
            try:
                decoded = orjson.loads(raw) if raw else None
            except orjson.JSONDecodeError:
                decoded = None
            return _Answer(response.status, decoded, response.headers.get("Retry-After"))

    async def send(self, credentials: MetaCredentials, request: SendRequest) -> ProviderAccepted:
        if isinstance(request.content, TypingContent):
            return await self._show_typing(credentials, request)
        url = f"{self._base}/{credentials.phone_number_id}/messages"
        started = time.perf_counter()
        result = "error"
        try:
            answer = await self._call("POST", url, credentials, body=message_body(request))
            accepted = _accepted_or_raise(answer)
            result = "accepted"
            return accepted
        except ProviderError as error:
            result = error.action.value
            raise
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as exc:
            # The request never left (no connection, or none within the connect timeout):
            # calling again cannot duplicate anything.
            result = "retry"
            raise ProviderError.retryable(exc, title="could not reach the Graph API") from exc
        except (TimeoutError, aiohttp.ClientError) as exc:
            # Read timeout, reset, a closed connection or a protocol error after the request
            # may have gone out.
            result = "unknown"
            raise OutcomeUnknown(f"{type(exc).__name__}: {exc}") from exc
        finally:
            PROVIDER_SECONDS.labels("whatsapp_cloud", result).observe(time.perf_counter() - started)

    async def _show_typing(
        self, credentials: MetaCredentials, request: SendRequest
    ) -> ProviderAccepted:
        """Mark the customer's message read with the typing indicator. One call, never
        retried: the indicator only matters in the seconds before the answer, which waits
        behind it, so anything but a confirmation fails it at once (a token Meta refuses
        still pauses the account). Meta answers ``{"success": true}`` and no message id;
        the accepted send keeps the id of the message it was shown against."""
        url = f"{self._base}/{credentials.phone_number_id}/messages"
        started = time.perf_counter()
        result = "fail"
        try:
            try:
                answer = await self._call("POST", url, credentials, body=message_body(request))
            except (TimeoutError, aiohttp.ClientError) as exc:
                raise ProviderError(
                    code="typing_not_shown",
                    title="the typing indicator could not be shown",
                    action=ErrorAction.FAIL,
                    detail=f"{type(exc).__name__}: {exc}",
                ) from exc
            if not answer.is_success:
                error = classify(answer.status, answer.body)
                if error.action in (ErrorAction.RETRY, ErrorAction.DELAY_RECIPIENT):
                    error.action = ErrorAction.FAIL
                result = error.action.value
                raise error
            if not (isinstance(answer.body, dict) and answer.body.get("success") is True):
                raise ProviderError(
                    code="typing_not_shown",
                    title="Meta did not confirm the typing indicator",
                    action=ErrorAction.FAIL,
                    detail=f"HTTP {answer.status}",
                )
            result = "accepted"
        finally:
            PROVIDER_SECONDS.labels("whatsapp_cloud", result).observe(time.perf_counter() - started)
        assert request.reply_to_external_id is not None  # the contract requires it
        return ProviderAccepted(external_message_id=request.reply_to_external_id)

    async def check(self, credentials: MetaCredentials) -> dict[str, Any]:
        """``GET /{version}/{phone_number_id}``: proves the token may use the number."""
        try:
            answer = await self._call(
                "GET", f"{self._base}/{credentials.phone_number_id}", credentials
            )
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise ProviderError.retryable(exc, title="could not reach the Graph API") from exc
        if answer.is_success:
            return answer.body if isinstance(answer.body, dict) else {}
        raise classify(answer.status, answer.body)

    async def message_templates(
        self,
        credentials: MetaCredentials,
        waba_id: str,
        *,
        limit: int,
        after: str | None,
        wait_seconds: float,
    ) -> TemplatePage:
        """One page of the WhatsApp Business Account's templates (every status).

        A read: a timeout or a dropped connection is simply retryable, never 'unknown'.
        The next page is asked by its ``after`` cursor against our own Graph URL rather
        than by following ``paging.next``, so the token only ever goes where it is set to.
        """
        params = {"fields": TEMPLATE_FIELDS, "limit": str(limit)}
        if after is not None:
            params["after"] = after
        try:
            answer = await self._call(
                "GET",
                f"{self._base}/{waba_id}/message_templates",
                credentials,
                params=params,
                wait=_timeout(wait_seconds),
            )
        except (TimeoutError, aiohttp.ServerTimeoutError) as exc:
            raise ProviderError.retryable(
                exc, title="the Graph API did not answer in time", code="timeout"
            ) from exc
        except aiohttp.ClientError as exc:
            raise ProviderError.retryable(exc, title="could not reach the Graph API") from exc
        if not answer.is_success:
            raise classify(answer.status, answer.body)
        body = answer.body
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, list):
            raise ProviderError(
                code="invalid_answer",
                title="the Graph API answered without a template list",
                action=ErrorAction.RETRY,
                http_status=answer.status,
            )
        paging = body.get("paging")
        paging = paging if isinstance(paging, dict) else {}
        cursors = paging.get("cursors")
        next_after = cursors.get("after") if isinstance(cursors, dict) else None
        # Graph sets ``next`` only when another page follows; the cursor alone does not say.
        has_next = bool(paging.get("next")) and isinstance(next_after, str) and bool(next_after)
        return TemplatePage(
            templates=[node for node in data if isinstance(node, dict)],
            after=next_after if has_next else None,
        )

    async def create_message_template(
        self, credentials: MetaCredentials, waba_id: str, template: dict[str, Any]
    ) -> SubmittedTemplate:
        """``POST /{waba_id}/message_templates`` with ``template`` (Graph's body: name,
        language, category, components): submits it for Meta's review.

        Meta refuses a second template of the same name and language, so a call whose
        answer was lost is not repeated here: it surfaces as a retryable error and the
        person looks at the list before submitting again.
        """
        try:
            answer = await self._call(
                "POST", f"{self._base}/{waba_id}/message_templates", credentials, body=template
            )
        except (TimeoutError, aiohttp.ServerTimeoutError) as exc:
            raise ProviderError.retryable(
                exc, title="the Graph API did not answer in time", code="timeout"
            ) from exc
        except aiohttp.ClientError as exc:
            raise ProviderError.retryable(exc, title="could not reach the Graph API") from exc
        if not answer.is_success:
            raise classify(answer.status, answer.body)
        body = answer.body if isinstance(answer.body, dict) else {}
        template_id = body.get("id")
        if not isinstance(template_id, (str, int)) or isinstance(template_id, bool):
            raise ProviderError(
                code="invalid_answer",
                title="the Graph API answered without a template id",
                action=ErrorAction.RETRY,
                http_status=answer.status,
            )
        return SubmittedTemplate(
            id=str(template_id),
            status=str(body.get("status") or "PENDING"),
            category=str(body.get("category") or template.get("category") or ""),
        )

    async def delete_message_template(
        self, credentials: MetaCredentials, waba_id: str, name: str
    ) -> None:
        """``DELETE /{waba_id}/message_templates?name=``: every language of that template."""
        try:
            answer = await self._call(
                "DELETE",
                f"{self._base}/{waba_id}/message_templates",
                credentials,
                params={"name": name},
            )
        except (TimeoutError, aiohttp.ServerTimeoutError) as exc:
            raise ProviderError.retryable(
                exc, title="the Graph API did not answer in time", code="timeout"
            ) from exc
        except aiohttp.ClientError as exc:
            raise ProviderError.retryable(exc, title="could not reach the Graph API") from exc
        if not answer.is_success:
            raise classify(answer.status, answer.body)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def message_body(request: SendRequest) -> dict[str, Any]:
    """Meta's JSON for ``request`` (text, template or media; a reply; a phone or a BSUID;
    a typing indicator, which is a read receipt)."""
    if isinstance(request.content, TypingContent):
        return {
            "messaging_product": "whatsapp",
            "status": "read",
            "message_id": request.reply_to_external_id,
            "typing_indicator": {"type": "text"},
        }
    body: dict[str, Any] = {"messaging_product": "whatsapp", "recipient_type": "individual"}
    if request.to is not None:
        # Meta takes the number without the leading '+' (it also tolerates it).
        body["to"] = request.to.removeprefix("+")
    else:
        # Customers who hide their number behind a username are reached by their
        # business-scoped user id, in ``recipient`` instead of ``to``.
        body["recipient"] = request.to_user_id
    if request.reply_to_external_id:
        body["context"] = {"message_id": request.reply_to_external_id}
    content = request.content
    if isinstance(content, TextContent):
        body["type"] = "text"
        body["text"] = {"body": content.body, "preview_url": content.preview_url}
    elif isinstance(content, TemplateContent):
        template: dict[str, Any] = {"name": content.name, "language": {"code": content.language}}
        if content.components:
            template["components"] = content.components
        body["type"] = "template"
        body["template"] = template
    else:
        body["type"] = content.kind
        body[content.kind] = _media(content)
    body["biz_opaque_callback_data"] = str(request.request_id)
    return body


def _media(content: MediaContent) -> dict[str, Any]:
    media: dict[str, Any] = {}
    if content.media_id:
        media["id"] = content.media_id
    elif content.link:
        media["link"] = content.link
    else:
        raise ProviderError(
            code="media_missing",
            title="media needs a media id or a link",
            action=ErrorAction.FAIL,
        )
    # Meta accepts captions on images, videos and documents only, filenames on documents.
    if content.caption and content.kind in ("image", "video", "document"):
        media["caption"] = content.caption
    if content.filename and content.kind == "document":
        media["filename"] = content.filename
    return media


def _accepted_or_raise(answer: _Answer) -> ProviderAccepted:
    if not answer.is_success:
        raise classify(
            answer.status, answer.body, retry_after_seconds=_retry_after(answer.retry_after)
        )
    body = answer.body
    messages = body.get("messages") if isinstance(body, dict) else None
    message_id = (
        messages[0].get("id")
        if isinstance(messages, list) and messages and isinstance(messages[0], dict)
        else None
    )
    if not isinstance(message_id, str) or not message_id:
        # Meta took the request but we cannot name the message: treat the outcome as
        # unknown, so its status webhook (carrying our request id) settles it.
        raise OutcomeUnknown(f"HTTP {answer.status} without a message id")
    details: dict[str, Any] = {}
    contacts = body.get("contacts") if isinstance(body, dict) else None
    if isinstance(contacts, list) and contacts and isinstance(contacts[0], dict):
        wa_id = contacts[0].get("wa_id")
        if isinstance(wa_id, str):
            details["wa_id"] = wa_id
    status = messages[0].get("message_status") if isinstance(messages, list) else None
    if isinstance(status, str):
        details["message_status"] = status
    return ProviderAccepted(external_message_id=message_id, details=details)


def _retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
