"""Fixtures of the plumbing tests: the test schema's migrations, and the support package."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).parent
# The support package (models, migrations, subprocess scripts) imports as `support`,
# also from the relay subprocesses and from Alembic's env.
sys.path.insert(0, str(TESTS_DIR))


@pytest.fixture(scope="session")
def alembic_script_location() -> Path:
    return TESTS_DIR / "support" / "migrations"
