"""The contacts import wizard in headless Chromium, against the real stack (the gateway
serving the dashboard's build; the crm behind it, its job runner doing the import).

On the session's shared stack, in a company of the module's own. A file as Excel in Brazil
saves it: semicolon-separated, Windows-1252, accents in names, Brazilian phone formats, and
one row without a usable phone or email. Through the wizard:
upload it, check the suggested mapping, see the bad row in the preview, run the import and
watch its progress, then the report's counts and the rejected row (row number and reason);
finally an imported contact is found in the contacts list, its accents intact.

Every wait is on a condition with a deadline (Playwright's ``expect``). Chromium missing is
a failure that says how to install it, never a skip.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

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

# The shared stack starts within the first test's deadline (about a minute on two cores).
pytestmark = pytest.mark.timeout(240)

IMPORT_MS = 60_000  # ms: the crm's job runner claims the import and finishes three rows

# Row 1 is the header, as a spreadsheet numbers rows; row 4 has neither phone nor email.
ROWS = [
    "Nome;Celular;E-mail;Cidade",
    "José Conceição;(11) 98765-4321;jose@example.com;São Paulo",
    "Maria Antônia Ribeiro;+55 21 99876-5432;;Niterói",
    "Sem Número;12;;Belém",
]
CSV_BYTES = ("\r\n".join(ROWS) + "\r\n").encode("cp1252")


@dataclass
class World:
    dashboard: DashboardStack
    company: Company

    @property
    def url(self) -> str:
        return self.dashboard.url


@pytest.fixture(scope="module")
def chromium() -> None:
    problem = chromium_problem() or dashboard_problem()
    if problem:
        pytest.fail(problem, pytrace=False)


@pytest.fixture(scope="module")
async def world(chromium: None, shared_dashboard: DashboardStack) -> World:
    return World(shared_dashboard, await new_company(shared_dashboard, "Import Company"))


@pytest.fixture(scope="module")
async def browser(chromium: None) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await launch(playwright)
        try:
            yield browser
        finally:
            await browser.close()


async def choose(page: Page, label: str, option: str) -> None:
    """A Mantine select: open it by its label, click the option."""
    await page.get_by_role("textbox", name=label, exact=True).click()
    await page.get_by_role("option", name=option, exact=True).click()


async def test_a_semicolon_cp1252_csv_is_imported_through_the_wizard(
    world: World, browser: Browser, tmp_path: Path
) -> None:
    csv = tmp_path / "contatos.csv"
    csv.write_bytes(CSV_BYTES)
    context = await new_context(browser, world.url)
    try:
        page = await context.new_page()
        await log_in(
            page,
            world.company.email,
            world.company.password,
            path="/contacts/import",
        )

        # 1. Upload: Mantine's file input is a button over a hidden <input type=file>.
        await expect(page.get_by_role("heading", name="Import contacts")).to_be_visible()
        await page.locator('input[type="file"]').set_input_files(str(csv))
        await page.get_by_role("button", name="Upload and read").click()

        # 2. Map: the crm read the encoding and the delimiter, and suggested the targets.
        mapping = page.get_by_role("table", name="Columns and where they go")
        await expect(mapping).to_be_visible()
        await expect(
            page.get_by_text(re.compile(r"4 columns \(cp1252, separated by “;”\)"))
        ).to_be_visible()
        await expect(mapping.get_by_text(re.compile("José Conceição"))).to_be_visible()
        await expect(page.get_by_role("textbox", name="Where the column Nome goes")).to_have_value(
            re.compile("name", re.IGNORECASE)
        )
        await expect(
            page.get_by_role("textbox", name="Where the column Celular goes")
        ).to_have_value("Phone")
        await choose(page, "Where the column E-mail goes", "Email")
        await choose(page, "Where the column Cidade goes", "Do not import")
        await page.get_by_role("button", name="Preview", exact=True).click()

        # 3. Preview: the bad row, with its row number and the column at fault.
        await expect(
            page.get_by_role("table", name="The first rows as they will be imported")
        ).to_be_visible()
        problems = page.get_by_role("list", name="Problems")
        await expect(problems.get_by_text(re.compile(r"^Row 4, "))).to_be_visible()
        await page.get_by_role("button", name="Next: options").click()

        # 4. Options as they are (update existing, no tags, no consent); 5. run.
        await expect(
            page.get_by_role("radio", name="Update them with the file's values")
        ).to_be_checked()
        violations = await axe_violations(page)
        assert not violations, describe_violations("import wizard (options)", violations)
        await page.get_by_role("button", name="Import", exact=True).click()

        # 6. The report: two contacts created, one row rejected, and why.
        report = page.get_by_label("Import report")
        await expect(report).to_be_visible(timeout=IMPORT_MS)
        await expect(report.get_by_test_id("report-created")).to_have_text("2")
        await expect(report.get_by_test_id("report-rejected")).to_have_text("1")
        await expect(report.get_by_test_id("report-total")).to_have_text("3")
        rejected = page.get_by_role("table", name="Rejected rows")
        await expect(rejected.get_by_role("row").nth(1)).to_contain_text("4")
        await expect(
            page.get_by_role("button", name="Download the rejected rows (CSV)")
        ).to_be_visible()
        violations = await axe_violations(page)
        assert not violations, describe_violations("import wizard (report)", violations)

        # The imported contacts are in the list, accents and E.164 phones intact.
        await page.get_by_role("link", name="See the contacts").click()
        table = page.get_by_role("table", name="Contacts")
        await expect(table.get_by_role("link", name="José Conceição")).to_be_visible()
        await expect(table.get_by_text("+5511987654321")).to_be_visible()
        await expect(table.get_by_role("link", name="Maria Antônia Ribeiro")).to_be_visible()
        await expect(table.get_by_role("link", name="Sem Número")).to_have_count(0)
        await page.get_by_role("textbox", name="Search contacts").fill("Conceição")
        await expect(table.get_by_role("link", name="Maria Antônia Ribeiro")).to_have_count(0)
        await expect(table.get_by_role("link", name="José Conceição")).to_be_visible()
        violations = await axe_violations(page)
        assert not violations, describe_violations("contacts", violations)
    finally:
        await context.close()
