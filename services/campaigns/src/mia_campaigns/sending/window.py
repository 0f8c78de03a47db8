"""Send windows: which queued recipients may be sent to now.

A window is days of the week and a span of the day in a time zone: the campaign's, or
each contact's own (``per_contact``; a contact without a known zone takes the
campaign's). The fill asks PostgreSQL for the rows whose local time is inside it
(``timezone(zone, now)``), so no recipient is read only to be skipped, and daylight-saving
changes are PostgreSQL's tz database's business. A zone the database might not know
never reaches it: contacts' zones are checked against ``zoneinfo`` when the audience is
frozen.
"""

from __future__ import annotations

from datetime import datetime, time
from functools import lru_cache
from typing import Any
from zoneinfo import available_timezones

from sqlalchemy import ColumnElement, Time, and_, cast, func, literal, or_, text

from mia_campaigns.models import Recipient

__all__ = ["known_time_zones", "window_condition"]


@lru_cache(maxsize=1)
def known_time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def window_condition(window: dict[str, Any], now: datetime) -> ColumnElement[bool]:
    """The recipients ``window`` lets through at ``now``."""
    zone: ColumnElement[Any] = literal(window["time_zone"])
    if window.get("per_contact"):
        zone = func.coalesce(Recipient.values["time_zone"].astext, zone)
    local = func.timezone(zone, literal(now))
    start, end = time.fromisoformat(window["start"]), time.fromisoformat(window["end"])
    clock = cast(local, Time)
    inside = and_(clock >= start, clock < end) if start < end else or_(clock >= start, clock < end)
    days = [int(day) for day in window["days"]]
    weekday = func.extract("isodow", local)
    if start < end:
        return and_(inside, weekday.in_(days))
    # A span past midnight belongs to the day it started: Friday 22:00-06:00 includes
    # Saturday 02:00.
    day_before = func.extract("isodow", local - text("interval '1 day'"))
    return or_(and_(clock >= start, weekday.in_(days)), and_(clock < end, day_before.in_(days)))
