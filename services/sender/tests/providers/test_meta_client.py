"""The Meta client builds Meta's request body and reads its answers (a local HTTP server
plays the Graph API, failures included)."""

from __future__ import annotations

import asyncio
import json
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from mia_common.contracts import SendRequest
from mia_sender.providers.base import ErrorAction, OutcomeUnknown, ProviderError
from mia_sender.providers.meta import MetaCredentials, MetaProvider, message_body

CREDENTIALS = MetaCredentials(phone_number_id="106540352242922", access_token="EAAG-token-1")


def request(**fields: Any) -> SendRequest:
    base: dict[str, Any] = {
        "request_id": uuid.uuid4(),
        "channel": "whatsapp_cloud",
        "channel_account_id": uuid.uuid4(),
        "to": "+5511999990000",
        "content": {"type": "text", "body": "Olá"},
        "origin": "agent",
    }
    return SendRequest.model_validate({**base, **fields})


@dataclass
class Seen:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class FakeGraph:
    """A local HTTP server playing the Graph API: ``answer`` decides each response."""

    url: str
    answer: Handler
    seen: list[Seen] = field(default_factory=list)
    released: asyncio.Event = field(default_factory=asyncio.Event)
    """Set when the test ends: a handler holding its answer back lets go."""

    def provider(self, *, timeout: float = 2.0) -> MetaProvider:
        return MetaProvider(graph_url=self.url, graph_version="v23.0", timeout=timeout)


async def _accepted(_request: web.Request) -> web.StreamResponse:
    return accepted()


@pytest.fixture
async def graph() -> AsyncIterator[FakeGraph]:
    fake: FakeGraph

    async def handle(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        fake.seen.append(Seen(request.method, str(request.url), dict(request.headers), body))
        return await fake.answer(request)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    fake = FakeGraph(url=f"http://127.0.0.1:{port}", answer=_accepted)
    yield fake
    fake.released.set()
    await runner.cleanup()


def accepted(wamid: str = "wamid.HBgLNTUxMTk5OTk5MDAwMBUCABEYEjQ2") -> web.Response:
    return web.json_response(
        {
            "messaging_product": "whatsapp",
            "contacts": [{"input": "5511999990000", "wa_id": "5511999990000"}],
            "messages": [{"id": wamid}],
        }
    )


def test_text_body_carries_the_request_id_as_callback_data() -> None:
    send = request(content={"type": "text", "body": "Seu pedido saiu", "preview_url": True})
    assert message_body(send) == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "5511999990000",
        "type": "text",
        "text": {"body": "Seu pedido saiu", "preview_url": True},
        "biz_opaque_callback_data": str(send.request_id),
    }


def test_template_body_names_language_code_and_components() -> None:
    components = [{"type": "body", "parameters": [{"type": "text", "text": "Ana"}]}]
    body = message_body(
        request(
            content={
                "type": "template",
                "name": "pedido_enviado",
                "language": "pt_BR",
                "components": components,
            }
        )
    )
    assert body["type"] == "template"
    assert body["template"] == {
        "name": "pedido_enviado",
        "language": {"code": "pt_BR"},
        "components": components,
    }
    bare = message_body(request(content={"type": "template", "name": "oi", "language": "en"}))
    assert "components" not in bare["template"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            {"type": "media", "kind": "image", "media_id": "1013", "caption": "Foto"},
            {"id": "1013", "caption": "Foto"},
        ),
        (
            {
                "type": "media",
                "kind": "document",
                "link": "https://x.test/a.pdf",
                "caption": "Nota",
                "filename": "nota.pdf",
            },
            {"link": "https://x.test/a.pdf", "caption": "Nota", "filename": "nota.pdf"},
        ),
        # Meta refuses captions on audio and stickers, and filenames off documents.
        (
            {"type": "media", "kind": "audio", "media_id": "77", "caption": "x", "filename": "a"},
            {"id": "77"},
        ),
    ],
)
def test_media_body_by_id_or_link(content: dict[str, Any], expected: dict[str, Any]) -> None:
    body = message_body(request(content=content))
    assert body["type"] == content["kind"]
    assert body[content["kind"]] == expected


def test_a_reply_names_the_message_it_answers() -> None:
    body = message_body(request(reply_to_external_id="wamid.ABC"))
    assert body["context"] == {"message_id": "wamid.ABC"}


def test_a_customer_known_only_by_business_scoped_id_is_sent_to_as_recipient() -> None:
    body = message_body(request(to=None, to_user_id="BR.13491208655302741918"))
    assert "to" not in body
    assert body["recipient"] == "BR.13491208655302741918"


async def test_send_posts_to_the_number_with_the_bearer_token(graph: FakeGraph) -> None:
    async def answer(_request: web.Request) -> web.StreamResponse:
        return accepted("wamid.1")

    graph.answer = answer
    client = graph.provider()
    send = request()
    result = await client.send(CREDENTIALS, send)
    await client.aclose()

    assert result.external_message_id == "wamid.1"
    assert result.details == {"wa_id": "5511999990000"}
    assert graph.seen[0].url == f"{graph.url}/v23.0/106540352242922/messages"
    assert graph.seen[0].headers["Authorization"] == "Bearer EAAG-token-1"
    assert json.loads(graph.seen[0].body)["biz_opaque_callback_data"] == str(send.request_id)


async def test_a_graph_error_becomes_a_provider_error_with_its_action(graph: FakeGraph) -> None:
    async def answer(_request: web.Request) -> web.StreamResponse:
        return web.json_response(
            {
                "error": {
                    "message": "(#130429) Rate limit hit",
                    "type": "OAuthException",
                    "code": 130429,
                    "error_data": {"messaging_product": "whatsapp", "details": "throughput"},
                    "fbtrace_id": "X",
                }
            },
            status=429,
            headers={"Retry-After": "3"},
        )

    graph.answer = answer
    client = graph.provider()
    with pytest.raises(ProviderError) as raised:
        await client.send(CREDENTIALS, request())
    await client.aclose()
    assert raised.value.action is ErrorAction.RETRY
    assert raised.value.code == "130429"
    assert raised.value.retry_after_seconds == 3.0


async def test_a_connection_that_never_opened_is_retried() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = MetaProvider(graph_url=f"http://127.0.0.1:{port}", graph_version="v23.0", timeout=2)
    with pytest.raises(ProviderError) as raised:
        await client.send(CREDENTIALS, request())
    await client.aclose()
    assert raised.value.action is ErrorAction.RETRY


@pytest.mark.parametrize("failure", ["no answer in time", "connection dropped"])
async def test_an_answer_lost_after_the_request_left_is_unknown_not_retried(
    graph: FakeGraph, failure: str
) -> None:
    async def answer(request: web.Request) -> web.StreamResponse:
        if failure == "connection dropped":
            assert request.transport is not None
            request.transport.close()
        else:
            await graph.released.wait()  # past the client's read timeout
        return web.Response()

    graph.answer = answer
    client = graph.provider(timeout=0.3)
    with pytest.raises(OutcomeUnknown):
        await client.send(CREDENTIALS, request())
    await client.aclose()
    assert len(graph.seen) == 1, "the request went out once"


async def test_a_success_without_a_message_id_is_unknown(graph: FakeGraph) -> None:
    async def answer(_request: web.Request) -> web.StreamResponse:
        return web.json_response({"messaging_product": "whatsapp"})

    graph.answer = answer
    client = graph.provider()
    with pytest.raises(OutcomeUnknown):
        await client.send(CREDENTIALS, request())
    await client.aclose()


async def test_check_reads_the_phone_number_object(graph: FakeGraph) -> None:
    async def answer(request: web.Request) -> web.StreamResponse:
        return web.json_response({"id": "106540352242922", "verified_name": "Loja"})

    graph.answer = answer
    client = graph.provider()
    assert (await client.check(CREDENTIALS))["verified_name"] == "Loja"
    await client.aclose()
    assert graph.seen[0].method == "GET"
    assert graph.seen[0].url == f"{graph.url}/v23.0/106540352242922"


def typing_request() -> SendRequest:
    return request(content={"type": "typing"}, reply_to_external_id="wamid.CUSTOMER", origin="ai")


def test_a_typing_indicator_is_a_read_receipt_of_the_customers_message() -> None:
    assert message_body(typing_request()) == {
        "messaging_product": "whatsapp",
        "status": "read",
        "message_id": "wamid.CUSTOMER",
        "typing_indicator": {"type": "text"},
    }


def test_a_typing_indicator_must_name_the_message_it_answers() -> None:
    with pytest.raises(ValueError, match="reply_to_external_id"):
        request(content={"type": "typing"})


async def test_a_shown_typing_indicator_is_accepted_under_the_customers_message_id(
    graph: FakeGraph,
) -> None:
    async def answer(_request: web.Request) -> web.StreamResponse:
        return web.json_response({"success": True})

    graph.answer = answer
    client = graph.provider()
    result = await client.send(CREDENTIALS, typing_request())
    await client.aclose()

    assert result.external_message_id == "wamid.CUSTOMER"
    assert json.loads(graph.seen[0].body)["typing_indicator"] == {"type": "text"}


async def test_a_typing_indicator_is_never_retried_and_a_lost_answer_fails_it(
    graph: FakeGraph,
) -> None:
    async def throttled(_request: web.Request) -> web.StreamResponse:
        return web.json_response(
            {"error": {"message": "(#130429) Rate limit hit", "code": 130429}}, status=429
        )

    graph.answer = throttled
    client = graph.provider(timeout=0.3)
    with pytest.raises(ProviderError) as raised:
        await client.send(CREDENTIALS, typing_request())
    assert raised.value.action is ErrorAction.FAIL
    assert raised.value.code == "130429"

    async def silent(_request: web.Request) -> web.StreamResponse:
        await graph.released.wait()  # past the client's read timeout
        return web.Response()

    graph.answer = silent
    with pytest.raises(ProviderError) as lost:
        await client.send(CREDENTIALS, typing_request())
    await client.aclose()
    assert (lost.value.action, lost.value.code) == (ErrorAction.FAIL, "typing_not_shown")


async def test_a_typing_indicator_meta_did_not_confirm_fails(graph: FakeGraph) -> None:
    graph.answer = _accepted  # a message's answer, not {"success": true}
    client = graph.provider()
    with pytest.raises(ProviderError) as raised:
        await client.send(CREDENTIALS, typing_request())
    await client.aclose()
    assert raised.value.action is ErrorAction.FAIL
