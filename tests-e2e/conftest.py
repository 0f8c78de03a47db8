"""End-to-end tests: ``support`` (the stack of real service processes) is importable."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
