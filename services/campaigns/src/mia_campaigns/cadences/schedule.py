"""When a cadence's timers fall: waits, waits until a weekday and time, business hours.

Wall-clock times are the zone's (``zoneinfo``), so a wait until Monday 09:00 is 09:00 on
either side of a daylight-saving change. A time the change skips (02:30 on a spring-forward
night) is taken with the offset before it, which lands just after the gap.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

__all__ = ["inside_hours", "next_open", "next_weekday_time", "wait_delta", "zone_of"]

_UNIT = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


def wait_delta(step: dict[str, Any]) -> timedelta:
    return timedelta(seconds=int(step["amount"]) * _UNIT[str(step["unit"])])


def zone_of(name: str | None, fallback: str) -> ZoneInfo:
    try:
        return ZoneInfo(name) if name else ZoneInfo(fallback)
    except (ValueError, KeyError):
        return ZoneInfo(fallback)


def next_weekday_time(days: list[int], at: time, zone: ZoneInfo, after: datetime) -> datetime:
    """The first moment after ``after`` that is ``at`` on one of ``days`` in ``zone``."""
    local = after.astimezone(zone)
    for offset in range(8):
        day = local.date() + timedelta(days=offset)
        if day.isoweekday() not in days:
            continue
        candidate = datetime.combine(day, at, tzinfo=zone)
        if candidate > after:
            return candidate.astimezone(UTC)
    raise ValueError("no listed weekday")  # days is never empty (schemas)


def inside_hours(window: dict[str, Any], moment: datetime, zone: ZoneInfo) -> bool:
    local = moment.astimezone(zone)
    start, end = time.fromisoformat(window["start"]), time.fromisoformat(window["end"])
    days = {int(day) for day in window["days"]}
    clock = local.time().replace(tzinfo=None)
    if start < end:
        return local.isoweekday() in days and start <= clock < end
    # A span past midnight belongs to the day it started (as the campaigns' send window).
    yesterday = (local - timedelta(days=1)).isoweekday()
    return (clock >= start and local.isoweekday() in days) or (clock < end and yesterday in days)


def next_open(window: dict[str, Any], moment: datetime, zone: ZoneInfo) -> datetime:
    """``moment`` when it is inside the business hours, else when they next open."""
    if inside_hours(window, moment, zone):
        return moment
    days = [int(day) for day in window["days"]]
    return next_weekday_time(days, time.fromisoformat(window["start"]), zone, moment)
