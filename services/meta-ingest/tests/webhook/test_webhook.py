"""Meta's webhook, end to end on real Kafka, PostgreSQL and Redis."""

from __future__ import annotations

import json

import httpx
from fastapi import FastAPI

from mia_common.contracts.topics import dead_letter_topic
from mia_common.webhooks import HAS_MEDIA_HEADER
from mia_meta_ingest.config import MetaIngestSettings
from support import payloads
from support.accounts import register_account
from support.delivery import for_account, records_for, signed


async def test_verification_handshake_echoes_the_challenge(client: httpx.AsyncClient) -> None:
    ok = await client.get(
        "/webhooks/meta",
        params={
            "hub.mode": "subscribe",
            "hub.verify_token": "test-verify-token",
            "hub.challenge": "1158201444",
        },
    )
    assert ok.status_code == 200
    assert ok.text == "1158201444"
    wrong = await client.get(
        "/webhooks/meta",
        params={"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"},
    )
    assert wrong.status_code == 403
    assert wrong.headers["content-type"] == "application/problem+json"


async def test_verification_refuses_nul_with_422_and_a_non_ascii_token_with_403(
    client: httpx.AsyncClient,
) -> None:
    nul = await client.get(
        "/webhooks/meta",
        params={"hub.mode": "subscribe", "hub.verify_token": "a\x00b", "hub.challenge": "1"},
    )
    accented = await client.get(
        "/webhooks/meta",
        params={"hub.mode": "subscribe", "hub.verify_token": "sé", "hub.challenge": "1"},
    )
    assert nul.status_code == 422
    assert [error["loc"] for error in nul.json()["errors"]] == [["query", "hub.verify_token"]]
    assert accented.status_code == 403
    assert accented.json()["code"] == "verify_token_mismatch"


async def test_signed_text_message_becomes_one_inbound_event_even_when_meta_retries(
    client: httpx.AsyncClient, ingest_app: FastAPI, ingest_settings: MetaIngestSettings
) -> None:
    account = await register_account(ingest_app, ingest_settings)
    message = payloads.text_message("Olá, ainda tem o vestido azul?")
    raw = for_account(payloads.inbound(message, name="Ana"), account)

    first = await client.post(
        "/webhooks/meta", content=raw, headers=signed(raw, account.app_secret)
    )
    retry = await client.post(
        "/webhooks/meta", content=raw, headers=signed(raw, account.app_secret)
    )

    assert (first.status_code, retry.status_code) == (200, 200)
    found = await records_for(ingest_settings, ingest_settings.inbound_topic, message["id"], 1)
    assert len(found) == 1, "a retried delivery adds no second event"
    event = json.loads(found[0].value)
    assert event["tenantid"] == str(account.tenant_id)
    assert event["data"]["channel_account_id"] == str(account.id)
    assert event["data"]["from_address"] == f"+{payloads.WA_ID}"
    assert event["data"]["contact_name"] == "Ana"
    assert event["data"]["text"] == "Olá, ainda tem o vestido azul?"
    assert found[0].key == f"{account.tenant_id}:{account.id}:+{payloads.WA_ID}".encode()
    assert found[0].header(HAS_MEDIA_HEADER) == "0", "the media consumer skips it undecoded"


async def test_bad_or_missing_signature_is_refused_and_publishes_nothing(
    client: httpx.AsyncClient, ingest_app: FastAPI, ingest_settings: MetaIngestSettings
) -> None:
    account = await register_account(ingest_app, ingest_settings)
    message = payloads.text_message("forged")
    raw = for_account(payloads.inbound(message), account)
    forged = await client.post("/webhooks/meta", content=raw, headers=signed(raw, "not-the-secret"))
    missing = await client.post("/webhooks/meta", content=raw)
    assert (forged.status_code, missing.status_code) == (401, 401)
    assert forged.json()["code"] == "bad_signature"
    found = await records_for(ingest_settings, ingest_settings.inbound_topic, message["id"], 0)
    assert found == []


async def test_a_tenants_secret_cannot_sign_for_another_tenants_number(
    client: httpx.AsyncClient, ingest_app: FastAPI, ingest_settings: MetaIngestSettings
) -> None:
    tenant_a = await register_account(ingest_app, ingest_settings)
    tenant_b = await register_account(ingest_app, ingest_settings)
    message = payloads.text_message("impersonating B")
    raw = for_account(payloads.inbound(message), tenant_b)
    response = await client.post(
        "/webhooks/meta", content=raw, headers=signed(raw, tenant_a.app_secret)
    )
    assert response.status_code == 401
    assert await records_for(ingest_settings, ingest_settings.inbound_topic, message["id"], 0) == []


async def test_unknown_number_is_refused(client: httpx.AsyncClient) -> None:
    raw = json.dumps(payloads.inbound(payloads.text_message("hi"))).encode()
    response = await client.post("/webhooks/meta", content=raw, headers=signed(raw, "x"))
    assert response.status_code == 403
    assert response.json()["code"] == "unknown_account"


async def test_unparseable_delivery_gets_200_and_lands_raw_in_the_dlq_with_its_reason(
    client: httpx.AsyncClient, ingest_app: FastAPI, ingest_settings: MetaIngestSettings
) -> None:
    account = await register_account(ingest_app, ingest_settings)
    marker = f"broken-{account.id.hex[:8]}"
    raw = (
        b'{"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": '
        b'"messages", "value": {"metadata": {"phone_number_id": "'
        + account.phone_number_id.encode()
        + b'"}, "messages": [{"type": "text", "text": {"body": "'
        + marker.encode()
        + b'"}}]}}]}]}'
    )
    response = await client.post(
        "/webhooks/meta", content=raw, headers=signed(raw, account.app_secret)
    )
    assert response.status_code == 200
    dead = await records_for(
        ingest_settings, dead_letter_topic(ingest_settings.inbound_topic), marker, 1
    )
    assert dead[0].value == raw
    headers = {key: value.decode() for key, value in dead[0].headers}
    assert "unparseable delivery" in headers["x-dlq-reason"]


async def test_statuses_and_user_id_only_senders_are_published(
    client: httpx.AsyncClient, ingest_app: FastAPI, ingest_settings: MetaIngestSettings
) -> None:
    account = await register_account(ingest_app, ingest_settings)
    message = payloads.text_message("from a username", wa_id=None, user_id="BR.1234567890")
    failed = payloads.failed_status(message_id=f"wamid.{account.id.hex}")
    delivery = payloads.body(
        payloads.entry(
            payloads.messages_change(
                contacts=[payloads.contact(name="Bia", wa_id=None, user_id="BR.1234567890")],
                messages=[message],
            ),
            payloads.messages_change(statuses=[failed]),
        )
    )
    raw = for_account(delivery, account)
    response = await client.post(
        "/webhooks/meta", content=raw, headers=signed(raw, account.app_secret)
    )
    assert response.status_code == 200

    inbound = await records_for(ingest_settings, ingest_settings.inbound_topic, message["id"], 1)
    data = json.loads(inbound[0].value)["data"]
    assert data["from_address"] is None
    assert data["from_user_id"] == "BR.1234567890"
    statuses = await records_for(ingest_settings, ingest_settings.status_topic, failed["id"], 1)
    status = json.loads(statuses[0].value)["data"]
    assert status["status"] == "failed"
    assert status["error"]["code"] == "131047"
    assert status["error"]["permanent"] is True
    assert status["send_request_id"] == failed["biz_opaque_callback_data"]


async def test_template_decision_is_published_for_the_business_account(
    client: httpx.AsyncClient, ingest_app: FastAPI, ingest_settings: MetaIngestSettings
) -> None:
    account = await register_account(ingest_app, ingest_settings)
    delivery = payloads.body(
        payloads.entry(
            payloads.template_status_change("REJECTED", reason="INVALID_FORMAT"),
            waba_id=account.waba_id,
            time=1749416383,
        )
    )
    raw = json.dumps(delivery).encode()
    forged = await client.post("/webhooks/meta", content=raw, headers=signed(raw, "nope"))
    assert forged.status_code == 401
    response = await client.post(
        "/webhooks/meta", content=raw, headers=signed(raw, account.app_secret)
    )
    assert response.status_code == 200
    found = await records_for(ingest_settings, ingest_settings.templates_topic, str(account.id), 1)
    event = json.loads(found[0].value)
    assert event["tenantid"] == str(account.tenant_id)
    assert event["data"]["event"] == "REJECTED"
    assert event["data"]["reason"] == "INVALID_FORMAT"
    assert event["data"]["name"] == "order_confirmation"


async def test_unparseable_template_decision_is_still_checked_and_dead_lettered(
    client: httpx.AsyncClient, ingest_app: FastAPI, ingest_settings: MetaIngestSettings
) -> None:
    """A body naming no number is whose its WABA says, parsed or not."""
    account = await register_account(ingest_app, ingest_settings)
    change = payloads.template_status_change("APPROVED")
    del change["value"]["event"]
    raw = json.dumps(payloads.body(payloads.entry(change, waba_id=account.waba_id))).encode()

    forged = await client.post("/webhooks/meta", content=raw, headers=signed(raw, "nope"))
    response = await client.post(
        "/webhooks/meta", content=raw, headers=signed(raw, account.app_secret)
    )

    assert (forged.status_code, response.status_code) == (401, 200)
    dead = await records_for(
        ingest_settings, dead_letter_topic(ingest_settings.inbound_topic), account.waba_id, 1
    )
    assert [record.value for record in dead] == [raw], "once: the forged one was refused"
    assert "unparseable delivery" in (dead[0].header("x-dlq-reason") or "")
    assert (
        await records_for(ingest_settings, ingest_settings.templates_topic, str(account.id), 0)
        == []
    )
