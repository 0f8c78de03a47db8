"""The AI section in headless Chromium, against the real stack (the gateway serving the
dashboard's build; the ai-agent with its embedded model behind it, no generative model).

A company of the module's own signs up. In the browser its owner creates a knowledge base,
types two questions and answers into it and waits until the page says they are indexed;
tries the retrieval tester; creates a persona that uses the base; opens the test console
from the persona's page and asks, in other words than the FAQ's, how long a delivery
takes: the answer is the FAQ's, and its "why" names the FAQ as its source with its scores.
Then the customer asks for a person, and the console shows the handoff and what the
customer would be told.

Then the bot at work in the inbox: a persona set up through the API serves a sandbox number;
a customer writes; the inbox shows the bot's reply with the persona's badge and, behind its
"why", the FAQ it answered from; asking for a person leaves the persona's note, and the
switch gives the conversation back to the bot.

On the session's shared stack (``tests-e2e/conftest.py``), in a company of the module's
own. Every wait is on a condition with a deadline (Playwright's ``expect``); Chromium or
the build missing is a failure that says how to get them, never a skip.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect
from playwright.async_api import TimeoutError as PlaywrightTimeout

from mia_meta_sandbox.client import SandboxClient
from support.browser import (
    Company,
    DashboardStack,
    api_token,
    axe_violations,
    chromium_problem,
    dashboard_problem,
    describe_violations,
    launch,
    log_in,
    new_company,
    new_context,
)
from support.channels import connect_through
from support.personas import persona_on_the_number

# The shared stack may start within this module's first test (a minute or two on two busy
# cores); the steps themselves take well under a minute.
pytestmark = pytest.mark.timeout(300)

FAQ = [
    ("Qual é o prazo de entrega?", "Entregamos em 2 a 5 dias úteis nas capitais."),
    ("Quais formas de pagamento vocês aceitam?", "Aceitamos Pix, boleto e cartão de crédito."),
]
BASE = "Perguntas frequentes"
PERSONA = "Sofia"
INDEXED_MS = 60_000  # ms: the FAQ saved until the page says it is ready (e5-small on 2 cores)
ANSWER_MS = 30_000  # ms: a question sent until the console shows the decision


@pytest.fixture(scope="module")
def chromium() -> None:
    problem = chromium_problem() or dashboard_problem()
    if problem:
        pytest.fail(problem, pytrace=False)


@pytest.fixture(scope="module")
async def company(chromium: None, shared_dashboard: DashboardStack) -> Company:
    return await new_company(shared_dashboard, "AI Console Company")


@pytest.fixture(scope="module")
async def browser(chromium: None) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await launch(playwright)
        try:
            yield browser
        finally:
            await browser.close()


async def _no_serious_violations(page: Page, where: str) -> None:
    violations = await axe_violations(page)
    assert not violations, describe_violations(where, violations)


async def _choose(page: Page, label: str, option: str) -> None:
    """A Mantine (multi)select: open it by its label, pick the option (a failure shows the page)."""
    try:
        await page.get_by_role("textbox", name=label, exact=True).click()
        await page.get_by_role("option", name=option).click()
    except PlaywrightTimeout as exc:
        shown = await page.get_by_role("main").inner_text()
        raise AssertionError(f"no {label!r} option {option!r}; the page shows:\n{shown}") from exc


async def _ask(page: Page, text: str) -> None:
    await page.get_by_role("textbox", name="Customer's message").fill(text)
    await page.get_by_role("button", name="Send", exact=True).click()


async def test_a_persona_built_in_the_dashboard_answers_from_its_faq_and_hands_off_in_the_console(
    shared_dashboard: DashboardStack, company: Company, browser: Browser
) -> None:
    context = await new_context(browser, shared_dashboard.url)
    try:
        page = await context.new_page()
        await log_in(page, company.email, company.password, path="/ai/knowledge")

        # 1. A knowledge base, from the empty state.
        await expect(page.get_by_role("heading", name="No knowledge bases yet")).to_be_visible()
        await _no_serious_violations(page, "the knowledge bases' empty state")
        await page.get_by_role("button", name="New knowledge base").click()
        dialog = page.get_by_role("dialog", name="New knowledge base")
        await dialog.get_by_role("textbox", name="Name").fill(BASE)
        await dialog.get_by_role("button", name="Create").click()
        await expect(page).to_have_url(re.compile(r"/ai/knowledge/[0-9a-f-]{36}$"))
        await expect(page.get_by_role("heading", name=BASE)).to_be_visible()

        # 2. Two questions and answers typed in; the page follows their indexing to the end.
        for index, (question, answer) in enumerate(FAQ, start=1):
            if index > 1:
                await page.get_by_role("button", name="Add a question").click()
            await page.get_by_role("textbox", name=f"Question {index}").fill(question)
            await page.get_by_role("textbox", name=f"Answer {index}").fill(answer)
        await page.get_by_role("button", name="Add the questions").click()
        documents = page.get_by_role("table", name="Documents")
        await expect(documents.get_by_role("row")).to_have_count(2)  # the header and the FAQ
        await expect(documents.get_by_text(re.compile(r"^Status:\s*Ready$"))).to_be_visible(
            timeout=INDEXED_MS
        )
        await expect(documents.get_by_role("row").nth(1).get_by_role("cell").nth(3)).to_have_text(
            str(len(FAQ))
        )

        # 3. The retrieval tester finds the delivery answer for other words.
        await page.get_by_role("textbox", name="Question", exact=True).fill(
            "Em quantos dias chega o meu pedido?"
        )
        await page.get_by_role("button", name="Search", exact=True).click()
        found = page.get_by_role("list", name="Passages found")
        await expect(found.get_by_role("listitem").first).to_contain_text("2 a 5 dias úteis")
        await expect(found.get_by_role("listitem").first).to_contain_text(
            re.compile(r"Score 0\.\d{4}")
        )
        await expect(found.get_by_role("listitem").first).to_contain_text(
            re.compile(r"Similarity \d+(\.\d)?%")
        )
        await _no_serious_violations(page, "a knowledge base's page")

        # 4. A persona that uses the base.
        await (
            page.get_by_role("navigation", name="AI agent sections")
            .get_by_role("link", name="Personas")
            .click()
        )
        await expect(page.get_by_role("heading", name="No personas yet")).to_be_visible()
        await page.get_by_role("link", name="New persona").click()
        await expect(page).to_have_url(re.compile(r"/ai/personas/new$"))
        await page.get_by_role("textbox", name="Name").fill(PERSONA)
        await _choose(page, "Knowledge bases it uses", BASE)
        await page.keyboard.press("Escape")
        await _no_serious_violations(page, "the persona editor")
        await page.get_by_role("button", name="Save", exact=True).click()
        await expect(page).to_have_url(re.compile(r"/ai/personas/[0-9a-f-]{36}$"))
        await expect(page.get_by_role("heading", name=PERSONA)).to_be_visible()

        # 5. The console, from the persona's page: a paraphrased question, answered from the FAQ.
        await page.get_by_role("link", name="Try in the console").click()
        await expect(page).to_have_url(re.compile(r"/ai/console\?persona=[0-9a-f-]{36}$"))
        await expect(page.get_by_role("textbox", name="Persona", exact=True)).to_have_value(PERSONA)
        await _ask(page, "Em quantos dias chega o meu pedido?")
        transcript = page.get_by_role("log", name="Conversation")
        reply = transcript.get_by_test_id("console-bot").first
        await expect(reply).to_contain_text("2 a 5 dias úteis", timeout=ANSWER_MS)
        await expect(reply).to_contain_text(f"{PERSONA} (bot)")
        why = transcript.get_by_test_id("run-details").first
        await expect(why).to_contain_text("Answered")
        await expect(why).to_contain_text("From the knowledge base")
        source = why.get_by_role("list", name="Sources").get_by_role("listitem").first
        await expect(source).to_contain_text("FAQ")
        await expect(source).to_contain_text("Qual é o prazo de entrega?")
        await expect(source).to_contain_text(re.compile(r"Similarity \d+(\.\d)?%"))

        # 6. Asking for a person: the handoff, and what the customer would be told.
        await _ask(page, "quero falar com um atendente")
        handoff = transcript.get_by_test_id("console-handoff")
        await expect(handoff).to_be_visible(timeout=ANSWER_MS)
        await expect(handoff).to_contain_text("Handed off to a person")
        await expect(handoff).to_contain_text("The customer is told:")
        await expect(transcript.get_by_test_id("run-details").nth(1)).to_contain_text("Handed off")
        await _no_serious_violations(page, "the test console")

        # 7. Starting over empties the conversation.
        await page.get_by_role("button", name="Start over").click()
        await expect(transcript).to_contain_text("Write the customer's first message.")
    finally:
        await context.close()


async def _persona_on_a_number(dashboard: DashboardStack, company: Company) -> str:
    """Through the API, as the first test did in the browser: a sandbox number, an indexed
    FAQ and a persona ("Lia", quick to answer) serving the number; its phone number id."""
    async with dashboard.gateway() as gateway:
        gateway.headers["Authorization"] = (
            f"Bearer {await api_token(gateway, company.email, company.password)}"
        )
        async with SandboxClient(dashboard.stack["meta-sandbox"].url) as sandbox:
            connected = await connect_through(gateway, dashboard.stack, sandbox)
        await persona_on_the_number(
            gateway,
            account_id=connected.account["id"],
            faq=[{"question": q, "answer": a} for q, a in FAQ],
            name="Lia",
            indexed_seconds=INDEXED_MS / 1000,
        )
    return connected.phone_number_id


async def test_the_inbox_shows_the_bots_reply_its_why_its_handoff_note_and_the_pause_switch(
    shared_dashboard: DashboardStack, company: Company, browser: Browser
) -> None:
    phone_number_id = await _persona_on_a_number(shared_dashboard, company)
    customer: dict[str, Any] = {"phone_number_id": phone_number_id, "from_": "+5511977775555"}
    async with SandboxClient(shared_dashboard.stack["meta-sandbox"].url) as sandbox:
        answer = await sandbox.customer_message(
            **customer, name="Bia", text="Em quantos dias chega o meu pedido?", await_delivery=True
        )
        assert answer.delivered, answer
        context = await new_context(browser, shared_dashboard.url)
        try:
            page = await context.new_page()
            await log_in(page, company.email, company.password, path="/inbox")
            await page.get_by_role("option", name=re.compile("Bia")).click()
            await expect(page.get_by_role("heading", name="Bia")).to_be_visible()

            # The bot's reply, badged with the persona's name; its why names the FAQ.
            thread = page.get_by_role("region", name="Messages")
            badge = thread.get_by_text("Bot · Lia")
            await expect(badge).to_be_visible(timeout=ANSWER_MS)
            await expect(thread).to_contain_text("2 a 5 dias úteis")
            await page.get_by_role("button", name="Why the bot wrote this").first.click()
            why = page.get_by_role("dialog", name="Why the bot answered this")
            await expect(why).to_contain_text("Answered")
            await expect(why.get_by_role("list", name="Sources")).to_contain_text("FAQ")
            await _no_serious_violations(page, "a bot's why in the inbox")
            await page.keyboard.press("Escape")
            await expect(why).to_be_hidden()
            switch = page.get_by_role("switch", name="Bot answers here")
            await expect(switch).to_be_checked()

            # Asking for a person: the bot hands off, leaving the persona's note.
            answer = await sandbox.customer_message(
                **customer, name="Bia", text="quero falar com um atendente", await_delivery=True
            )
            assert answer.delivered, answer
            await expect(page.get_by_text("Bot handed off")).to_be_visible(timeout=ANSWER_MS)
            await expect(switch).not_to_be_checked()
            await page.get_by_role("button", name="Notes", exact=True).click()
            notes = page.get_by_role("list", name="Notes")
            await expect(notes).to_contain_text("quero falar com um atendente")
            await expect(notes).to_contain_text("Lia (bot)")
            await page.keyboard.press("Escape")

            # The switch gives the conversation back to the bot.
            await switch.click()
            await expect(switch).to_be_checked()
            await expect(page.get_by_text("Bot answers here")).to_be_visible()
            await _no_serious_violations(page, "the inbox with the bot's reply")
        finally:
            await context.close()
