"""Sends through the Graph API: the answer, the statuses that follow, and refusals."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from mia_meta_ingest.webhook.payloads import MessagesChange, WebhookBody
from mia_meta_sandbox.config import SandboxSettings
from mia_meta_sandbox.testing import SandboxHandle, running_sandbox
from support.constants import (
    ACCESS_TOKEN,
    APP_SECRET,
    CUSTOMER,
    CUSTOMER_WA_ID,
    GRAPH_VERSION,
    PHONE_NUMBER_ID,
    WABA_ID,
    text_send,
)
from support.receiver import WebhookReceiver, running_receiver


async def test_send_answers_a_wamid_and_records_the_send(
    sandbox: SandboxHandle, graph: httpx.AsyncClient
) -> None:
    response = await graph.post(
        f"/{PHONE_NUMBER_ID}/messages", json=text_send(biz_opaque_callback_data="send-1")
    )

    assert response.status_code == 200
    answer = response.json()
    assert answer["messaging_product"] == "whatsapp"
    assert answer["contacts"] == [{"input": CUSTOMER, "wa_id": CUSTOMER_WA_ID}]
    wamid = answer["messages"][0]["id"]
    assert wamid.startswith("wamid.")
    [sent] = await sandbox.client.sent(phone_number_id=PHONE_NUMBER_ID)
    assert sent.wamid == wamid
    assert sent.to == CUSTOMER
    assert sent.type == "text"
    assert sent.body["text"] == {"body": "Olá!"}
    assert sent.biz_opaque_callback_data == "send-1"


async def test_wamids_are_unique_across_many_concurrent_sends(
    sandbox: SandboxHandle, graph: httpx.AsyncClient
) -> None:
    responses = await asyncio.gather(
        *(graph.post(f"/{PHONE_NUMBER_ID}/messages", json=text_send()) for _ in range(50))
    )

    wamids = {r.json()["messages"][0]["id"] for r in responses}
    assert len(wamids) == 50
    assert (await sandbox.client.number_stats(PHONE_NUMBER_ID)).accepted == 50


async def test_statuses_sent_delivered_read_arrive_signed_in_order_echoing_callback_data(
    sandbox: SandboxHandle, graph: httpx.AsyncClient, receiver: WebhookReceiver
) -> None:
    response = await graph.post(
        f"/{PHONE_NUMBER_ID}/messages", json=text_send(biz_opaque_callback_data="cb-42")
    )
    wamid = response.json()["messages"][0]["id"]

    await sandbox.client.wait_for(
        lambda: len(receiver.statuses(wamid)) == 3, message="three statuses"
    )

    statuses = receiver.statuses(wamid)
    assert [s["status"] for s in statuses] == ["sent", "delivered", "read"]
    assert all(s["biz_opaque_callback_data"] == "cb-42" for s in statuses)
    assert all(s["recipient_id"] == CUSTOMER_WA_ID for s in statuses)
    assert all(r.signed_with(APP_SECRET) for r in receiver.accepted())
    sent, delivered, read = statuses
    assert sent["conversation"]["id"] == delivered["conversation"]["id"]
    assert "expiration_timestamp" in sent["conversation"]
    assert sent["pricing"]["pricing_model"] == "PMP"
    assert delivered["pricing"]["category"] == "service"
    assert "pricing" not in read
    assert "conversation" not in read
    for delivery in receiver.accepted():
        body = WebhookBody.model_validate_json(delivery.raw)
        assert body.entry[0].id == WABA_ID
        change = body.entry[0].changes[0]
        assert isinstance(change, MessagesChange)
        assert change.value.metadata.phone_number_id == PHONE_NUMBER_ID


async def test_template_sends_are_accepted_and_priced_as_utility(
    graph: httpx.AsyncClient, sandbox: SandboxHandle, receiver: WebhookReceiver
) -> None:
    send = {
        "messaging_product": "whatsapp",
        "to": CUSTOMER,
        "type": "template",
        "template": {"name": "order_update", "language": {"code": "pt_BR"}, "components": []},
    }

    response = await graph.post(f"/{PHONE_NUMBER_ID}/messages", json=send)

    assert response.status_code == 200
    message = response.json()["messages"][0]
    assert message["message_status"] == "accepted"
    await sandbox.client.wait_for_statuses(message["id"], ["sent"])
    [sent] = [s for s in receiver.statuses(message["id"]) if s["status"] == "sent"]
    assert sent["pricing"] == {
        "billable": True,
        "pricing_model": "PMP",
        "category": "utility",
        "type": "regular",
    }


async def test_send_to_a_bsuid_reports_the_user_id_and_no_phone_number(
    sandbox: SandboxHandle, graph: httpx.AsyncClient, receiver: WebhookReceiver
) -> None:
    send = {
        "messaging_product": "whatsapp",
        "recipient": "BR.1502576394655843",
        "type": "text",
        "text": {"body": "Oi"},
    }

    response = await graph.post(f"/{PHONE_NUMBER_ID}/messages", json=send)

    assert response.status_code == 200
    answer = response.json()
    assert answer["contacts"] == [
        {"input": "BR.1502576394655843", "user_id": "BR.1502576394655843"}
    ]
    wamid = answer["messages"][0]["id"]
    await sandbox.client.wait_for_statuses(wamid, ["sent"])
    [sent] = receiver.statuses(wamid)[:1]
    assert sent["recipient_user_id"] == "BR.1502576394655843"
    assert "recipient_id" not in sent


async def test_a_customer_who_wrote_with_both_ids_is_known_by_either(
    sandbox: SandboxHandle, graph: httpx.AsyncClient, receiver: WebhookReceiver
) -> None:
    await sandbox.client.customer_message(
        from_=CUSTOMER, user_id="BR.777", text="oi", await_delivery=True
    )

    response = await graph.post(
        f"/{PHONE_NUMBER_ID}/messages",
        json={"messaging_product": "whatsapp", "recipient": "BR.777", "text": {"body": "Oi"}},
    )

    wamid = response.json()["messages"][0]["id"]
    await sandbox.client.wait_for_statuses(wamid, ["sent"])
    sent = receiver.statuses(wamid)[0]
    assert sent["recipient_id"] == CUSTOMER_WA_ID
    assert sent["recipient_user_id"] == "BR.777"


async def test_wrong_token_is_refused_with_oauth_error_190(sandbox: SandboxHandle) -> None:
    async with httpx.AsyncClient(base_url=f"{sandbox.url}/{GRAPH_VERSION}") as http:
        response = await http.post(
            f"/{PHONE_NUMBER_ID}/messages",
            json=text_send(),
            headers={"Authorization": "Bearer not-the-token"},
        )

    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == 190
    assert error["type"] == "OAuthException"
    assert error["fbtrace_id"]
    assert await sandbox.client.sent() == []


async def test_unknown_number_is_graph_error_100(graph: httpx.AsyncClient) -> None:
    response = await graph.post("/999999999999999/messages", json=text_send())

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == 100
    assert error["error_subcode"] == 33


async def test_a_path_without_a_graph_version_is_unknown(sandbox: SandboxHandle) -> None:
    async with httpx.AsyncClient(base_url=sandbox.url) as http:
        response = await http.post(f"/latest/{PHONE_NUMBER_ID}/messages", json=text_send())

    assert response.status_code == 400
    assert response.json()["error"]["code"] == 2500


def _send(**fields: Any) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "to": CUSTOMER, **fields}


@pytest.mark.parametrize(
    ("body", "details"),
    [
        ({"to": CUSTOMER, "type": "text", "text": {"body": "x"}}, "messaging_product"),
        (_send(to="not a phone", type="text", text={"body": "x"}), "'to'"),
        (_send(to=None, type="text", text={"body": "x"}), "to"),
        (
            {"messaging_product": "whatsapp", "recipient": "bob", "text": {"body": "x"}},
            "recipient",
        ),
        (_send(type="carousel"), "type must be one of"),
        (_send(type="text", text={}), "text['body']"),
        (_send(type="text"), "text"),
        (_send(type="template", template={"language": {"code": "en"}}), "template['name']"),
        (_send(type="template", template={"name": "hello"}), "template['language']"),
        (_send(type="image", image={}), "exactly one of 'id' or 'link'"),
        (_send(type="image", image={"link": "ftp://x"}), "http(s)"),
        (_send(type="image", image={"id": "404404404"}), "is not a media id"),
        (_send(type="audio", audio={"link": "https://x/a.ogg", "caption": "no"}), "caption"),
        (_send(type="interactive", interactive={"type": "button"}), "interactive['action']"),
        (_send(type="reaction", reaction={"emoji": "x"}), "reaction['message_id']"),
        (_send(type="location", location={"latitude": 1}), "location['longitude']"),
        (_send(type="text", text={"body": "x"}, biz_opaque_callback_data="x" * 513), "512"),
    ],
)
async def test_invalid_sends_are_graph_error_100_with_details(
    graph: httpx.AsyncClient, sandbox: SandboxHandle, body: dict[str, Any], details: str
) -> None:
    response = await graph.post(
        f"/{PHONE_NUMBER_ID}/messages", json={k: v for k, v in body.items() if v is not None}
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == 100
    assert error["message"] == "(#100) Invalid parameter"
    assert details in error["error_data"]["details"]
    assert error["error_data"]["messaging_product"] == "whatsapp"
    stats = await sandbox.client.number_stats(PHONE_NUMBER_ID)
    assert stats.accepted == 0
    assert stats.refused == {"100": 1}


@pytest.mark.parametrize(
    "typed",
    [
        {"type": "image", "image": {"link": "https://example.com/a.jpg", "caption": "hi"}},
        {"type": "document", "document": {"link": "https://example.com/a.pdf"}},
        {"type": "sticker", "sticker": {"link": "https://example.com/a.webp"}},
        {"type": "video", "video": {"link": "https://example.com/a.mp4"}},
        {"type": "audio", "audio": {"link": "https://example.com/a.ogg"}},
        {
            "type": "interactive",
            "interactive": {
                "type": "button",
                "body": {"text": "Pick one"},
                "action": {"buttons": [{"type": "reply", "reply": {"id": "a", "title": "A"}}]},
            },
        },
        {"type": "reaction", "reaction": {"message_id": "wamid.X", "emoji": ""}},
        {"type": "location", "location": {"latitude": -23.56, "longitude": -46.65}},
    ],
)
async def test_every_message_type_is_accepted_when_well_formed(
    graph: httpx.AsyncClient, typed: dict[str, Any]
) -> None:
    response = await graph.post(f"/{PHONE_NUMBER_ID}/messages", json=_send(**typed))

    assert response.status_code == 200, response.text


async def test_marking_a_message_read_answers_success(
    graph: httpx.AsyncClient, sandbox: SandboxHandle
) -> None:
    response = await graph.post(
        f"/{PHONE_NUMBER_ID}/messages",
        json={
            "messaging_product": "whatsapp",
            "status": "read",
            "message_id": "wamid.INBOUND",
            "typing_indicator": {"type": "text"},
        },
    )

    assert response.status_code == 200
    assert response.json() == {"success": True}
    [receipt] = await sandbox.client.read_receipts(phone_number_id=PHONE_NUMBER_ID)
    assert (receipt.message_id, receipt.typing) == ("wamid.INBOUND", True)
    assert await sandbox.client.sent() == []


async def test_a_plain_read_receipt_shows_no_typing_and_a_bad_indicator_is_refused(
    graph: httpx.AsyncClient, sandbox: SandboxHandle
) -> None:
    read = {"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.PLAIN"}
    assert (await graph.post(f"/{PHONE_NUMBER_ID}/messages", json=read)).status_code == 200
    refused = await graph.post(
        f"/{PHONE_NUMBER_ID}/messages",
        json={**read, "message_id": "wamid.BAD", "typing_indicator": {"type": "audio"}},
    )

    assert refused.status_code == 400
    assert "typing_indicator" in refused.json()["error"]["error_data"]["details"]
    receipts = await sandbox.client.read_receipts()
    assert [(r.message_id, r.typing) for r in receipts] == [("wamid.PLAIN", False)]


async def test_a_fault_aimed_at_read_receipts_refuses_one_and_leaves_sends_alone(
    graph: httpx.AsyncClient, sandbox: SandboxHandle
) -> None:
    await sandbox.client.add_fault(
        "130429", phone_number_id=PHONE_NUMBER_ID, applies_to="read_receipts", count=1
    )
    read = {"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.R"}

    throttled = await graph.post(f"/{PHONE_NUMBER_ID}/messages", json=read)
    sent = await graph.post(
        f"/{PHONE_NUMBER_ID}/messages", json=_send(type="text", text={"body": "oi"})
    )
    fine = await graph.post(f"/{PHONE_NUMBER_ID}/messages", json=read)

    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == 130429
    assert (sent.status_code, fine.status_code) == (200, 200)
    assert len(await sandbox.client.read_receipts()) == 1


async def test_the_read_status_can_be_switched_off() -> None:
    async with running_receiver() as receiver:
        settings = SandboxSettings(
            webhook_url=receiver.url, status_delays="0.01,0.02,", verify_webhook_on_start=False
        )
        async with running_sandbox(settings) as own:
            async with httpx.AsyncClient(base_url=f"{own.url}/{GRAPH_VERSION}") as http:
                response = await http.post(
                    f"/{PHONE_NUMBER_ID}/messages",
                    json=text_send(),
                    headers={"Authorization": f"Bearer {ACCESS_TOKEN}"},
                )
            wamid = response.json()["messages"][0]["id"]
            await own.client.wait_for_statuses(wamid, ["sent", "delivered"])
            [sent] = await own.client.sent()

            assert [s["status"] for s in receiver.statuses(wamid)] == ["sent", "delivered"]
            assert sent.status == "delivered"


async def test_a_registered_number_uses_its_own_token_secret_and_webhook(
    sandbox: SandboxHandle,
) -> None:
    async with running_receiver() as own_receiver:
        await sandbox.client.register_number(
            phone_number_id="100000000000077",
            access_token="token-77",
            app_secret="secret-77",
            waba_id="200000000000077",
            webhook_url=own_receiver.url,
        )
        async with httpx.AsyncClient(base_url=f"{sandbox.url}/{GRAPH_VERSION}") as http:
            refused = await http.post(
                "/100000000000077/messages",
                json=text_send(),
                headers={"Authorization": "Bearer sandbox-access-token"},
            )
            accepted = await http.post(
                "/100000000000077/messages",
                json=text_send(),
                headers={"Authorization": "Bearer token-77"},
            )
            info = await http.get("/100000000000077", headers={"Authorization": "Bearer token-77"})

        assert refused.status_code == 401
        assert accepted.status_code == 200
        assert info.json()["id"] == "100000000000077"
        wamid = accepted.json()["messages"][0]["id"]
        await sandbox.client.wait_for_statuses(wamid, ["sent"])
        first = own_receiver.accepted()[0]
        assert first.signed_with("secret-77")
        assert not first.signed_with(APP_SECRET)
        assert first.body["entry"][0]["id"] == "200000000000077"
