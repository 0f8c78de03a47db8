"""A typed client of the sandbox's control API (``/sandbox/*``), for tests and tools."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Literal, TypeVar, overload

import httpx

from mia_common.testing.waiting import wait_until
from mia_meta_sandbox.schemas import (
    CustomerMessageOut,
    FaultOut,
    NumberOut,
    NumberStats,
    ReadReceiptOut,
    SentMessageOut,
    SentPage,
    Stats,
    TemplateOut,
    TemplateReadOut,
    TemplateSubmissionOut,
    WebhookDeliveryOut,
)

__all__ = ["SandboxClient"]

T = TypeVar("T")


class SandboxClient:
    """The control API (``/sandbox/*``) with typed answers; errors raise ``HTTPStatusError``."""

    def __init__(self, base_url: str, *, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.AsyncClient(base_url=self.base_url, timeout=timeout)

    async def __aenter__(self) -> SandboxClient:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _json(self, method: str, path: str, **options: Any) -> Any:
        response = await self._http.request(method, path, **options)
        response.raise_for_status()
        return response.json() if response.content else None

    async def register_number(
        self,
        *,
        phone_number_id: str,
        access_token: str,
        app_secret: str,
        display_phone_number: str = "+15550001111",
        waba_id: str = "200000000000001",
        webhook_url: str | None = None,
        throughput_per_second: int | None = None,
        verified_name: str = "Sandbox Business",
    ) -> NumberOut:
        body = {
            "phone_number_id": phone_number_id,
            "access_token": access_token,
            "app_secret": app_secret,
            "display_phone_number": display_phone_number,
            "waba_id": waba_id,
            "webhook_url": webhook_url,
            "throughput_per_second": throughput_per_second,
            "verified_name": verified_name,
        }
        return NumberOut.model_validate(await self._json("POST", "/sandbox/numbers", json=body))

    async def numbers(self) -> list[NumberOut]:
        return [NumberOut.model_validate(n) for n in await self._json("GET", "/sandbox/numbers")]

    async def templates(self, waba_id: str) -> list[TemplateOut]:
        answer = await self._json("GET", f"/sandbox/wabas/{waba_id}/templates")
        return [TemplateOut.model_validate(t) for t in answer]

    async def set_templates(
        self, waba_id: str, templates: Sequence[dict[str, Any]]
    ) -> list[TemplateOut]:
        """Replace the WABA's templates; each is a ``TemplateIn`` body (Meta's components)."""
        answer = await self._json(
            "PUT", f"/sandbox/wabas/{waba_id}/templates", json=list(templates)
        )
        return [TemplateOut.model_validate(t) for t in answer]

    async def add_template(
        self,
        waba_id: str,
        *,
        name: str,
        body: str,
        language: str = "pt_BR",
        status: str = "APPROVED",
        category: str = "UTILITY",
        components: Sequence[dict[str, Any]] | None = None,
    ) -> TemplateOut:
        """Add (or replace, same name and language) a template; ``components`` beyond the body."""
        template = {
            "name": name,
            "language": language,
            "status": status,
            "category": category,
            "components": [{"type": "BODY", "text": body}, *(components or ())],
        }
        answer = await self._json("POST", f"/sandbox/wabas/{waba_id}/templates", json=template)
        return TemplateOut.model_validate(answer)

    async def template_submissions(self, waba_id: str | None = None) -> list[TemplateSubmissionOut]:
        """Templates created through the Graph API, with their review, oldest first."""
        params = {"waba_id": waba_id} if waba_id is not None else {}
        answer = await self._json("GET", "/sandbox/template-submissions", params=params)
        return [TemplateSubmissionOut.model_validate(s) for s in answer]

    async def decide_template(
        self, template_id: str, event: str, *, reason: str | None = None
    ) -> TemplateSubmissionOut:
        """Decide a submitted template now; its webhook is posted as a review's would be."""
        answer = await self._json(
            "POST",
            f"/sandbox/template-submissions/{template_id}/decision",
            json={"event": event, "reason": reason},
        )
        return TemplateSubmissionOut.model_validate(answer)

    async def template_requests(self, waba_id: str | None = None) -> list[TemplateReadOut]:
        """The template list reads the sandbox answered (or refused), oldest first."""
        params = {"waba_id": waba_id} if waba_id is not None else {}
        answer = await self._json("GET", "/sandbox/template-requests", params=params)
        return [TemplateReadOut.model_validate(r) for r in answer]

    async def customer_message(
        self,
        *,
        from_: str | None = None,
        user_id: str | None = None,
        text: str | None = None,
        type: str = "text",
        phone_number_id: str | None = None,
        name: str | None = "Sandbox Customer",
        media: bytes | None = None,
        mime_type: str | None = None,
        await_delivery: bool = False,
        **fields: Any,
    ) -> CustomerMessageOut:
        """A customer writes; ``fields`` are the other ``CustomerMessageIn`` fields."""
        body: dict[str, Any] = {
            "type": type,
            "name": name,
            "await_delivery": await_delivery,
            **fields,
        }
        for key, value in (
            ("from", from_),
            ("user_id", user_id),
            ("text", text),
            ("phone_number_id", phone_number_id),
            ("mime_type", mime_type),
        ):
            if value is not None:
                body[key] = value
        if media is not None:
            body["media_base64"] = base64.b64encode(media).decode()
        answer = await self._json("POST", "/sandbox/customers/messages", json=body)
        return CustomerMessageOut.model_validate(answer)

    async def sent(
        self,
        *,
        phone_number_id: str | None = None,
        to: str | None = None,
        biz_opaque_callback_data: str | None = None,
        limit: int = 10_000,
    ) -> list[SentMessageOut]:
        """Accepted sends, oldest first (every page, ``limit`` at a time)."""
        params: dict[str, Any] = {"limit": limit}
        for key, value in (
            ("phone_number_id", phone_number_id),
            ("to", to),
            ("biz_opaque_callback_data", biz_opaque_callback_data),
        ):
            if value is not None:
                params[key] = value
        items: list[SentMessageOut] = []
        while True:
            page = SentPage.model_validate(
                await self._json("GET", "/sandbox/sent", params={**params, "offset": len(items)})
            )
            items.extend(page.items)
            if not page.items or len(items) >= page.total:
                return items

    async def sent_page(self, *, offset: int = 0, limit: int = 1000) -> SentPage:
        """One page of the accepted sends, oldest first, and how many there are in all."""
        answer = await self._json("GET", "/sandbox/sent", params={"offset": offset, "limit": limit})
        return SentPage.model_validate(answer)

    async def read_receipts(
        self, *, phone_number_id: str | None = None, message_id: str | None = None
    ) -> list[ReadReceiptOut]:
        """Customer messages a business marked read, with or without "typing…"."""
        params = {
            key: value
            for key, value in (("phone_number_id", phone_number_id), ("message_id", message_id))
            if value is not None
        }
        answer = await self._json("GET", "/sandbox/read-receipts", params=params)
        return [ReadReceiptOut.model_validate(item) for item in answer]

    async def stats(self) -> Stats:
        return Stats.model_validate(await self._json("GET", "/sandbox/stats"))

    async def number_stats(self, phone_number_id: str) -> NumberStats:
        answer = await self._json(
            "GET", "/sandbox/stats", params={"phone_number_id": phone_number_id}
        )
        return Stats.model_validate(answer).numbers[phone_number_id]

    async def add_fault(
        self,
        code: str | int,
        *,
        phone_number_id: str | None = None,
        recipient: str | None = None,
        rate: float = 1.0,
        count: int | None = None,
        mode: Literal["sync", "async"] = "sync",
        hold_seconds: float = 0.0,
        accept_after_hold: bool = False,
        seed: int | None = None,
        applies_to: Literal["messages", "message_templates", "read_receipts"] = "messages",
    ) -> str:
        """Inject a fault; returns its id."""
        body = {
            "code": str(code),
            "phone_number_id": phone_number_id,
            "recipient": recipient,
            "rate": rate,
            "count": count,
            "mode": mode,
            "hold_seconds": hold_seconds,
            "accept_after_hold": accept_after_hold,
            "seed": seed,
            "applies_to": applies_to,
        }
        return FaultOut.model_validate(await self._json("POST", "/sandbox/faults", json=body)).id

    async def faults(self) -> list[FaultOut]:
        return [FaultOut.model_validate(f) for f in await self._json("GET", "/sandbox/faults")]

    async def remove_fault(self, fault_id: str) -> None:
        await self._json("DELETE", f"/sandbox/faults/{fault_id}")

    async def clear_faults(self) -> None:
        await self._json("DELETE", "/sandbox/faults")

    async def reset(self) -> None:
        await self._json("POST", "/sandbox/reset")

    async def webhooks(
        self,
        *,
        kind: str | None = None,
        wamid: str | None = None,
        phone_number_id: str | None = None,
        state: str | None = None,
        include_body: bool = False,
        limit: int = 50_000,
    ) -> list[WebhookDeliveryOut]:
        params: dict[str, Any] = {"include_body": include_body, "limit": limit}
        for key, value in (
            ("kind", kind),
            ("wamid", wamid),
            ("phone_number_id", phone_number_id),
            ("state", state),
        ):
            if value is not None:
                params[key] = value
        answer = await self._json("GET", "/sandbox/webhooks", params=params)
        return [WebhookDeliveryOut.model_validate(d) for d in answer]

    @overload
    async def wait_for(
        self,
        predicate: Callable[[], Awaitable[T]],
        *,
        timeout: float = ...,  # noqa: ASYNC109
        interval: float = ...,
        message: str = ...,
    ) -> T: ...

    @overload
    async def wait_for(
        self,
        predicate: Callable[[], T],
        *,
        timeout: float = ...,  # noqa: ASYNC109
        interval: float = ...,
        message: str = ...,
    ) -> T: ...

    async def wait_for(
        self,
        predicate: Callable[[], Any],
        *,
        timeout: float = 10.0,  # noqa: ASYNC109 - a deadline is the point of this helper
        interval: float = 0.05,
        message: str = "condition",
    ) -> Any:
        """Poll ``predicate`` until it returns something truthy; AssertionError at the deadline."""
        return await wait_until(predicate, timeout=timeout, interval=interval, message=message)

    async def wait_for_statuses(
        self,
        wamid: str,
        statuses: Sequence[str] = ("sent", "delivered", "read"),
        *,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> list[WebhookDeliveryOut]:
        """Wait until the receiver accepted a webhook for each status of ``wamid``."""

        async def accepted() -> list[WebhookDeliveryOut]:
            found = await self.webhooks(wamid=wamid, kind="status", state="delivered")
            got = {d.status for d in found}
            # An empty list is falsy: keep polling.
            return found if all(status in got for status in statuses) else []

        return await self.wait_for(
            accepted, timeout=timeout, message=f"statuses {list(statuses)} of {wamid} delivered"
        )
