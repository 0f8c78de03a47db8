"""The campaign wizard in headless Chromium, against the real stack (the gateway serving the
dashboard's build; crm, sender, campaigns, meta-ingest and the Meta sandbox behind it).

A company of the module's own signs up, connects a sandbox number and imports three
contacts with their WhatsApp consent (the company requires consent for marketing). In the
browser its owner logs in, goes through the wizard (the contacts picked from the list, the
number's approved "saudacao" template with its {{1}} mapped, previewed with the first one
picked), sees the service's review figures, launches, and watches the campaign's page reach
"Completed" with every recipient accepted, delivered or read; the sandbox, as Meta, received
exactly one message for each of them.

On the session's shared stack (``tests-e2e/conftest.py``), in a company of the module's
own. Every wait is on a condition with a deadline (Playwright's ``expect`` and
``wait_until``); Chromium or the build missing is a failure that says how to get them,
never a skip.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, async_playwright, expect
from playwright.async_api import TimeoutError as PlaywrightTimeout

from mia_common.testing import wait_until
from mia_meta_sandbox.client import SandboxClient
from support.browser import (
    Company,
    DashboardStack,
    axe_violations,
    chromium_problem,
    dashboard_problem,
    describe_violations,
    launch,
    log_in,
    new_company,
    new_context,
)
from support.channels import wait_until_ingest_knows

# The shared stack may start within this module's first test (a minute or two on two busy
# cores); the wizard itself takes well under a minute.
pytestmark = pytest.mark.timeout(300)

PEOPLE = ("Pessoa Um", "Pessoa Dois", "Pessoa Tres")
COMPLETED_MS = 30_000  # ms: the launch until the page says the campaign completed
FINISHED_STATES = {"Accepted", "Delivered", "Read"}


@dataclass
class World:
    dashboard: DashboardStack
    company: Company
    sandbox: SandboxClient
    phone_number_id: str
    phones: list[str]

    @property
    def url(self) -> str:
        return self.dashboard.url


@pytest.fixture(scope="module")
def chromium() -> None:
    problem = chromium_problem() or dashboard_problem()
    if problem:
        pytest.fail(problem, pytrace=False)


async def _connect_number(
    dashboard: DashboardStack, sandbox: SandboxClient, gateway: httpx.AsyncClient
) -> str:
    """A sandbox number connected as the connections page does, under a WhatsApp Business
    Account the sandbox knows: the wizard lists the number's templates, which the sender
    reads from that account (``support.channels.connect_through`` gives the sender another
    account id than the one the sandbox registered the number under)."""
    phone_number_id = str(uuid.uuid4().int)[:15]
    waba_id = str(uuid.uuid4().int)[:15]
    token, secret = f"token-{uuid.uuid4().hex}", f"secret-{uuid.uuid4().hex}"
    await sandbox.register_number(
        phone_number_id=phone_number_id,
        access_token=token,
        app_secret=secret,
        waba_id=waba_id,
        webhook_url=f"{dashboard.stack['meta-ingest'].url}/webhooks/meta",
    )
    created = await gateway.post(
        "/api/v1/channels/accounts",
        json={
            "channel": "whatsapp_cloud",
            "display_name": "Support line",
            "phone_number": "+15550001111",
            "phone_number_id": phone_number_id,
            "waba_id": waba_id,
            "access_token": token,
            "app_secret": secret,
            "throughput_per_second": 80,
            "messaging_tier": "unlimited",
        },
    )
    assert created.status_code == 201, created.text
    await wait_until_ingest_knows(dashboard.stack, phone_number_id)
    return phone_number_id


async def _import_contacts(gateway: httpx.AsyncClient, people: dict[str, str]) -> None:
    """A CSV import through the gateway, as the contacts page runs it, recording each
    contact's WhatsApp consent."""
    rows = "".join(f"{name},{phone}\n" for name, phone in people.items())
    uploaded = await gateway.post(
        "/api/v1/imports",
        content=("name,phone\n" + rows).encode(),
        headers={"Content-Type": "text/csv"},
        params={"filename": "campaign.csv"},
    )
    assert uploaded.status_code == 201, uploaded.text
    analysis = uploaded.json()
    mapping = [
        {"column": column["index"], "field": column["suggested"]}
        for column in analysis["columns"]
        if column["suggested"]
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

    job = await wait_until(finished, timeout=60, interval=0.3, message="the contacts' import")
    assert job["status"] == "succeeded", job


@pytest.fixture(scope="module")
async def world(chromium: None, shared_dashboard: DashboardStack) -> AsyncIterator[World]:
    dashboard = shared_dashboard
    company = await new_company(dashboard, "Campaign Company")
    tag = f"{uuid.uuid4().int % 10_000:04d}"
    people = {name: f"+55119{tag}{i:04d}" for i, name in enumerate(PEOPLE, start=1)}
    async with SandboxClient(dashboard.stack["meta-sandbox"].url) as sandbox:
        async with dashboard.gateway(company.token) as gateway:
            phone_number_id = await _connect_number(dashboard, sandbox, gateway)
            await _import_contacts(gateway, people)
        yield World(dashboard, company, sandbox, phone_number_id, list(people.values()))


@pytest.fixture(scope="module")
async def browser(chromium: None) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await launch(playwright)
        try:
            yield browser
        finally:
            await browser.close()


async def _choose(page: Page, label: str, option: re.Pattern[str] | str) -> None:
    """A Mantine select: open it by its label, pick the option (a failure shows the page)."""
    try:
        await page.get_by_role("textbox", name=label, exact=True).click()
        await page.get_by_role("option", name=option).click()
    except PlaywrightTimeout as exc:
        shown = await page.get_by_role("main").inner_text()
        raise AssertionError(f"no {label!r} option {option!r}; the page shows:\n{shown}") from exc


async def _no_serious_violations(page: Page, where: str) -> None:
    violations = await axe_violations(page)
    assert not violations, describe_violations(where, violations)


async def test_a_campaign_goes_from_the_wizard_to_completed_with_every_recipient_reached(
    world: World, browser: Browser
) -> None:
    context = await new_context(browser, world.url)
    try:
        page = await context.new_page()
        await log_in(page, world.company.email, world.company.password, path="/campaigns/new")

        # 1. Audience: the three contacts, picked from the list.
        await page.get_by_role("textbox", name="Campaign name").fill("Boas-vindas e2e")
        await _choose(page, "Send from", re.compile(r"· WhatsApp$"))
        await page.get_by_role("radio", name="Contacts I pick").check()
        for name in PEOPLE:
            await page.get_by_role("checkbox", name=re.compile(re.escape(name))).check()
        await expect(page.get_by_text("3 contacts picked")).to_be_visible()
        await page.get_by_role("button", name="Next", exact=True).click()

        # 2. Message: the number's approved template, its {{1}} filled with the first name.
        await page.get_by_role("radio", name="Meta template").check()
        await _choose(page, "Template", "saudacao · pt_BR")
        await page.get_by_role("textbox", name="Fill {{1}} with").fill("first_name|cliente")
        preview = page.get_by_role("region", name="Preview")
        await expect(preview).to_contain_text("As Pessoa Um would read it")
        await expect(preview).to_contain_text("Oi Pessoa, tudo bem?")
        await page.get_by_role("button", name="Next", exact=True).click()

        # 3. Schedule and limits: now, at the number's pace (the draft exists from here).
        await expect(page.get_by_role("radio", name="As soon as it is launched")).to_be_checked()
        await page.get_by_role("button", name="Next", exact=True).click()

        # 4. Review: the service's own figures.
        await expect(page.get_by_test_id("review-recipients")).to_have_text("3")
        await expect(page.get_by_text("Nobody is left out.")).to_be_visible()
        await expect(page.get_by_test_id("review-cost")).to_be_visible()
        await _no_serious_violations(page, "the wizard's review step")

        # 5. Launch: the campaign's page follows it to the end.
        await page.get_by_role("button", name="Launch now").click()
        await expect(page).to_have_url(re.compile(r"/campaigns/[0-9a-f-]{36}$"))
        campaign_id = page.url.rsplit("/", 1)[1]
        heading = page.get_by_role("heading", name="Boas-vindas e2e")
        await expect(heading).to_be_visible()
        try:
            # The status badge ("Status: " is there for screen readers).
            await expect(page.get_by_text(re.compile(r"^Status:\s*Completed$"))).to_be_visible(
                timeout=COMPLETED_MS
            )
        except AssertionError as exc:
            async with world.dashboard.gateway(world.company.token) as gateway:
                state = (await gateway.get(f"/api/v1/campaigns/{campaign_id}")).json()
            raise AssertionError(
                f"the campaign's page did not say Completed within {COMPLETED_MS / 1000:g} s"
                f" (the service has it {state.get('status')!r}, counts {state.get('counts')})"
            ) from exc
        # Read again from the top: the ledger's final states, not the first page's.
        await page.reload()
        recipients = page.get_by_role("table", name="Recipients")
        await expect(recipients.get_by_role("row")).to_have_count(1 + len(PEOPLE))
        rows = (await recipients.get_by_role("row").all())[1:]  # after the header
        states = [(await row.get_by_role("cell").nth(2).inner_text()).strip() for row in rows]
        assert set(states) <= FINISHED_STATES, states
    finally:
        await context.close()

    # What Meta received: one template message to each contact, none twice.
    sent = await world.sandbox.sent(phone_number_id=world.phone_number_id)
    assert sorted(m.to for m in sent) == sorted(p.lstrip("+") for p in world.phones), [
        (m.to, m.body) for m in sent
    ]
    assert {m.body.get("template", {}).get("name") for m in sent} == {"saudacao"}
