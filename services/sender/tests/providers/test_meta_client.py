"""The Meta client builds Meta's request body and reads its answers (no network: a mock
transport plays the Graph API)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

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


def provider(handler: Callable[[httpx.Request], httpx.Response]) -> MetaProvider:
    return MetaProvider(
        graph_url="https://graph.test",
        graph_version="v23.0",
        timeout=2.0,
        transport=httpx.MockTransport(handler),
    )


def accepted(wamid: str = "wamid.HBgLNTUxMTk5OTk5MDAwMBUCABEYEjQ2") -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "messaging_product": "whatsapp",
            "contacts": [{"input": "5511999990000", "wa_id": "5511999990000"}],
            "messages": [{"id": wamid}],
        },
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


async def test_send_posts_to_the_number_with_the_bearer_token() -> None:
    seen: list[httpx.Request] = []

    def graph(req: httpx.Request) -> httpx.Response:
        seen.append(req)
        return accepted("wamid.1")

    client = provider(graph)
    send = request()
    result = await client.send(CREDENTIALS, send)
    await client.aclose()

    assert result.external_message_id == "wamid.1"
    assert result.details == {"wa_id": "5511999990000"}
    assert str(seen[0].url) == "https://graph.test/v23.0/106540352242922/messages"
    assert seen[0].headers["Authorization"] == "Bearer EAAG-token-1"
    assert json.loads(seen[0].content)["biz_opaque_callback_data"] == str(send.request_id)


async def test_a_graph_error_becomes_a_provider_error_with_its_action() -> None:
    def graph(req: httpx.Request) -> httpx.Response:
        return httpx.Response(
            429,
            headers={"Retry-After": "3"},
            json={
                "error": {
                    "message": "(#130429) Rate limit hit",
                    "type": "OAuthException",
                    "code": 130429,
                    "error_data": {"messaging_product": "whatsapp", "details": "throughput"},
                    "fbtrace_id": "X",
                }
            },
        )

    client = provider(graph)
    with pytest.raises(ProviderError) as raised:
        await client.send(CREDENTIALS, request())
    await client.aclose()
    assert raised.value.action is ErrorAction.RETRY
    assert raised.value.code == "130429"
    assert raised.value.retry_after_seconds == 3.0


async def test_a_connection_that_never_opened_is_retried() -> None:
    def graph(req: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=req)

    client = provider(graph)
    with pytest.raises(ProviderError) as raised:
        await client.send(CREDENTIALS, request())
    await client.aclose()
    assert raised.value.action is ErrorAction.RETRY


@pytest.mark.parametrize(
    "failure",
    [
        lambda req: httpx.ReadTimeout("no answer", request=req),
        lambda req: httpx.RemoteProtocolError("peer closed", request=req),
    ],
)
async def test_an_answer_lost_after_the_request_left_is_unknown_not_retried(
    failure: Callable[[httpx.Request], Exception],
) -> None:
    def graph(req: httpx.Request) -> httpx.Response:
        raise failure(req)

    client = provider(graph)
    with pytest.raises(OutcomeUnknown):
        await client.send(CREDENTIALS, request())
    await client.aclose()


async def test_a_success_without_a_message_id_is_unknown() -> None:
    client = provider(lambda req: httpx.Response(200, json={"messaging_product": "whatsapp"}))
    with pytest.raises(OutcomeUnknown):
        await client.send(CREDENTIALS, request())
    await client.aclose()


async def test_check_reads_the_phone_number_object() -> None:
    def graph(req: httpx.Request) -> httpx.Response:
        assert req.method == "GET"
        assert str(req.url) == "https://graph.test/v23.0/106540352242922"
        return httpx.Response(200, json={"id": "106540352242922", "verified_name": "Loja"})

    client = provider(graph)
    assert (await client.check(CREDENTIALS))["verified_name"] == "Loja"
    await client.aclose()
