"""A campaign's page in headless Chromium, live: launched from the page, its counts move as
the sends land at Meta (the sandbox), Pause holds it, Resume finishes it, each person once.

On the session's shared stack (campaigns, the sender and the sandbox behind the gateway),
in a company of the module's own: a sandbox number, and contacts imported with their
WhatsApp consent as a person imports a CSV. The campaign is paced (a rate cap) so there is
time to pause it mid-way. Every wait is on a condition with a deadline (Playwright's
``expect``, ``wait_until``); what reached Meta is counted at the sandbox.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from mia_common.testing import wait_until
from mia_meta_sandbox.client import SandboxClient
from support.browser import (
    Company,
    DashboardStack,
    chromium_problem,
    dashboard_problem,
    launch,
    log_in,
    new_company,
    new_context,
)
from support.channels import connect_through

pytestmark = pytest.mark.timeout(300)

RECIPIENTS = 120
RATE = 6  # sends a second: about 20 s of sending, time to pause it mid-way
WINDOW = 5
MESSAGE = {
    "type": "template",
    "name": "order_update",
    "language": "pt_BR",
    "body": "Temos novidades para você.",
}
SENT = ("accepted", "delivered", "read")


@dataclass
class World:
    dashboard: DashboardStack
    company: Company
    sandbox: SandboxClient
    phone_number_id: str
    account_id: str
    phones: list[str]

    def gateway(self) -> httpx.AsyncClient:
        return self.dashboard.gateway(self.company.token)


async def _import(gateway: httpx.AsyncClient, phones: list[str]) -> None:
    rows = "".join(f"Pessoa {i},{phone}\n" for i, phone in enumerate(phones))
    uploaded = await gateway.post(
        "/api/v1/imports",
        content=("name,phone\n" + rows).encode(),
        headers={"Content-Type": "text/csv"},
        params={"filename": "clientes.csv"},
    )
    assert uploaded.status_code == 201, uploaded.text
    analysis = uploaded.json()
    mapping = [
        {"column": c["index"], "field": c["suggested"]}
        for c in analysis["columns"]
        if c["suggested"]
    ]
    started = await gateway.post(
        f"/api/v1/imports/{analysis['id']}/start",
        json={"mapping": mapping, "consent": {"channel": "whatsapp", "status": "opted_in"}},
    )
    assert started.status_code == 202, started.text
    job_id = started.json()["job_id"]

    async def finished() -> dict[str, Any] | None:
        job = (await gateway.get(f"/api/v1/jobs/{job_id}")).json()
        return job if job["status"] in ("succeeded", "failed", "cancelled") else None

    job = await wait_until(finished, timeout=120, interval=0.3, message="the contacts' import")
    assert job["status"] == "succeeded", job


@pytest.fixture(scope="module")
def chromium() -> None:
    problem = chromium_problem() or dashboard_problem()
    if problem:
        pytest.fail(problem, pytrace=False)


@pytest.fixture(scope="module")
async def world(chromium: None, shared_dashboard: DashboardStack) -> AsyncIterator[World]:
    company = await new_company(shared_dashboard, "Live Campaign Company")
    phones = [f"+55119{uuid.uuid4().int % 10**4:04d}{i:04d}" for i in range(RECIPIENTS)]
    async with SandboxClient(shared_dashboard.stack["meta-sandbox"].url) as sandbox:
        async with shared_dashboard.gateway(company.token) as gateway:
            number = await connect_through(
                gateway, shared_dashboard.stack, sandbox, throughput_per_second=80
            )
            await _import(gateway, phones)
        yield World(
            shared_dashboard,
            company,
            sandbox,
            number.phone_number_id,
            str(number.account["id"]),
            phones,
        )


@pytest.fixture(scope="module")
async def browser(chromium: None) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await launch(playwright)
        try:
            yield browser
        finally:
            await browser.close()


async def _at_meta(world: World) -> Counter[str]:
    sent = await world.sandbox.sent(phone_number_id=world.phone_number_id)
    return Counter(f"+{m.to.lstrip('+')}" for m in sent if m.to)


async def _count(page: Page, state: str) -> int:
    text = await page.get_by_test_id(f"count-{state}").inner_text()
    return int(re.sub(r"\D", "", text) or 0)


async def _sent_on_page(page: Page) -> int:
    return sum([await _count(page, state) for state in SENT])


async def _until_on_page(page: Page, wanted: Callable[[int], bool], what: str) -> int:
    async def reached() -> int | None:
        sent = await _sent_on_page(page)
        return sent if wanted(sent) else None

    found: int = await wait_until(reached, timeout=60, interval=0.25, message=what)
    return found


async def test_a_campaign_launched_from_its_page_moves_live_pauses_and_resumes_to_the_end(
    world: World, browser: Browser
) -> None:
    async with world.gateway() as gateway:
        created = await gateway.post(
            "/api/v1/campaigns",
            json={
                "name": "Black Friday ao vivo",
                "channel": "whatsapp_cloud",
                "channel_account_id": world.account_id,
                "message": MESSAGE,
                "audience": {"kind": "filter", "filter": {"all": []}},
                "in_flight_limit": WINDOW,
                "rate_per_second": RATE,
            },
        )
        assert created.status_code == 201, created.text
    campaign_id = created.json()["id"]
    context = await new_context(browser, world.dashboard.url)
    try:
        page = await context.new_page()
        await log_in(
            page, world.company.email, world.company.password, path=f"/campaigns/{campaign_id}"
        )
        await expect(page.get_by_role("heading", name="Black Friday ao vivo")).to_be_visible()

        await page.get_by_role("button", name="Launch now").click()
        await expect(page.get_by_text("Status: Running")).to_be_visible(timeout=30_000)
        # The counts move on the page, no reload, as sends land at Meta.
        await expect(page.get_by_test_id("count-accepted")).not_to_have_text("0", timeout=30_000)
        await _until_on_page(page, lambda sent: sent > RATE * 2, "sends counted on the page")

        await page.get_by_role("button", name="Pause").click()
        await expect(page.get_by_text("Status: Paused")).to_be_visible(timeout=10_000)
        # What was in flight drains; then the page and Meta agree, mid-way.
        await expect(page.get_by_test_id("count-requested")).to_have_text("0", timeout=30_000)

        async def settled() -> int | None:
            at_meta = sum((await _at_meta(world)).values())
            return at_meta if at_meta == await _sent_on_page(page) else None

        paused_at = await wait_until(settled, timeout=30, message="page and Meta agree")
        assert 0 < paused_at < RECIPIENTS, paused_at
        await expect(page.get_by_test_id("count-queued")).to_have_text(
            str(RECIPIENTS - paused_at), timeout=10_000
        )

        await page.get_by_role("button", name="Resume").click()
        await expect(page.get_by_text("Status: Completed")).to_be_visible(timeout=90_000)
        await _until_on_page(page, lambda sent: sent == RECIPIENTS, "every send on the page")
    finally:
        await context.close()

    reached = await _at_meta(world)
    assert sorted(reached) == sorted(world.phones)
    assert set(reached.values()) == {1}, "each person once"
