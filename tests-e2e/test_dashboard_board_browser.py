"""The pipeline board in headless Chromium, against the real stack (the gateway serving the
dashboard's build, the crm behind it).

On the session's shared stack, a company of the module's own gets, through the API, a
pipeline (New, Proposal, Won), three contacts and a lead for each. Then, in the browser:

- a card dragged with the mouse from New to Proposal is there after a reload (and the crm
  says so);
- a card moved with the keyboard (space, arrow right, space) is there after a reload;
- "New lead" from a column's "+" (the contact picked from the contact search with the
  keyboard) puts the card in that column without a reload, and the crm has it there;
- a move made by someone else (the API) appears on the open board without a reload (the
  gateway relays leads.events.v1, one of its default live topics);
- axe-core finds no serious violation on the board.

Every wait is on a condition with a deadline (Playwright's ``expect``). Chromium missing is a
failure that says how to install it, never a skip.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Locator, Page, async_playwright, expect

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
    screenshot,
)

pytestmark = pytest.mark.timeout(240)

LIVE_MS = 20_000  # a move through the API until the open board shows it
CUSTOMERS = [
    ("Ana Souza", "+5511987654321", "Padaria Central"),
    ("Bruno Lima", "+5521998765432", "Mercado Bom"),
    ("Carla Dias", "+5531997654321", "Loja Azul"),
]


@dataclass
class World:
    dashboard: DashboardStack
    company: Company
    pipeline: dict[str, Any]
    stages: dict[str, str]  # name → id
    leads: dict[str, dict[str, Any]]  # title → lead

    @property
    def url(self) -> str:
        return self.dashboard.url

    @property
    def token(self) -> str:
        return self.company.token

    @property
    def board_path(self) -> str:
        return f"/pipelines/{self.pipeline['id']}"


@pytest.fixture(scope="module")
def chromium() -> None:
    problem = chromium_problem() or dashboard_problem()
    if problem:
        pytest.fail(problem, pytrace=False)


async def _created(answer: httpx.Response) -> dict[str, Any]:
    assert answer.status_code == 201, (answer.request.url, answer.status_code, answer.text)
    return dict(answer.json())


@pytest.fixture(scope="module")
async def world(chromium: None, shared_dashboard: DashboardStack) -> World:
    dashboard = shared_dashboard
    company = await new_company(dashboard, "Board Company")
    async with dashboard.gateway(company.token) as gateway:
        pipeline = await _created(
            await gateway.post(
                "/api/v1/pipelines",
                json={
                    "name": f"E2E board {uuid.uuid4().hex[:6]}",
                    "stages": [
                        {"name": "New", "probability": 10},
                        {"name": "Proposal", "probability": 50},
                        {"name": "Won", "probability": 100, "kind": "won"},
                    ],
                },
            )
        )
        stages = {stage["name"]: stage["id"] for stage in pipeline["stages"]}
        leads = {}
        for name, phone, title in CUSTOMERS:
            contact = await _created(
                await gateway.post("/api/v1/contacts", json={"name": name, "phone": phone})
            )
            leads[title] = await _created(
                await gateway.post(
                    "/api/v1/leads",
                    json={
                        "contact_id": contact["id"],
                        "title": title,
                        "pipeline_id": pipeline["id"],
                        "stage_id": stages["New"],
                        "value": "1000.00",
                    },
                )
            )
    return World(dashboard, company, pipeline, stages, leads)


@pytest.fixture(scope="module")
async def browser(chromium: None) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await launch(playwright)
        try:
            yield browser
        finally:
            await browser.close()


def column(page: Page, stage: str) -> Locator:
    """A stage's column: a region named by its heading."""
    return page.get_by_role("region", name=stage, exact=True)


def card(page: Page, stage: str, title: str) -> Locator:
    """A card in a column: the draggable button holding the lead's title."""
    return column(page, stage).get_by_role("button", name=re.compile(re.escape(title)))


async def stage_of(world: World, title: str) -> str:
    """The name of the stage the crm has the lead in."""
    async with world.dashboard.gateway(world.token) as gateway:
        answer = await gateway.get(f"/api/v1/leads/{world.leads[title]['id']}")
    assert answer.status_code == 200, answer.text
    names = {stage_id: name for name, stage_id in world.stages.items()}
    return names[answer.json()["stage_id"]]


async def open_board(world: World, browser: Browser) -> tuple[Any, Page]:
    context = await new_context(browser, world.url)
    page = await context.new_page()
    await log_in(page, world.company.email, world.company.password, path=world.board_path)
    await expect(column(page, "New")).to_be_visible()
    # Loja Azul stays in New until the last test moves it.
    await expect(card(page, "New", "Loja Azul")).to_be_visible()
    return context, page


async def test_a_card_dragged_with_the_mouse_to_another_column_stays_there_after_a_reload(
    world: World, browser: Browser
) -> None:
    context, page = await open_board(world, browser)
    try:
        source = card(page, "New", "Padaria Central")
        target = column(page, "Proposal")
        start = await source.bounding_box()
        end = await target.bounding_box()
        assert start is not None
        assert end is not None
        async with page.expect_response(
            lambda response: response.url.endswith("/move") and response.request.method == "POST"
        ) as moved:
            await page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
            await page.mouse.down()
            # In steps: the pointer sensor starts a drag only after the pointer travelled.
            await page.mouse.move(start["x"] + start["width"] / 2 + 20, start["y"] + 20, steps=5)
            await page.mouse.move(end["x"] + end["width"] / 2, end["y"] + 120, steps=15)
            await page.mouse.up()
        answer = await moved.value
        assert answer.status == 200, await answer.text()
        await expect(card(page, "Proposal", "Padaria Central")).to_be_visible()
        await expect(card(page, "New", "Padaria Central")).to_have_count(0)

        await page.reload()
        await expect(card(page, "Proposal", "Padaria Central")).to_be_visible()
        await expect(column(page, "Proposal")).to_contain_text("1 lead")
        assert await stage_of(world, "Padaria Central") == "Proposal"
    finally:
        await context.close()


async def test_a_card_moved_with_the_keyboard_stays_there_after_a_reload(
    world: World, browser: Browser
) -> None:
    context, page = await open_board(world, browser)
    try:
        moving = card(page, "New", "Mercado Bom")
        await moving.focus()
        async with page.expect_response(
            lambda response: response.url.endswith("/move") and response.request.method == "POST"
        ) as moved:
            await page.keyboard.press("Space")
            await expect(page.locator("[id^=DndLiveRegion]")).to_contain_text("Mercado Bom")
            await page.keyboard.press("ArrowRight")
            await expect(page.locator("[id^=DndLiveRegion]")).to_contain_text("over Proposal")
            await page.keyboard.press("Space")
        answer = await moved.value
        assert answer.status == 200, await answer.text()
        await expect(card(page, "Proposal", "Mercado Bom")).to_be_visible()

        await page.reload()
        await expect(card(page, "Proposal", "Mercado Bom")).to_be_visible()
        assert await stage_of(world, "Mercado Bom") == "Proposal"
    finally:
        await context.close()


async def test_on_a_phone_the_columns_scroll_sideways_and_the_drawer_fills_the_screen(
    world: World, browser: Browser
) -> None:
    context, page = await open_board(world, browser)
    try:
        await page.set_viewport_size({"width": 390, "height": 844})
        board = page.get_by_test_id("board")
        await expect(board).to_be_visible()
        # The columns side by side, wider than the phone: their scroll area scrolls sideways.
        wide = await board.evaluate(
            "(node) => { const area = node.closest('.mantine-ScrollArea-viewport');"
            " return area ? [area.scrollWidth, area.clientWidth] : null; }"
        )
        assert wide is not None
        assert wide[0] > wide[1] > 0, wide
        await card(page, "New", "Loja Azul").click()
        drawer = page.get_by_role("dialog")
        await expect(drawer.get_by_role("textbox", name="Title")).to_have_value("Loja Azul")
        box = await drawer.bounding_box()
        assert box is not None
        assert box["width"] >= 380, box
        await screenshot(page, "en", "board-drawer-phone")
        await page.keyboard.press("Escape")
        await expect(drawer).to_have_count(0)
    finally:
        await context.close()


async def test_a_new_lead_made_in_a_column_appears_there_without_a_reload(
    world: World, browser: Browser
) -> None:
    context, page = await open_board(world, browser)
    try:
        await page.evaluate("() => { window.__e2eSameDocument = true; }")
        await column(page, "Proposal").get_by_role("button", name="New lead in Proposal").click()
        dialog = page.get_by_role("dialog", name="New lead")
        await expect(dialog.get_by_role("textbox", name="Stage")).to_have_value("Proposal")
        # The contact from the contact list's search, chosen with the keyboard.
        picker = dialog.get_by_role("textbox", name="Contact")
        await picker.fill("Carla")
        await expect(page.get_by_role("option", name=re.compile("^Carla Dias"))).to_be_visible()
        await picker.press("ArrowDown")
        await picker.press("Enter")
        await expect(picker).to_have_value(re.compile("^Carla Dias"))
        await dialog.get_by_role("textbox", name="Title", exact=True).fill("Nova filial")
        await dialog.get_by_role("textbox", name="Value").fill("750")
        async with page.expect_response(
            lambda response: (
                response.url.endswith("/api/v1/leads") and response.request.method == "POST"
            )
        ) as made:
            await dialog.get_by_role("button", name="Create the lead").click()
        answer = await made.value
        assert answer.status == 201, await answer.text()
        created = await answer.json()

        await expect(card(page, "Proposal", "Nova filial")).to_be_visible()
        await expect(dialog).to_have_count(0)
        assert await page.evaluate("() => window.__e2eSameDocument === true"), "the page reloaded"
        async with world.dashboard.gateway(world.token) as gateway:
            stored = await gateway.get(f"/api/v1/leads/{created['id']}")
        assert stored.status_code == 200, stored.text
        lead = stored.json()
        assert lead["stage_id"] == world.stages["Proposal"]
        assert lead["contact"]["name"] == "Carla Dias"
        assert (lead["title"], lead["value"]) == ("Nova filial", "750.00")
    finally:
        await context.close()


async def test_someone_elses_move_appears_on_the_open_board_without_a_reload(
    world: World, browser: Browser
) -> None:
    context, page = await open_board(world, browser)
    try:
        await expect(page.get_by_role("status", name="Live updates")).to_have_text(
            re.compile(r"^\s*Live\s*$"), timeout=15_000
        )
        await page.evaluate("() => { window.__e2eSameDocument = true; }")
        lead = world.leads["Loja Azul"]
        async with world.dashboard.gateway(world.token) as gateway:
            version = (await gateway.get(f"/api/v1/leads/{lead['id']}")).json()["version"]
            answer = await gateway.post(
                f"/api/v1/leads/{lead['id']}/move",
                json={"stage_id": world.stages["Won"], "expected_version": version},
            )
        assert answer.status_code == 200, answer.text
        try:
            await expect(card(page, "Won", "Loja Azul")).to_be_visible(timeout=LIVE_MS)
        except AssertionError as exc:
            raise AssertionError(
                "a move through the API did not appear on the open board without a reload"
                f" within {LIVE_MS / 1000:g} s (leads.events.v1 from the crm's outbox, the"
                " gateway's /api/v1/live, dashboard/src/live/leads.ts)"
            ) from exc
        await expect(card(page, "New", "Loja Azul")).to_have_count(0)
        assert await page.evaluate("() => window.__e2eSameDocument === true"), "the page reloaded"

        violations = await axe_violations(page)
        assert not violations, describe_violations("the pipeline board", violations)
        await screenshot(page, "en", "board")
    finally:
        await context.close()
