"""The imports tests' fixtures."""

from __future__ import annotations

import pytest
from imports.importer import Importer

from support.world import World


@pytest.fixture
def importer(world: World) -> Importer:
    return Importer(world)
