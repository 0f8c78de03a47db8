"""Deliveries for numbers or business accounts we do not know: Meta's are accepted and
dead-lettered (so Meta stops retrying them), forgeries are still refused."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest
from conftest import PLATFORM_APP_SECRET
from fastapi import FastAPI

from mia_common.contracts.topics import dead_letter_topic
from mia_common.errors import Forbidden
from mia_common.webhooks import WebhookEdge
from mia_meta_ingest.config import MetaIngestSettings
from mia_meta_ingest.context import MetaIngestContext
from mia_meta_ingest.webhook.events import SOURCE
from mia_meta_ingest.webhook.service import MetaWebhookService
from support import payloads
from support.accounts import delete_account, register_account
from support.delivery import records_for, signed


def _unknown_number() -> str:
    return str(uuid.uuid4().int)[:15]


def _delivery_for(phone_number_id: str, text: str) -> tuple[bytes, str]:
    """A customer's text to ``phone_number_id``, and its wamid."""
    message = payloads.text_message(text)
    change = payloads.messages_change(
        contacts=[payloads.contact()], messages=[message], phone_number_id=phone_number_id
    )
    return json.dumps(payloads.body(payloads.entry(change))).encode(), message["id"]


def _dlq(settings: MetaIngestSettings) -> str:
    return dead_letter_topic(settings.inbound_topic)


async def test_a_number_we_do_not_know_signed_by_a_known_app_is_accepted_and_dead_lettered(
    client: httpx.AsyncClient, ingest_app: FastAPI, ingest_settings: MetaIngestSettings
) -> None:
    """A number added to a business's Meta app but never connected here."""
    account = await register_account(ingest_app, ingest_settings)
    number = _unknown_number()
    raw, wamid = _delivery_for(number, "is anyone there?")

    response = await client.post(
        "/webhooks/meta", content=raw, headers=signed(raw, account.app_secret)
    )

    assert response.status_code == 200, "Meta must not retry it for days"
    dead = await records_for(ingest_settings, _dlq(ingest_settings), wamid, 1)
    assert len(dead) == 1
    assert dead[0].value == raw
    reason = dead[0].header("x-dlq-reason") or ""
    assert f"no channel account for phone number id {number}" in reason
    assert "signed by the app secret of another channel account" in reason
    assert await records_for(ingest_settings, ingest_settings.inbound_topic, wamid, 0) == []


async def test_a_number_signed_by_the_platforms_own_app_is_dead_lettered(
    client: httpx.AsyncClient, ingest_settings: MetaIngestSettings
) -> None:
    number = _unknown_number()
    raw, wamid = _delivery_for(number, "hello platform")

    response = await client.post(
        "/webhooks/meta", content=raw, headers=signed(raw, PLATFORM_APP_SECRET)
    )

    assert response.status_code == 200
    dead = await records_for(ingest_settings, _dlq(ingest_settings), wamid, 1)
    assert len(dead) == 1
    reason = dead[0].header("x-dlq-reason") or ""
    assert number in reason
    assert "the platform's app secret" in reason
    assert await records_for(ingest_settings, ingest_settings.inbound_topic, wamid, 0) == []


async def test_a_deleted_accounts_number_signed_with_its_old_secret_is_dead_lettered(
    client: httpx.AsyncClient, ingest_app: FastAPI, ingest_settings: MetaIngestSettings
) -> None:
    account = await register_account(ingest_app, ingest_settings)
    deletion = await delete_account(ingest_app, ingest_settings, account)
    context: MetaIngestContext = ingest_app.state.context
    assert context.accounts.get(account.id) is None
    raw, wamid = _delivery_for(account.phone_number_id, "are you still open?")

    forged = await client.post("/webhooks/meta", content=raw, headers=signed(raw, "a-guess"))
    response = await client.post(
        "/webhooks/meta", content=raw, headers=signed(raw, account.app_secret)
    )

    assert forged.status_code == 403
    assert response.status_code == 200
    dead = await records_for(ingest_settings, _dlq(ingest_settings), wamid, 1)
    assert len(dead) == 1, "once: the forged one was refused"
    reason = dead[0].header("x-dlq-reason") or ""
    assert f"no channel account for phone number id {account.phone_number_id}" in reason
    assert f"was channel account {account.id} of tenant {account.tenant_id}" in reason
    assert f"deleted {deletion.updated_at.isoformat()}" in reason
    assert f"signed by the app secret of deleted channel account {account.id}" in reason
    assert await records_for(ingest_settings, ingest_settings.inbound_topic, wamid, 0) == []


async def test_a_template_decision_for_a_business_account_we_do_not_know_is_dead_lettered(
    client: httpx.AsyncClient, ingest_app: FastAPI, ingest_settings: MetaIngestSettings
) -> None:
    account = await register_account(ingest_app, ingest_settings)
    waba_id = _unknown_number()
    raw = json.dumps(
        payloads.body(payloads.entry(payloads.template_status_change("APPROVED"), waba_id=waba_id))
    ).encode()

    response = await client.post(
        "/webhooks/meta", content=raw, headers=signed(raw, account.app_secret)
    )

    assert response.status_code == 200
    dead = await records_for(ingest_settings, _dlq(ingest_settings), waba_id, 1)
    assert len(dead) == 1
    reason = dead[0].header("x-dlq-reason") or ""
    assert f"no channel account for WhatsApp Business Account {waba_id}" in reason
    assert await records_for(ingest_settings, ingest_settings.templates_topic, waba_id, 0) == []


async def test_a_number_we_do_not_know_signed_by_a_secret_we_do_not_know_is_refused(
    client: httpx.AsyncClient, ingest_app: FastAPI, ingest_settings: MetaIngestSettings
) -> None:
    await register_account(ingest_app, ingest_settings)  # some secrets are known
    raw, wamid = _delivery_for(_unknown_number(), "forged")

    forged = await client.post("/webhooks/meta", content=raw, headers=signed(raw, "not-ours"))
    unsigned = await client.post(
        "/webhooks/meta", content=raw, headers={"Content-Type": "application/json"}
    )

    assert (forged.status_code, unsigned.status_code) == (403, 403)
    assert forged.headers["content-type"] == "application/problem+json"
    assert forged.json()["code"] == "unknown_account"
    assert await records_for(ingest_settings, _dlq(ingest_settings), wamid, 0) == []
    assert await records_for(ingest_settings, ingest_settings.inbound_topic, wamid, 0) == []


async def test_a_known_accounts_delivery_is_published_and_not_dead_lettered(
    client: httpx.AsyncClient, ingest_app: FastAPI, ingest_settings: MetaIngestSettings
) -> None:
    account = await register_account(ingest_app, ingest_settings)
    raw, wamid = _delivery_for(account.phone_number_id, "the usual")

    response = await client.post(
        "/webhooks/meta", content=raw, headers=signed(raw, account.app_secret)
    )

    assert response.status_code == 200
    assert len(await records_for(ingest_settings, ingest_settings.inbound_topic, wamid, 1)) == 1
    assert await records_for(ingest_settings, _dlq(ingest_settings), wamid, 0) == []


async def test_the_scan_of_every_secret_is_bounded_but_the_numbers_own_secrets_are_tried(
    ingest_app: FastAPI, ingest_settings: MetaIngestSettings
) -> None:
    """With no hashing budget left, only the secrets tied to what the delivery names (and
    the platform's) are tried: a forgery flood cannot make each request hash every one."""
    context: MetaIngestContext = ingest_app.state.context
    other = await register_account(ingest_app, ingest_settings)
    deleted = await register_account(ingest_app, ingest_settings)
    await delete_account(ingest_app, ingest_settings, deleted)
    service = MetaWebhookService(
        settings=ingest_settings.model_copy(update={"unknown_account_scan_bytes": 0}),
        edge=WebhookEdge(
            broker=context.infra.broker, source=SOURCE, dead_letter_source="meta-webhook"
        ),
        accounts=context.accounts,
    )
    elsewhere, _ = _delivery_for(_unknown_number(), "signed by another account's app")
    own, wamid = _delivery_for(deleted.phone_number_id, "signed by the number's old app")

    with pytest.raises(Forbidden) as refused:
        await service.receive(elsewhere, signature=signed(elsewhere, other.app_secret)[_SIG])
    accepted = await service.receive(own, signature=signed(own, deleted.app_secret)[_SIG])

    assert refused.value.extra["code"] == "unknown_account"
    assert accepted.dead_lettered
    assert len(await records_for(ingest_settings, _dlq(ingest_settings), wamid, 1)) == 1


_SIG = "X-Hub-Signature-256"
