"""Whether a persona's business hours are open at a moment."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

__all__ = ["open_at"]


def open_at(business_hours: dict[str, Any] | None, moment: datetime) -> bool:
    if not business_hours:
        return True
    local = moment.astimezone(ZoneInfo(business_hours["time_zone"]))
    if local.weekday() not in business_hours["days"]:
        return False
    clock = local.strftime("%H:%M")
    return bool(business_hours["start"] <= clock < business_hours["end"])
