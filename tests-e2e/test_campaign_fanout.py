"""A campaign's fan-out, counted where it lands: at Meta (the sandbox).

The crm holds the contacts (imported as a person imports a CSV, with their WhatsApp
consent); campaigns freezes the audience from the crm's member stream and fans it out
through the sender to the sandbox, each as its own process. What Meta received is the
proof: a pause stops sends once the window already requested drained, and neither a
killed campaigns nor a killed sender (SIGKILL, mid fan-out) loses or repeats anyone.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from mia_common.identity import Role
from mia_common.settings import PlatformSettings
from mia_common.testing import wait_until
from mia_meta_sandbox.client import SandboxClient
from support.channels import SandboxNumber, connect_sandbox_number
from support.stack import Stack, messaging_stack

SERVICES = ("meta-sandbox", "meta-ingest", "sender", "crm", "campaigns")
ENV = {
    # A killed sender's account lease is taken over quickly.
    "MIA_SENDER_LEASE_SECONDS": "3",
    # Long enough for the sandbox's 'sent' status to reconcile a send in flight at the kill.
    "MIA_SENDER_RECONCILE_WINDOW_SECONDS": "20",
    # Only 'sent' (what reconciles a send in flight at a kill): half the webhook traffic of
    # a delivered tick too, on a machine the fan-out keeps busy.
    "MIA_SANDBOX_STATUS_DELAYS": "0.1,,",
}
THROUGHPUT = 300
"""The number's sends per second at the sender: the fan-out's pace."""
WINDOW = 250
"""Every campaign's in-flight limit: the fan-out is bound by window ÷ round trip (an
outcome comes back through the sender), so a wide window keeps the module short."""
MESSAGE = {
    "type": "template",
    "name": "order_update",
    "language": "pt_BR",
    "body": "Temos novidades para você.",
}
FINISHED = {"accepted", "delivered", "read"}


@pytest.fixture(scope="module")
async def stack(platform_settings: PlatformSettings) -> AsyncIterator[Stack]:
    async with messaging_stack(platform_settings, SERVICES, ENV) as running:
        yield running


@pytest.fixture(scope="module")
async def sandbox(stack: Stack) -> AsyncIterator[SandboxClient]:
    client = SandboxClient(stack["meta-sandbox"].url)
    yield client
    await client.aclose()


@dataclass
class Tenant:
    """One company: its contacts in the crm, a sandbox number, and its managers' APIs."""

    id: uuid.UUID
    number: SandboxNumber
    phones: list[str]
    crm: httpx.AsyncClient
    campaigns: httpx.AsyncClient

    async def aclose(self) -> None:
        await self.crm.aclose()
        await self.campaigns.aclose()


def _client(stack: Stack, service: str, tenant_id: uuid.UUID) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=stack[service].url,
        headers=stack.identity_headers(tenant_id, Role.manager),
        timeout=60,
        trust_env=False,
    )


async def _import_contacts(crm: httpx.AsyncClient, phones: list[str]) -> None:
    """A CSV import, as the dashboard runs it, that records every contact's WhatsApp
    consent (the tenant requires consent for marketing by default)."""
    rows = "".join(f"Pessoa {i},{phone}\n" for i, phone in enumerate(phones))
    uploaded = await crm.post(
        "/api/v1/imports",
        content=("name,phone\n" + rows).encode(),
        headers={"Content-Type": "text/csv"},
        params={"filename": "audience.csv"},
    )
    assert uploaded.status_code == 201, uploaded.text
    analysis = uploaded.json()
    mapping = [
        {"column": column["index"], "field": column["suggested"]}
        for column in analysis["columns"]
        if column["suggested"]
    ]
    assert sorted(m["field"] for m in mapping) == ["name", "phone"], analysis["columns"]
    started = await crm.post(
        f"/api/v1/imports/{analysis['id']}/start",
        json={"mapping": mapping, "consent": {"channel": "whatsapp", "status": "opted_in"}},
    )
    assert started.status_code == 202, started.text
    job_id = started.json()["job_id"]

    async def finished() -> dict[str, Any] | None:
        job = (await crm.get(f"/api/v1/jobs/{job_id}")).json()
        return job if job["status"] in ("succeeded", "failed", "cancelled") else None

    job = await wait_until(finished, timeout=120, interval=0.3, message="the contacts' import")
    assert job["status"] == "succeeded", job
    report = (await crm.get(f"/api/v1/imports/{analysis['id']}")).json()
    assert report["counts"]["created"] == len(phones), report


async def _tenant(stack: Stack, sandbox: SandboxClient, contacts: int, tag: int) -> Tenant:
    tenant_id = uuid.uuid4()
    number = await connect_sandbox_number(
        stack, sandbox, tenant_id, throughput_per_second=THROUGHPUT
    )
    phones = [f"+551198{tag}{i:06d}" for i in range(contacts)]
    crm = _client(stack, "crm", tenant_id)
    await _import_contacts(crm, phones)
    return Tenant(tenant_id, number, phones, crm, _client(stack, "campaigns", tenant_id))


async def _launch(
    tenant: Tenant, audience: dict[str, Any], number: SandboxNumber | None = None
) -> str:
    number = number or tenant.number
    created = await tenant.campaigns.post(
        "/api/v1/campaigns",
        json={
            "name": f"e2e {uuid.uuid4().hex[:6]}",
            "channel": "whatsapp_cloud",
            "channel_account_id": str(number.account_id),
            "message": MESSAGE,
            "audience": audience,
            "in_flight_limit": WINDOW,
        },
    )
    assert created.status_code == 201, created.text
    campaign_id: str = created.json()["id"]
    launched = await tenant.campaigns.post(f"/api/v1/campaigns/{campaign_id}/launch")
    assert launched.status_code == 200, launched.text
    assert launched.json()["excluded"] == {}, launched.json()
    return campaign_id


EVERYONE: dict[str, Any] = {"kind": "filter", "filter": {"all": []}}


async def _campaign(tenant: Tenant, campaign_id: str) -> dict[str, Any]:
    answer = await tenant.campaigns.get(f"/api/v1/campaigns/{campaign_id}")
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def _at_meta(sandbox: SandboxClient, number: SandboxNumber) -> int:
    accepted: int = (await sandbox.number_stats(number.phone_number_id)).accepted
    return accepted


async def _until_at_meta(
    sandbox: SandboxClient, number: SandboxNumber, count: int, seconds: float = 60
) -> int:
    async def reached() -> int | None:
        accepted = await _at_meta(sandbox, number)
        return accepted if accepted >= count else None

    accepted: int = await wait_until(
        reached, timeout=seconds, interval=0.1, message=f"{count} at Meta"
    )
    return accepted


async def _until_completed(tenant: Tenant, campaign_id: str, seconds: float) -> dict[str, Any]:
    last: dict[str, Any] = {}

    async def completed() -> dict[str, Any] | None:
        last.update(await _campaign(tenant, campaign_id))
        return last if last["status"] == "completed" else None

    try:
        return await wait_until(completed, timeout=seconds, interval=0.5)
    except AssertionError:
        raise AssertionError(
            f"campaign {campaign_id} not completed in {seconds} s: {last.get('status')},"
            f" {last.get('status_reason')}, counts {last.get('counts')},"
            f" failures {last.get('failures')}"
        ) from None


async def _assert_each_got_exactly_one(
    sandbox: SandboxClient, tenant: Tenant, campaign_id: str
) -> None:
    done = await _until_completed(tenant, campaign_id, 120)
    sent = await sandbox.sent(phone_number_id=tenant.number.phone_number_id)
    per_phone = Counter("+" + (m.to or "").lstrip("+") for m in sent)
    twice = sorted(phone for phone, count in per_phone.items() if count > 1)
    assert not twice, f"{len(twice)} numbers got the campaign twice, e.g. {twice[:5]}"
    missing = set(tenant.phones) - set(per_phone)
    assert not missing, f"{len(missing)} numbers never got it, e.g. {sorted(missing)[:5]}"
    assert set(per_phone) == set(tenant.phones)
    stats = await sandbox.number_stats(tenant.number.phone_number_id)
    assert stats.accepted == len(tenant.phones)
    assert stats.duplicate_callback_sends == 0
    assert set(done["counts"]) <= FINISHED, done["counts"]
    assert sum(done["counts"].values()) == len(tenant.phones)


@pytest.mark.timeout(420)  # with the stack's start, on a busy machine
async def test_a_pause_lets_only_the_window_in_flight_drain_and_resume_sends_the_rest_once(
    stack: Stack, sandbox: SandboxClient
) -> None:
    tenant = await _tenant(stack, sandbox, 5_000, tag=1)
    campaign_id = await _launch(tenant, EVERYONE)
    await _until_at_meta(sandbox, tenant.number, 1_000)

    paused = await tenant.campaigns.post(f"/api/v1/campaigns/{campaign_id}/pause")
    at_pause = await _at_meta(sandbox, tenant.number)

    async def drained() -> dict[str, Any] | None:
        campaign = await _campaign(tenant, campaign_id)
        return campaign if campaign["counts"].get("requested", 0) == 0 else None

    await wait_until(drained, timeout=60, message="the window in flight drained")
    after_drain = await _at_meta(sandbox, tenant.number)
    # A clock for "nothing more arrives": while the first stays paused, a small campaign of
    # the same company on a second number runs to its end, so the fan-out went round many
    # times meanwhile and could have sent the paused one's queue.
    clock_number = await connect_sandbox_number(
        stack, sandbox, tenant.id, throughput_per_second=THROUGHPUT
    )
    first = (await tenant.crm.get("/api/v1/contacts", params={"limit": 30})).json()["items"]
    clock = await _launch(
        tenant, {"kind": "contacts", "contact_ids": [c["id"] for c in first]}, clock_number
    )
    await _until_completed(tenant, clock, 60)
    await _until_at_meta(sandbox, clock_number, 30)
    still = await _campaign(tenant, campaign_id)
    after_clock = await _at_meta(sandbox, tenant.number)

    assert paused.status_code == 200, paused.text
    assert paused.json()["status"] == "paused"
    assert at_pause < 5_000, "the campaign was over before the pause: nothing was tested"
    assert after_drain - at_pause <= WINDOW, (at_pause, after_drain)
    assert after_clock == after_drain, "a send reached Meta after the window drained"
    assert still["status"] == "paused"
    assert sum(still["counts"].get(s, 0) for s in FINISHED) == after_drain
    assert still["counts"]["queued"] == 5_000 - after_drain

    # Another company's manager neither sees nor steers it.
    other = _client(stack, "campaigns", uuid.uuid4())
    assert (await other.get(f"/api/v1/campaigns/{campaign_id}")).status_code == 404
    assert (await other.post(f"/api/v1/campaigns/{campaign_id}/resume")).status_code == 404
    await other.aclose()

    resumed = await tenant.campaigns.post(f"/api/v1/campaigns/{campaign_id}/resume")
    assert resumed.status_code == 200, resumed.text
    assert resumed.json()["status"] == "running"
    await _assert_each_got_exactly_one(sandbox, tenant, campaign_id)
    await tenant.aclose()


@pytest.mark.timeout(240)
@pytest.mark.parametrize("service", ["campaigns", "sender"])
async def test_a_service_killed_mid_fan_out_leaves_every_recipient_exactly_one_message(
    stack: Stack, sandbox: SandboxClient, service: str
) -> None:
    tenant = await _tenant(stack, sandbox, 1_500, tag={"campaigns": 2, "sender": 3}[service])
    campaign_id = await _launch(tenant, EVERYONE)
    await _until_at_meta(sandbox, tenant.number, 400)

    await stack[service].kill()
    at_kill = await _at_meta(sandbox, tenant.number)
    await stack[service].start()

    assert at_kill < 1_500, "the campaign was over before the kill: nothing was tested"
    await _assert_each_got_exactly_one(sandbox, tenant, campaign_id)
    await tenant.aclose()
