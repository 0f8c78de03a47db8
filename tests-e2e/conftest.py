"""End-to-end tests: ``support`` (the stack of real service processes) is importable.

``shared_dashboard`` is the one stack (``support.browser.SERVICES``, the gateway serving the
dashboard's build) of the modules that neither kill nor restart a process or the broker:
starting one takes about a minute on two cores, so they share it, each with a company of
its own (``support.browser.new_company``). The modules that kill or restart something
start stacks of their own. The sharing modules (those that ask for ``shared_dashboard``)
run last, so the shared stack (stopped when the session ends) never idles beside another
module's.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from mia_common.settings import PlatformSettings
from support.browser import DashboardStack, dashboard_stack

SHARED = "shared_dashboard"


@pytest.fixture(scope="session")
async def shared_dashboard(platform_settings: PlatformSettings) -> AsyncIterator[DashboardStack]:
    async with dashboard_stack(platform_settings, require_build=False) as dashboard:
        for note in dashboard.notes:
            warnings.warn(note, stacklevel=1)
        yield dashboard


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The modules on the shared stack last (in their order), the others first."""
    items.sort(key=lambda item: SHARED in getattr(item, "fixturenames", ()))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Lists the files the browser tests wrote (screenshots), when they ran."""
    browser = sys.modules.get("support.browser")
    artifacts = getattr(browser, "ARTIFACTS", None)
    if artifacts:
        terminalreporter.section("browser artifacts")
        for path in artifacts:
            terminalreporter.write_line(str(path))
