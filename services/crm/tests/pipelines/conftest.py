"""The board fixtures: a tenant's pipelines, contacts and leads (support.boards)."""

from __future__ import annotations

import pytest

from support.boards import Boards
from support.world import World


@pytest.fixture
def boards(world: World) -> Boards:
    return Boards(world)
