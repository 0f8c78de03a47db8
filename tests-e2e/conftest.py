"""End-to-end tests: ``support`` (the stack of real service processes) is importable."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Lists the files the browser tests wrote (screenshots), when they ran."""
    browser = sys.modules.get("support.browser")
    artifacts = getattr(browser, "ARTIFACTS", None)
    if artifacts:
        terminalreporter.section("browser artifacts")
        for path in artifacts:
            terminalreporter.write_line(str(path))
