"""Webhook delivery: signatures over the exact bytes, Meta-style retries, giving up."""

from __future__ import annotations

import hashlib
import hmac
import json

import httpx

from mia_meta_sandbox.testing import SandboxHandle, free_listener
from mia_meta_sandbox.webhooks import RetryPolicy, WebhookDispatcher, encode_body, sign
from support.constants import APP_SECRET, PHONE_NUMBER_ID, text_send
from support.receiver import WebhookReceiver


def test_signature_is_the_hmac_of_the_exact_bytes() -> None:
    raw = encode_body({"mime_type": "image/jpeg", "name": "João"})

    assert raw == b'{"mime_type":"image\\/jpeg","name":"Jo\\u00e3o"}'
    expected = hmac.new(b"secret", raw, hashlib.sha256).hexdigest()
    assert sign(raw, "secret") == f"sha256={expected}"
    # A receiver that re-serializes what it parsed signs different bytes.
    reserialized = json.dumps(json.loads(raw), separators=(",", ":")).encode()
    assert sign(reserialized, "secret") != sign(raw, "secret")


async def test_a_status_refused_once_is_retried_with_the_same_bytes(
    sandbox: SandboxHandle, graph: httpx.AsyncClient, receiver: WebhookReceiver
) -> None:
    receiver.fail_next(1, status=500)

    response = await graph.post(f"/{PHONE_NUMBER_ID}/messages", json=text_send())
    wamid = response.json()["messages"][0]["id"]
    await sandbox.client.wait_for_statuses(wamid)

    first, retried = receiver.received[0], receiver.received[1]
    assert (first.answered, retried.answered) == (500, 200)
    assert first.raw == retried.raw
    assert retried.signed_with(APP_SECRET)
    [sent_delivery] = [d for d in await sandbox.client.webhooks(wamid=wamid) if d.status == "sent"]
    assert sent_delivery.attempts == 2
    assert sent_delivery.last_status_code == 200
    assert [s["status"] for s in receiver.statuses(wamid)] == ["sent", "delivered", "read"]


async def test_deliveries_list_their_attempts_and_bodies(
    sandbox: SandboxHandle, graph: httpx.AsyncClient
) -> None:
    response = await graph.post(f"/{PHONE_NUMBER_ID}/messages", json=text_send())
    wamid = response.json()["messages"][0]["id"]
    await sandbox.client.wait_for_statuses(wamid)

    deliveries = await sandbox.client.webhooks(wamid=wamid, include_body=True)

    assert [d.status for d in deliveries] == ["sent", "delivered", "read"]
    assert all(d.state == "delivered" and d.attempts == 1 for d in deliveries)
    assert all(d.body is not None for d in deliveries)
    assert deliveries[0].body is not None
    assert deliveries[0].body["entry"][0]["changes"][0]["value"]["statuses"][0]["id"] == wamid


async def test_an_unreachable_receiver_is_given_up_after_the_retry_window() -> None:
    listener, url = free_listener()
    listener.close()  # nobody listens there any more
    dispatcher = WebhookDispatcher(
        RetryPolicy(first_backoff=0.05, max_backoff=0.1, give_up_after=0.4), timeout_seconds=1
    )
    await dispatcher.start()
    try:
        delivery = dispatcher.prepare(
            kind="message",
            phone_number_id=PHONE_NUMBER_ID,
            url=f"{url}/webhooks/meta",
            app_secret=APP_SECRET,
            payload={"object": "whatsapp_business_account", "entry": []},
        )

        accepted = await dispatcher.deliver(delivery)
    finally:
        await dispatcher.aclose()

    assert accepted is False
    assert delivery.state == "gave_up"
    assert delivery.attempts >= 3
    assert delivery.last_error is not None
    assert "Connect" in delivery.last_error


async def test_reset_cancels_statuses_still_scheduled(
    sandbox: SandboxHandle, graph: httpx.AsyncClient, receiver: WebhookReceiver
) -> None:
    receiver.fail_next(1000)
    await graph.post(f"/{PHONE_NUMBER_ID}/messages", json=text_send())
    await sandbox.client.wait_for(lambda: receiver.received, message="a first attempt")

    await sandbox.client.reset()
    receiver.clear()

    assert await sandbox.client.webhooks() == []
    assert sandbox.sandbox.dispatcher.in_flight == 0
