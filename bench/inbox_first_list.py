"""The dashboard's inbox in a real browser: navigation to /inbox until the first
conversation row is visible, cold and warm, p50/p90/max, and the JavaScript it took.

usage: .venv/bin/python bench/inbox_first_list.py [--conversations 50] [--repeat 10] [--quick]

Needs the local PostgreSQL and Redis (`deploy/local/infra.sh up`), Java (the stack runs a
throw-away Kafka broker of its own), Debian's Chromium (`deploy/local/chromium.sh`) and
the dashboard's build (`deploy/local/dashboard.sh build`). Starts the Meta sandbox,
meta-ingest, the sender, the crm and the gateway serving a copy of ``dashboard/dist`` as
real uvicorn processes, as the browser end-to-end tests do (``tests-e2e/support/browser.py``:
per-run databases and broker, removed at the end, on failure or Ctrl-C too). Connects a
sandbox number to the gateway's first company through the gateway's API, and
--conversations sandbox customers write in (one message each); the inbox API shows them
all before measuring.

Headless Chromium (Playwright) then opens /inbox:

- cold, --repeat times: each in a new browser profile (no HTTP cache, no service worker),
  whose session comes from logging in through the gateway's API in that profile (the login
  page would have cached the app's files), so the app's HTML, JS and CSS all come over the
  network;
- warm, --repeat times: one profile that logged in through the login page and opened the
  inbox once, then navigates to /inbox again each time (HTTP cache, and the PWA's service
  worker once it has installed: the way a returning user opens the app).

Each sample's time is measured in the page: from the navigation's start (the time origin of
``performance.now()``) to the animation frame after the first conversation row was added to
the document with a size (a MutationObserver installed before the page's own scripts); the
row is then also checked to be visible through its accessible name (an option of the
conversation list, named after the customer). It includes restoring the session from the
refresh cookie (``/api/v1/auth/refresh``), ``/api/v1/me`` and the first page of
``/api/v1/inbox/conversations`` through the gateway to the crm. JS transferred: the Resource
Timing entries of the scripts fetched until then (``transferSize``: bytes over the network
with headers, 0 from a cache; and their decoded size).

Caveats: every process (the services, Kafka, PostgreSQL, Redis, Chromium, this script)
shares this machine; on two cores the figures include waiting for a core, and another test
run on the machine slows them (the load average is printed). The login throttle is raised
for this stack, since every cold sample logs in.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import re
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# The end-to-end tests' stack: one way to run the services as real processes.
sys.path.insert(0, str(ROOT / "tests-e2e"))

from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect  # noqa: E402

from mia_common.settings import PlatformSettings  # noqa: E402
from mia_meta_sandbox.client import SandboxClient  # noqa: E402
from support.browser import (  # noqa: E402
    DashboardStack,
    api_token,
    chromium_problem,
    connect_number,
    customer_writes,
    dashboard_problem,
    dashboard_stack,
    launch,
    log_in,
)

NAME = "Bench customer"
ROW_TIMEOUT_MS = 30_000
# Marks when the first conversation row is in the document with a size, in the page's own
# clock, before the app's scripts run (an init script).
FIRST_ROW_PROBE = """
(() => {
  const found = () => {
    for (const row of document.querySelectorAll('[role="option"]')) {
      if ((row.textContent || '').includes(%s)) {
        const box = row.getBoundingClientRect();
        if (box.width > 0 && box.height > 0) return true;
      }
    }
    return false;
  };
  const observer = new MutationObserver(() => {
    if (window.__firstRowAt !== undefined || !found()) return;
    window.__firstRowAt = null;
    observer.disconnect();
    requestAnimationFrame(() => { window.__firstRowAt = performance.now(); });
  });
  observer.observe(document, { childList: true, subtree: true });
})();
"""
SCRIPTS = """
() => performance.getEntriesByType('resource')
  .filter(e => e.initiatorType === 'script' || /\\.m?js(\\?|$)/.test(e.name))
  .map(e => ({ name: e.name, transfer: e.transferSize, decoded: e.decodedBodySize }))
"""


async def seed(dashboard: DashboardStack, sandbox: SandboxClient, count: int) -> str:
    """``count`` customers write in; returns the owner's access token once all show."""
    async with dashboard.gateway() as gateway:
        token = await api_token(gateway, dashboard.admin_email, dashboard.admin_password)
        gateway.headers["Authorization"] = f"Bearer {token}"
        dashboard.phone_number_id = await connect_number(dashboard, sandbox, token)
        gate = asyncio.Semaphore(8)

        async def one(index: int) -> None:
            async with gate:
                await customer_writes(
                    sandbox,
                    dashboard.phone_number_id,
                    phone=f"+55219{index:08d}",
                    name=f"{NAME} {index:03d}",
                    text=f"Hello from customer {index}",
                )

        await asyncio.gather(*(one(index) for index in range(count)))
        deadline = asyncio.get_running_loop().time() + 60
        while True:
            page = await gateway.get("/api/v1/inbox/conversations", params={"limit": 200})
            page.raise_for_status()
            if len(page.json()["items"]) >= count:
                return token
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"{count} conversations not in the inbox within 60 s")
            await asyncio.sleep(0.2)


async def profile(browser: Browser, url: str, *, service_workers: str) -> BrowserContext:
    context = await browser.new_context(
        base_url=url,
        locale="en-US",
        viewport={"width": 1280, "height": 800},
        service_workers=service_workers,  # type: ignore[arg-type]
    )
    context.set_default_timeout(ROW_TIMEOUT_MS)
    await context.add_init_script(FIRST_ROW_PROBE % repr(NAME))
    return context


async def open_inbox(page: Page) -> dict[str, Any]:
    """One sample: navigate to /inbox, wait for the first row; its time and scripts."""
    await page.goto("/inbox")
    try:
        await expect(page.get_by_role("option", name=re.compile(NAME)).first).to_be_visible(
            timeout=ROW_TIMEOUT_MS
        )
    except AssertionError as exc:
        shown = (await page.inner_text("body"))[:500]
        raise AssertionError(
            f"no conversation row at {page.url}; the page shows {shown!r}"
        ) from exc
    await page.wait_for_function("() => typeof window.__firstRowAt === 'number'")
    at = await page.evaluate("() => window.__firstRowAt")
    scripts = await page.evaluate(SCRIPTS)
    controlled = await page.evaluate("() => Boolean(navigator.serviceWorker?.controller)")
    return {"ms": float(at), "scripts": scripts, "service_worker": controlled}


def percentile(ordered: list[float], pct: float) -> float:
    """Nearest rank: the smallest value with at least pct % of the samples at or below it."""
    return ordered[max(0, math.ceil(len(ordered) * pct / 100) - 1)]


def summary(label: str, samples: list[dict[str, Any]]) -> None:
    times = sorted(s["ms"] for s in samples)
    transfer = [sum(x["transfer"] for x in s["scripts"]) / 1024 for s in samples]
    decoded = [sum(x["decoded"] for x in s["scripts"]) / 1024 for s in samples]
    scripts = [len(s["scripts"]) for s in samples]
    workers = sum(s["service_worker"] for s in samples)
    print(
        f"  {label:<6} first row ms  p50 {percentile(times, 50):7.0f}   p90"
        f" {percentile(times, 90):7.0f}   max {times[-1]:7.0f}   min {times[0]:7.0f}"
        f"   ({len(times)} samples)"
    )
    print(
        f"         JS until then   {max(scripts)} scripts, {statistics.median(transfer):.1f} kB"
        f" transferred (median; max {max(transfer):.1f}), {statistics.median(decoded):.1f} kB"
        f" decoded; service worker controlled {workers} of {len(samples)} loads"
    )


async def measure(dashboard: DashboardStack, args: argparse.Namespace) -> None:
    async with SandboxClient(dashboard.stack["meta-sandbox"].url) as sandbox:
        await seed(dashboard, sandbox, args.conversations)
    async with async_playwright() as playwright:
        browser = await launch(playwright)
        try:
            cold = []
            for _ in range(args.repeat):
                context = await profile(browser, dashboard.url, service_workers="block")
                try:
                    login = await context.request.post(
                        "/api/v1/auth/login",
                        data={"email": dashboard.admin_email, "password": dashboard.admin_password},
                    )
                    assert login.ok, await login.text()
                    cold.append(await open_inbox(await context.new_page()))
                finally:
                    await context.close()

            context = await profile(browser, dashboard.url, service_workers="allow")
            try:
                page = await context.new_page()
                await log_in(page, dashboard.admin_email, dashboard.admin_password)
                await expect(
                    page.get_by_role("option", name=re.compile(NAME)).first
                ).to_be_visible()
                warm = [await open_inbox(page) for _ in range(args.repeat)]
            finally:
                await context.close()
            version = browser.version
        finally:
            await browser.close()

    largest = sorted(cold[0]["scripts"], key=lambda s: -s["transfer"])[:5]
    print(
        f"inbox first list: navigation to /inbox -> first conversation row visible"
        f"   (Chromium {version}, headless; {args.conversations} conversations)"
    )
    print(
        f"  machine        nproc {len(os.sched_getaffinity(0))}   load average"
        f" {os.getloadavg()[0]:.2f} (1 min, at the end); the stack, Kafka, PostgreSQL, Redis and"
        " Chromium share it"
    )
    summary("cold", cold)
    summary("warm", warm)
    print(
        "  largest (cold) "
        + ", ".join(f"{Path(s['name']).name} {s['transfer'] / 1024:.1f} kB" for s in largest)
    )


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=10, help="samples cold and warm")
    parser.add_argument("--quick", action="store_true", help="20 conversations, 3 samples")
    args = parser.parse_args()
    if args.quick:
        args.conversations, args.repeat = 20, 3
    if not 1 <= args.conversations <= 200 or args.repeat < 1:
        parser.error("--conversations must be 1 to 200 and --repeat positive")
    problem = chromium_problem() or dashboard_problem()
    if problem:
        parser.exit(2, f"inbox_first_list: {problem}\n")
    env = {"MIA_GATEWAY_LOGIN_ATTEMPTS_PER_MINUTE": "1000"}
    async with dashboard_stack(PlatformSettings(), env) as dashboard:
        for note in dashboard.notes:
            print(f"  note           {note}")
        try:
            await measure(dashboard, args)
        finally:
            print(f"  logs           .local/e2e-logs/*-{dashboard.stack.run_id}.log")


if __name__ == "__main__":
    asyncio.run(main())
