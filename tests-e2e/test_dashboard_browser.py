"""The dashboard in headless Chromium, against the real stack (the gateway serving the
dashboard's build; crm, sender, meta-ingest and the Meta sandbox behind it).

The session's shared stack and one browser for the module; each test has its own browser
contexts (fresh profiles). A company of the module's own gets a sandbox number and a
customer who already wrote ("Ana Souza"); the tests then (in this order, so that ``-x``
still leaves the screenshots behind):

- take screenshots of the inbox, contacts and connections pages in English and pt-BR
  (``tests-e2e/artifacts/screenshots/<language>/<page>.png``);
- log in through the login page, see a new customer's message arrive without a reload, open
  it, reply from the composer and watch the reply's tick go to delivered, then read;
- sign up a second company and check it never sees the first one's conversation (list,
  search, a direct link);
- run axe-core on the login page and on the inbox with a conversation open;
- install the app's service worker in a profile on disk, get Chromium's word that the app is
  installable, and reload offline: the shell opens under the offline banner.

Every wait is on a condition with a deadline (Playwright's ``expect`` and ``wait_until``).
Chromium missing is a failure that says how to install it, never a skip.
"""

from __future__ import annotations

import re
import uuid
import warnings
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.async_api import (
    Browser,
    BrowserContext,
    Locator,
    Page,
    async_playwright,
    expect,
)

from mia_meta_sandbox.client import SandboxClient
from support.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Company,
    DashboardStack,
    axe_violations,
    chromium_problem,
    connect_number,
    conversation_of,
    customer_writes,
    dashboard_problem,
    describe_violations,
    launch,
    log_in,
    new_company,
    new_context,
    screenshot,
    sign_up,
)

# The shared stack starts within the first test's deadline (about a minute on two cores).
pytestmark = pytest.mark.timeout(240)

ANA = {"phone": "+5511987654321", "name": "Ana Souza", "text": "Hi, is my order on its way?"}
LIVE_SECONDS = 20_000  # ms: a customer's message until it shows in an open inbox
STATUS_MS = 30_000  # ms: a reply until its tick says delivered (then read)


@dataclass
class World:
    dashboard: DashboardStack
    company: Company
    sandbox: SandboxClient
    phone_number_id: str
    ana_conversation_id: str

    @property
    def url(self) -> str:
        return self.dashboard.url


@pytest.fixture(scope="module")
def chromium() -> None:
    problem = chromium_problem() or dashboard_problem()
    if problem:
        pytest.fail(problem, pytrace=False)


@pytest.fixture(scope="module")
async def world(chromium: None, shared_dashboard: DashboardStack) -> AsyncIterator[World]:
    dashboard = shared_dashboard
    company = await new_company(dashboard, "Inbox Company")
    async with SandboxClient(dashboard.stack["meta-sandbox"].url) as sandbox:
        async with dashboard.gateway(company.token) as gateway:
            phone_number_id = await connect_number(dashboard, sandbox, company.token)
            await customer_writes(sandbox, phone_number_id, **ANA)
            ana = await conversation_of(gateway, ANA["phone"], text=ANA["text"])
        yield World(dashboard, company, sandbox, phone_number_id, ana["id"])


@pytest.fixture(scope="module")
async def browser(chromium: None) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await launch(playwright)
        try:
            yield browser
        finally:
            await browser.close()


def conversation_row(page: Page, name: str) -> Locator:
    """A conversation in the list (a listbox): an option named by the contact and preview."""
    return page.get_by_role("option", name=re.compile(re.escape(name)))


def conversation_link(conversation_id: str) -> str:
    """The address of an open conversation, as the inbox puts it in the address bar."""
    return f"/inbox?conversation={conversation_id}"


async def open_conversation(page: Page, name: str, text: str) -> None:
    await conversation_row(page, name).click()
    await expect(page.get_by_role("heading", name=name)).to_be_visible()
    await expect(page.get_by_text(text, exact=True).last).to_be_visible()


# --- d. screenshots ------------------------------------------------------------------------

PAGES = ("contacts", "connections")
LANGUAGES = {"en": "English", "pt-BR": "Português (Brasil)"}
INBOX_LINK = {"en": "Inbox", "pt-BR": "Caixa de entrada"}  # the navigation's first link


async def _settled(page: Page) -> None:
    """The page shows its content: a heading in the main area, nothing left loading."""
    await expect(page.get_by_role("main").get_by_role("heading").first).to_be_visible()
    await page.wait_for_load_state("networkidle", timeout=10_000)


async def test_screenshots_of_inbox_contacts_and_connections_in_both_languages(
    world: World, browser: Browser
) -> None:
    context = await new_context(browser, world.url)
    written = []
    try:
        page = await context.new_page()
        await log_in(page, world.company.email, world.company.password)
        for language, label in LANGUAGES.items():
            await page.goto("/inbox")
            # The user menu's language switch (the choice is kept in localStorage).
            await page.get_by_role("button", name=re.compile("Account menu|Menu da conta")).click()
            await page.get_by_role("menuitem", name=label).click()
            inbox = page.get_by_role("link", name=INBOX_LINK[language], exact=True)
            await expect(inbox).to_be_visible()
            assert await page.evaluate("() => localStorage.getItem('mia.language')") == language
            await open_conversation(page, ANA["name"], ANA["text"])
            await page.wait_for_load_state("networkidle", timeout=10_000)
            written.append(await screenshot(page, language, "inbox"))
            for name in PAGES:
                await page.goto(f"/{name}")  # a reload: the language comes from localStorage
                await _settled(page)
                await expect(inbox).to_be_visible()
                written.append(await screenshot(page, language, name))
    finally:
        await context.close()
    print("screenshots:", *(str(path) for path in written), sep="\n  ")
    assert len(written) == 2 * (1 + len(PAGES))


# --- a. a message arrives live; the reply is delivered, then read --------------------------


async def test_a_customer_message_arrives_live_and_the_reply_is_delivered_then_read(
    world: World, browser: Browser
) -> None:
    context = await new_context(browser, world.url)
    try:
        page = await context.new_page()
        await log_in(page, world.company.email, world.company.password)
        await expect(conversation_row(page, ANA["name"])).to_be_visible()
        # The page subscribes to live events: once its socket is open the gateway queues
        # every event for it, so a message sent after this is one the page must hear about.
        live = page.get_by_role("status", name="Live updates")
        try:
            await expect(live).to_have_text(re.compile(r"^\s*Live\s*$"), timeout=15_000)
        except AssertionError as exc:
            raise AssertionError(
                "the inbox has no open live connection: no role=status 'Live updates' saying"
                " 'Live' (the dashboard's /api/v1/live client, dashboard/src/live)"
            ) from exc
        # Marks this document: a reload or navigation would lose it.
        await page.evaluate("() => { window.__e2eSameDocument = true; }")

        bruno = {
            "phone": "+5521998765432",
            "name": "Bruno Lima",
            "text": f"Do you deliver on Saturdays? ({uuid.uuid4().hex[:6]})",
        }
        await customer_writes(world.sandbox, world.phone_number_id, **bruno)
        row = conversation_row(page, bruno["name"])
        try:
            await expect(row).to_be_visible(timeout=LIVE_SECONDS)
        except AssertionError as exc:
            raise AssertionError(
                f"{bruno['name']}'s message was stored by the crm but did not appear in the open"
                f" inbox within {LIVE_SECONDS / 1000:g} s without a reload (live updates: the"
                " crm's inbox.events.v1 through the gateway's /api/v1/live to the dashboard)"
            ) from exc
        await expect(row).to_contain_text(bruno["text"])

        await open_conversation(page, bruno["name"], bruno["text"])
        reply = f"Yes, Saturdays until noon! ({uuid.uuid4().hex[:6]})"
        composer = page.get_by_role("textbox", name=re.compile("Write a reply"))
        await composer.fill(reply)
        await page.get_by_role("button", name="Send", exact=True).click()
        await expect(composer).to_have_value("")
        # The reply's bubble: the innermost element of the thread holding its text and a tick.
        tick = page.get_by_role("img", name=re.compile("^(Sending|Sent|Delivered|Read)$"))
        thread = page.get_by_role("region", name="Messages")
        bubble = thread.locator("*", has=page.get_by_text(reply, exact=True)).filter(has=tick).last
        await expect(bubble).to_be_visible()
        await expect(bubble.get_by_role("img", name="Delivered")).to_be_visible(timeout=STATUS_MS)
        await expect(bubble.get_by_role("img", name="Read")).to_be_visible(timeout=STATUS_MS)
        assert await page.evaluate("() => window.__e2eSameDocument === true"), "the page reloaded"

        sent = await world.sandbox.sent(phone_number_id=world.phone_number_id)
        assert [m.body.get("text", {}).get("body") for m in sent] == [reply]
    finally:
        await context.close()


# --- b. tenant isolation -------------------------------------------------------------------

NOT_FOUND = re.compile(
    r"not found|does not exist|doesn't exist|no longer exists|não existe|não encontrad", re.I
)


async def test_another_company_never_sees_the_first_companys_conversation(
    world: World, browser: Browser
) -> None:
    email = f"owner-{uuid.uuid4().hex[:8]}@other.example.com"
    password = "Other-company-pass-42"
    async with world.dashboard.gateway() as gateway:
        other_token = await sign_up(gateway, "Other Company", email, password)
        # The API first: the crm answers 404 for another company's conversation.
        gateway.headers["Authorization"] = f"Bearer {other_token}"
        path = f"/api/v1/inbox/conversations/{world.ana_conversation_id}"
        for probe in (path, f"{path}/messages"):
            answer = await gateway.get(probe)
            assert answer.status_code == 404, (probe, answer.status_code, answer.text)

    owner = await new_context(browser, world.url)
    other = await new_context(browser, world.url)
    try:
        # The owner's own link to the conversation: does the dashboard open conversations
        # by address? Only then does the other company's not-found below say much.
        owner_page = await owner.new_page()
        await log_in(owner_page, world.company.email, world.company.password)
        await owner_page.goto(conversation_link(world.ana_conversation_id))
        heading = owner_page.get_by_role("heading", name=ANA["name"])
        try:
            await expect(heading).to_be_visible(timeout=10_000)
        except AssertionError:
            warnings.warn(
                f"{conversation_link('<id>')} does not open the conversation for its own"
                " company: the other company's not-found there proves little. The page says:"
                f" {(await owner_page.inner_text('main'))[:200]!r}",
                stacklevel=1,
            )

        page = await other.new_page()
        await log_in(page, email, password)
        # An empty inbox: the empty state, and nothing of the first company anywhere.
        await expect(page.get_by_role("heading", name="No conversations yet")).to_be_visible()
        await expect(page.get_by_text(ANA["name"])).to_have_count(0)
        await expect(page.get_by_text(ANA["text"])).to_have_count(0)
        # Searching by name or number finds nothing.
        search = page.get_by_role("textbox", name="Search conversations")
        for term in (ANA["name"], ANA["phone"]):
            await search.fill(term)
            await expect(
                page.get_by_text("No conversations match this search or filter.")
            ).to_be_visible()
            await expect(conversation_row(page, ANA["name"])).to_have_count(0)
        # The first company's conversation by its address: not found, nothing shown.
        await page.goto(conversation_link(world.ana_conversation_id))
        await expect(page.get_by_role("link", name="Inbox", exact=True)).to_be_visible()
        try:
            await expect(page.get_by_text(NOT_FOUND).first).to_be_visible()
        except AssertionError as exc:
            raise AssertionError(
                "another company's conversation by its address should say it was not found;"
                f" the page says: {(await page.inner_text('main'))[:300]!r}"
            ) from exc
        await expect(page.get_by_text(ANA["name"])).to_have_count(0)
        await expect(page.get_by_text(ANA["text"])).to_have_count(0)
    finally:
        await owner.close()
        await other.close()


# --- c. accessibility ----------------------------------------------------------------------


async def test_login_and_inbox_pages_have_no_serious_accessibility_violations(
    world: World, browser: Browser
) -> None:
    context = await new_context(browser, world.url)
    try:
        page = await context.new_page()
        await page.goto("/login")
        await expect(page.get_by_role("button", name="Log in", exact=True)).to_be_visible()
        found = {"login page": await axe_violations(page)}

        await log_in(page, world.company.email, world.company.password)
        await open_conversation(page, ANA["name"], ANA["text"])
        await expect(page.get_by_role("textbox", name=re.compile("Write a reply"))).to_be_visible()
        found["inbox, a conversation open"] = await axe_violations(page)

        # The page declares the language it shows (WCAG 3.1.1), also when the choice comes
        # from localStorage as the page loads (a screen reader reads it in that language).
        await page.evaluate("() => localStorage.setItem('mia.language', 'pt-BR')")
        await page.reload()
        await expect(page.get_by_role("link", name="Caixa de entrada", exact=True)).to_be_visible()
        lang = await page.evaluate("() => document.documentElement.lang")
    finally:
        await context.close()
    report = [describe_violations(where, found) for where, found in found.items() if found]
    if lang != "pt-BR":
        report.append(
            f"the page shows pt-BR (chosen earlier, kept in localStorage) but <html lang> says"
            f" {lang!r} after a reload: i18next detects the language before the listener"
            " that sets <html lang> is attached (dashboard/src/i18n/index.ts)"
        )
    assert not report, "\n\n".join(report)


# --- e. the installable app ----------------------------------------------------------------


async def test_the_app_is_installable_and_opens_offline_under_a_banner(
    world: World, tmp_path: Path
) -> None:
    # A profile on disk: Chromium never offers to install an app from an incognito window,
    # which every new_context() is.
    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            base_url=world.url,
            service_workers="allow",
        )
        try:
            await _installable_and_offline(context)
        finally:
            await context.close()


async def _installable_and_offline(context: BrowserContext) -> None:
    context.set_default_timeout(15_000)
    page = await context.new_page()
    await page.goto("/login")
    await expect(page.get_by_role("button", name="Log in", exact=True)).to_be_visible()

    manifest_href = await page.locator("link[rel=manifest]").get_attribute("href")
    assert manifest_href, "index.html names no web app manifest"
    manifest = await (await page.request.get(manifest_href)).json()
    assert manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes, sizes
    for icon in manifest["icons"]:
        fetched = await page.request.get(icon["src"])
        assert fetched.ok, icon
        assert fetched.headers["content-type"] == "image/png", icon

    # The service worker has installed (precached the shell) once it is active.
    await page.wait_for_function(
        "navigator.serviceWorker.ready.then(r => r.active !== null)", timeout=30_000
    )
    # Chromium's own verdict (manifest, icons, a worker with a fetch handler): the check
    # behind its "Install app" offer.
    cdp = await context.new_cdp_session(page)
    verdict = await cdp.send("Page.getInstallabilityErrors")
    assert verdict["installabilityErrors"] == [], verdict

    await context.set_offline(True)
    await page.reload()
    await expect(page.get_by_role("button", name="Log in", exact=True)).to_be_visible()
    await expect(page.get_by_role("status").filter(has_text="You are offline")).to_be_visible()
    await screenshot(page, "en", "offline")

    await context.set_offline(False)
    await expect(page.get_by_text("You are offline")).to_have_count(0)
