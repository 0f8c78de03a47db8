"""Injected faults: Meta's refusals, asynchronous failures, timeouts and throughput."""

from __future__ import annotations

import asyncio
import random
import time

import httpx
import pytest

from mia_meta_ingest.webhook.payloads import WebhookBody
from mia_meta_sandbox.testing import SandboxHandle
from support.constants import CUSTOMER, GRAPH_VERSION, PHONE_NUMBER_ID, text_send
from support.receiver import WebhookReceiver


@pytest.mark.parametrize(
    ("code", "http_status", "graph_code", "title"),
    [
        ("130429", 429, 130429, "Rate limit hit"),
        ("131056", 400, 131056, "(Business Account, Consumer Account) pair rate limit hit"),
        ("131048", 400, 131048, "Spam rate limit hit"),
        (
            "131049",
            400,
            131049,
            "This message was not delivered to maintain healthy ecosystem engagement.",
        ),
        ("131026", 400, 131026, "Message Undeliverable"),
        ("131047", 400, 131047, "Re-engagement message"),
    ],
)
async def test_whatsapp_fault_answers_its_status_and_graph_error(
    sandbox: SandboxHandle,
    graph: httpx.AsyncClient,
    code: str,
    http_status: int,
    graph_code: int,
    title: str,
) -> None:
    await sandbox.client.add_fault(code)

    response = await graph.post(f"/{PHONE_NUMBER_ID}/messages", json=text_send())

    assert response.status_code == http_status
    error = response.json()["error"]
    assert error["code"] == graph_code
    assert error["message"] == f"(#{graph_code}) {title}"
    assert error["type"] == "OAuthException"
    assert error["error_data"]["messaging_product"] == "whatsapp"
    assert error["error_data"]["details"]
    assert error["fbtrace_id"]
    assert await sandbox.client.sent() == []
    stats = await sandbox.client.number_stats(PHONE_NUMBER_ID)
    assert (stats.accepted, stats.refused) == (0, {code: 1})


async def test_expired_token_fault_is_401_oauth_190(
    sandbox: SandboxHandle, graph: httpx.AsyncClient
) -> None:
    await sandbox.client.add_fault(190)

    response = await graph.post(f"/{PHONE_NUMBER_ID}/messages", json=text_send())

    assert response.status_code == 401
    error = response.json()["error"]
    assert (error["code"], error["error_subcode"], error["type"]) == (190, 463, "OAuthException")
    assert error["message"].startswith("Error validating access token: Session has expired")


async def test_outage_fault_is_http_500_transient_graph_error(
    sandbox: SandboxHandle, graph: httpx.AsyncClient
) -> None:
    await sandbox.client.add_fault(500)

    response = await graph.post(f"/{PHONE_NUMBER_ID}/messages", json=text_send())

    assert response.status_code == 500
    error = response.json()["error"]
    assert error["code"] == 2
    assert error["message"] == "Service temporarily unavailable"
    assert error["is_transient"] is True


async def test_rate_fault_refuses_the_share_its_seed_draws(
    sandbox: SandboxHandle, graph: httpx.AsyncClient
) -> None:
    await sandbox.client.add_fault("131056", rate=0.5, seed=7)
    dice = random.Random(7)
    expected_refusals = sum(dice.random() < 0.5 for _ in range(40))

    statuses = [
        (await graph.post(f"/{PHONE_NUMBER_ID}/messages", json=text_send())).status_code
        for _ in range(40)
    ]

    assert statuses.count(400) == expected_refusals
    assert 0 < expected_refusals < 40
    stats = await sandbox.client.number_stats(PHONE_NUMBER_ID)
    assert stats.accepted == 40 - expected_refusals
    assert stats.refused == {"131056": expected_refusals}


async def test_count_fault_fires_only_for_the_first_sends(
    sandbox: SandboxHandle, graph: httpx.AsyncClient
) -> None:
    fault_id = await sandbox.client.add_fault("130429", count=2)

    statuses = [
        (await graph.post(f"/{PHONE_NUMBER_ID}/messages", json=text_send())).status_code
        for _ in range(4)
    ]

    assert statuses == [429, 429, 200, 200]
    [fault] = await sandbox.client.faults()
    assert (fault.id, fault.fired) == (fault_id, 2)


async def test_recipient_fault_spares_other_recipients(
    sandbox: SandboxHandle, graph: httpx.AsyncClient
) -> None:
    await sandbox.client.add_fault("131026", recipient="+55 11 98765-4321")

    to_faulty = await graph.post(f"/{PHONE_NUMBER_ID}/messages", json=text_send(to=CUSTOMER))
    to_other = await graph.post(f"/{PHONE_NUMBER_ID}/messages", json=text_send(to="15551234567"))

    assert to_faulty.status_code == 400
    assert to_other.status_code == 200


async def test_number_fault_spares_other_numbers(
    sandbox: SandboxHandle, graph: httpx.AsyncClient
) -> None:
    await sandbox.client.register_number(
        phone_number_id="100000000000002", access_token="t2", app_secret="s2"
    )
    await sandbox.client.add_fault("131048", phone_number_id="100000000000002")

    default = await graph.post(f"/{PHONE_NUMBER_ID}/messages", json=text_send())
    other = await graph.post(
        "/100000000000002/messages", json=text_send(), headers={"Authorization": "Bearer t2"}
    )

    assert default.status_code == 200
    assert other.status_code == 400


async def test_async_fault_accepts_then_reports_a_failed_status(
    sandbox: SandboxHandle, graph: httpx.AsyncClient, receiver: WebhookReceiver
) -> None:
    await sandbox.client.add_fault("131026", mode="async")

    response = await graph.post(
        f"/{PHONE_NUMBER_ID}/messages", json=text_send(biz_opaque_callback_data="doomed")
    )

    assert response.status_code == 200
    wamid = response.json()["messages"][0]["id"]
    await sandbox.client.wait_for_statuses(wamid, ["failed"])
    [failed] = receiver.statuses(wamid)
    assert failed["status"] == "failed"
    assert failed["biz_opaque_callback_data"] == "doomed"
    [error] = failed["errors"]
    assert error["code"] == 131026
    assert error["title"] == "Message Undeliverable"
    assert error["error_data"]["details"]
    WebhookBody.model_validate_json(receiver.accepted()[0].raw)
    [sent] = await sandbox.client.sent()
    assert (sent.status, sent.failure_code) == ("failed", 131026)


async def test_timeout_fault_holds_the_request_past_the_client_deadline(
    sandbox: SandboxHandle,
) -> None:
    await sandbox.client.add_fault("timeout", hold_seconds=0.5)

    async with httpx.AsyncClient(
        base_url=f"{sandbox.url}/{GRAPH_VERSION}",
        headers={"Authorization": "Bearer sandbox-access-token"},
        timeout=0.1,
    ) as impatient:
        with pytest.raises(httpx.ReadTimeout):
            await impatient.post(f"/{PHONE_NUMBER_ID}/messages", json=text_send())

    async def refused_after_the_hold() -> bool:
        stats = await sandbox.client.number_stats(PHONE_NUMBER_ID)
        return stats.refused.get("timeout") == 1 and stats.accepted == 0

    await sandbox.client.wait_for(refused_after_the_hold, message="the held send refused")


async def test_timeout_fault_answers_503_after_the_hold(
    sandbox: SandboxHandle, graph: httpx.AsyncClient
) -> None:
    await sandbox.client.add_fault("timeout", hold_seconds=0.3)

    started = time.monotonic()
    response = await graph.post(f"/{PHONE_NUMBER_ID}/messages", json=text_send())

    assert time.monotonic() - started >= 0.3
    assert response.status_code == 503
    assert response.json()["error"]["code"] == 2


async def test_timeout_fault_can_accept_after_the_hold(
    sandbox: SandboxHandle, graph: httpx.AsyncClient
) -> None:
    await sandbox.client.add_fault("timeout", hold_seconds=0.2, accept_after_hold=True)

    response = await graph.post(f"/{PHONE_NUMBER_ID}/messages", json=text_send())

    assert response.status_code == 200
    assert len(await sandbox.client.sent()) == 1


async def test_faults_can_be_removed_one_by_one_or_all(
    sandbox: SandboxHandle, graph: httpx.AsyncClient
) -> None:
    first = await sandbox.client.add_fault("131048")
    await sandbox.client.add_fault("131049", recipient="15550000000")

    await sandbox.client.remove_fault(first)
    assert [f.code for f in await sandbox.client.faults()] == ["131049"]
    await sandbox.client.clear_faults()

    assert await sandbox.client.faults() == []
    response = await graph.post(f"/{PHONE_NUMBER_ID}/messages", json=text_send())
    assert response.status_code == 200


@pytest.mark.parametrize(
    "fault",
    [
        {"code": "999999"},
        {"code": "timeout"},
        {"code": "130429", "mode": "async"},
        {"code": "131026", "rate": 1.5},
    ],
)
async def test_impossible_faults_are_refused(
    sandbox: SandboxHandle, fault: dict[str, object]
) -> None:
    async with httpx.AsyncClient(base_url=sandbox.url) as http:
        response = await http.post("/sandbox/faults", json=fault)

    assert response.status_code == 422


async def test_throughput_limit_refuses_sends_beyond_it_within_a_second(
    sandbox: SandboxHandle,
) -> None:
    await sandbox.client.register_number(
        phone_number_id="100000000000005",
        access_token="t5",
        app_secret="s5",
        throughput_per_second=5,
    )
    async with httpx.AsyncClient(
        base_url=f"{sandbox.url}/{GRAPH_VERSION}", headers={"Authorization": "Bearer t5"}
    ) as http:
        responses = await asyncio.gather(
            *(http.post("/100000000000005/messages", json=text_send()) for _ in range(8))
        )

    codes = sorted(r.status_code for r in responses)
    assert codes == [200] * 5 + [429] * 3
    refused = next(r for r in responses if r.status_code == 429)
    assert refused.json()["error"]["code"] == 130429
    stats = await sandbox.client.number_stats("100000000000005")
    assert (stats.accepted, stats.refused, stats.max_per_second) == (5, {"130429": 3}, 5)
