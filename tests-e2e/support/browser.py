"""The dashboard in a real browser: Debian's Chromium driven by Python Playwright, against
the gateway serving the dashboard's build, with the messaging core behind it.

``dashboard_stack`` starts the stack (``SERVICES`` as processes on a broker of their own)
with the gateway serving a copy of ``dashboard/dist`` (other people rebuild it while tests
run: a rebuild removes the hashed files a loaded page still asks for).
The end-to-end modules that neither kill nor restart anything share one for the session
(``shared_dashboard`` in ``tests-e2e/conftest.py``): each signs up a company of its own
(``new_company``), so none sees another's data, and each company's owner has an address of
its own, so the gateway's login throttle, kept in the Redis every end-to-end stack shares,
counts only that module's logins. ``connect_number`` and ``customer_writes`` give a company a
sandbox number and conversations; ``launch`` starts Chromium; ``log_in`` uses the login page;
``axe_violations`` runs axe-core (``dashboard/node_modules/axe-core``) on a page.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx
from playwright.async_api import Browser, BrowserContext, Page, Playwright, expect

from mia_common.settings import PlatformSettings
from mia_common.testing import wait_until
from mia_meta_sandbox.client import SandboxClient
from support.channels import connect_through
from support.processes import ROOT
from support.stack import ADMIN_PASSWORD, Stack, messaging_stack

__all__ = [
    "ARTIFACTS",
    "AXE",
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "DIST",
    "SCREENSHOTS",
    "Company",
    "DashboardStack",
    "api_token",
    "axe_violations",
    "chromium_problem",
    "connect_number",
    "conversation_of",
    "customer_writes",
    "dashboard_problem",
    "dashboard_stack",
    "describe_violations",
    "launch",
    "log_in",
    "new_company",
    "new_context",
    "screenshot",
    "sign_up",
]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DIST = ROOT / "dashboard" / "dist"
AXE = ROOT / "dashboard" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "tests-e2e" / "artifacts" / "screenshots"
SNAPSHOTS = ROOT / ".local" / "e2e-dashboard"
# campaigns too: the campaign wizard and a campaign's live page run on the shared stack;
# and the ai-agent: personas answer customers there, and the dashboard's AI pages use it.
SERVICES = ("meta-sandbox", "meta-ingest", "sender", "crm", "campaigns", "ai-agent", "gateway")
VIEWPORT = {"width": 1280, "height": 800}
# Sent, delivered and read this long after the sandbox accepts a send: seconds apart, so a
# page shows "delivered" long enough to be seen before "read".
STATUS_DELAYS = "0.3,1.0,4.5"
BUILD_WAIT_SECONDS = 120.0

ARTIFACTS: list[Path] = []
"""Files the browser tests wrote this session (the terminal summary lists them)."""


def chromium_problem() -> str | None:
    """Why Chromium cannot be used, or None."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return None
    return (
        f"Debian's Chromium is not installed ({CHROMIUM} is missing): the dashboard's browser"
        " tests need it. Run deploy/local/chromium.sh (make test does), or"
        " `sudo apt-get install chromium`."
    )


def dashboard_problem() -> str | None:
    """Why the dashboard's build cannot be served, or None."""
    if not DIST.is_dir():
        return (
            f"the dashboard is not built ({DIST} is missing): run"
            " deploy/local/dashboard.sh build (make test does)"
        )
    if not AXE.is_file():
        return f"axe-core is missing ({AXE}): run deploy/local/dashboard.sh install"
    return None


def _complete(dist: Path) -> bool:
    """index.html and every file it names are there (a build writes index.html last)."""
    index = dist / "index.html"
    if not index.is_file():
        return False
    names = re.findall(r'(?:src|href)="/([^"?#]+)"', index.read_text(encoding="utf-8"))
    return all((dist / name).is_file() for name in names)


async def _snapshot_dist(seconds: float = BUILD_WAIT_SECONDS) -> Path:
    """A copy of the build, served for the whole run whatever happens to dist/ meanwhile.
    A build under way empties dist/ first: its end is waited for (up to ``seconds``)."""
    SNAPSHOTS.mkdir(parents=True, exist_ok=True)

    def copied() -> Path | None:
        """A complete copy of dist/, or None while a build is writing it."""
        if not _complete(DIST):
            return None
        target = SNAPSHOTS / uuid.uuid4().hex[:8]
        shutil.copytree(DIST, target, dirs_exist_ok=True)
        if _complete(target):
            return target
        shutil.rmtree(target, ignore_errors=True)  # the build moved on while we copied
        return None

    # Copying is file work: in a thread, so the event loop (and the stack) keep running.
    return await wait_until(
        lambda: asyncio.to_thread(copied),
        timeout=seconds,
        interval=1.0,
        message=(
            f"a complete build in {DIST} (index.html and the files it names;"
            " deploy/local/dashboard.sh build makes one)"
        ),
    )


def _newest_source_change() -> float:
    sources = ROOT / "dashboard" / "src"
    return max((p.stat().st_mtime for p in sources.rglob("*") if p.is_file()), default=0.0)


@dataclass
class DashboardStack:
    stack: Stack
    admin_email: str
    admin_password: str
    dist: Path
    phone_number_id: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.stack["gateway"].url

    def gateway(self, token: str | None = None) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.AsyncClient(base_url=self.url, headers=headers, timeout=30.0, trust_env=False)


@asynccontextmanager
async def dashboard_stack(
    settings: PlatformSettings,
    extra_env: dict[str, str] | None = None,
    *,
    require_build: bool = True,
) -> AsyncIterator[DashboardStack]:
    """The stack with the gateway serving a copy of the dashboard's build. Without
    ``require_build`` a missing build is a note, not a failure: the gateway then serves no
    dashboard (the API-only tests on a shared stack need none; the browser tests check the
    build themselves and fail saying how to make one)."""
    problem = dashboard_problem()
    if problem and require_build:
        raise AssertionError(problem)
    notes = []
    dist: Path | None = None
    if problem:
        notes.append(problem)
    else:
        dist = await _snapshot_dist()
        age = _newest_source_change() - (dist / "index.html").stat().st_mtime
        if age > 0:
            notes.append(
                f"dashboard/dist is older than dashboard/src by {age / 60:.0f} min: the browser"
                " sees the last build (deploy/local/dashboard.sh build makes a new one)"
            )
    email = f"owner-{uuid.uuid4().hex[:8]}@e2e.example.com"
    env = {
        # No build: a directory that does not exist, so the gateway serves no dashboard.
        "MIA_GATEWAY_DASHBOARD_DIR": str(dist or SNAPSHOTS / "none"),
        "MIA_ADMIN_EMAIL": email,
        "MIA_GATEWAY_SIGNUP_ENABLED": "true",
        "MIA_SANDBOX_STATUS_DELAYS": STATUS_DELAYS,
        **(extra_env or {}),
    }
    try:
        async with messaging_stack(settings, SERVICES, env) as stack:
            yield DashboardStack(stack, email, ADMIN_PASSWORD, dist or DIST, notes=notes)
    finally:
        if dist is not None:
            shutil.rmtree(dist, ignore_errors=True)


@dataclass(frozen=True)
class Company:
    """A company of its own on a (shared) stack, signed up by its owner."""

    name: str
    email: str
    password: str
    token: str
    """the owner's access token (valid for the gateway's access_token_seconds, 15 min)"""


async def new_company(dashboard: DashboardStack, name: str) -> Company:
    """A new company and its owner, through self-service sign-up, with an address of its own
    (so the gateway's per-account login throttle counts only its own logins)."""
    email = f"owner-{uuid.uuid4().hex[:8]}@e2e.example.com"
    password = f"E2e-{uuid.uuid4().hex[:8]}-pass-42"
    async with dashboard.gateway() as gateway:
        token = await sign_up(gateway, name, email, password)
    return Company(name, email, password, token)


async def api_token(gateway: httpx.AsyncClient, email: str, password: str) -> str:
    answer = await gateway.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


async def sign_up(gateway: httpx.AsyncClient, company: str, email: str, password: str) -> str:
    """A new company and its owner through self-service sign-up; the owner's access token."""
    answer = await gateway.post(
        "/api/v1/auth/signup",
        json={"company": company, "name": f"{company} owner", "email": email, "password": password},
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["access_token"])


async def connect_number(dashboard: DashboardStack, sandbox: SandboxClient, token: str) -> str:
    """A sandbox number connected to the token's company through the gateway, as an admin
    does on the connections page; returns its phone number id once meta-ingest knows it."""
    async with dashboard.gateway(token) as gateway:
        connected = await connect_through(
            gateway, dashboard.stack, sandbox, throughput_per_second=80, messaging_tier="unlimited"
        )
    return connected.phone_number_id


async def customer_writes(
    sandbox: SandboxClient,
    phone_number_id: str,
    *,
    phone: str,
    name: str,
    text: str,
) -> None:
    """A sandbox customer writes; returns once meta-ingest accepted Meta's webhook."""
    answer = await sandbox.customer_message(
        phone_number_id=phone_number_id, from_=phone, name=name, text=text, await_delivery=True
    )
    assert answer.delivered, answer


async def conversation_of(
    gateway: httpx.AsyncClient, phone: str, *, text: str | None = None, seconds: float = 30
) -> dict[str, Any]:
    """The inbox API's conversation with ``phone`` (once its last message is ``text``)."""

    async def found() -> dict[str, Any] | None:
        page = await gateway.get("/api/v1/inbox/conversations", params={"limit": 200})
        assert page.status_code == 200, page.text
        for item in page.json()["items"]:
            if item["contact"]["phone"] == phone and (
                text is None or item["last_message"]["preview"] == text
            ):
                return dict(item)
        return None

    return await wait_until(found, timeout=seconds, message=f"the conversation with {phone}")


# --- the browser ---------------------------------------------------------------------------


async def launch(playwright: Playwright) -> Browser:
    problem = chromium_problem()
    if problem:
        raise AssertionError(problem)
    return await playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )


async def new_context(
    browser: Browser,
    base_url: str,
    *,
    locale: str = "en-US",
    service_workers: Literal["allow", "block"] = "block",
) -> BrowserContext:
    """A fresh profile (no cookie, empty localStorage). Service workers are blocked unless a
    test is about them: the PWA's would precache every chunk in the background and could
    offer an update mid-test."""
    context = await browser.new_context(
        base_url=base_url,
        locale=locale,
        viewport=VIEWPORT,  # type: ignore[arg-type]
        service_workers=service_workers,
        reduced_motion="reduce",
    )
    context.set_default_timeout(15_000)
    return context


async def log_in(page: Page, email: str, password: str, *, path: str = "/inbox") -> None:
    """Through the login page, as a person does: ``path`` sends a signed-out browser there."""
    await page.goto(path)
    await expect(page).to_have_url(re.compile(r"/login"))
    await page.get_by_label("Email").fill(email)
    await page.get_by_label(re.compile(r"^Password")).fill(password)
    await page.get_by_role("button", name="Log in", exact=True).click()
    await expect(page).to_have_url(re.compile(re.escape(path) + r"$"))


# --- accessibility -------------------------------------------------------------------------

SEVERE = ("serious", "critical")


async def axe_violations(page: Page, impacts: tuple[str, ...] = SEVERE) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now, those of the given impacts."""
    if not await page.evaluate("() => typeof window.axe !== 'undefined'"):
        await page.add_script_tag(path=str(AXE))
    result = await page.evaluate(
        "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
        " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " helpUrl: v.helpUrl, nodes: v.nodes.map(n => ({target: n.target, html: n.html,"
        " summary: n.failureSummary}))})); }"
    )
    return [v for v in result if v["impact"] in impacts]


def describe_violations(where: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{where}: {len(violations)} serious or critical accessibility violation(s)"]
    for violation in violations:
        lines.append(
            f"  [{violation['impact']}] {violation['id']}: {violation['help']}"
            f"  ({violation['helpUrl']})"
        )
        for node in violation["nodes"][:5]:
            target = " ".join(t if isinstance(t, str) else json.dumps(t) for t in node["target"])
            lines.append(f"      at {target}")
            lines.append(f"         {node['html'][:160]}")
            for summary in (node.get("summary") or "").splitlines():
                if summary.strip():
                    lines.append(f"         {summary.strip()}")
        if len(violation["nodes"]) > 5:
            lines.append(f"      … and {len(violation['nodes']) - 5} more element(s)")
    return "\n".join(lines)


async def screenshot(page: Page, language: str, name: str) -> Path:
    """tests-e2e/artifacts/screenshots/<language>/<name>.png, once fonts have loaded."""
    await page.evaluate("() => document.fonts.ready.then(() => true)")
    path = SCREENSHOTS / language / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(path), full_page=True)
    ARTIFACTS.append(path)
    return path
