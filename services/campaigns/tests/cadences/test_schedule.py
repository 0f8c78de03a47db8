"""When cadence timers fall: wall-clock times in the zone, daylight saving included."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from mia_campaigns.cadences.schedule import inside_hours, next_open, next_weekday_time

NEW_YORK = ZoneInfo("America/New_York")
WEEKDAYS = [1, 2, 3, 4, 5]


def test_waiting_until_monday_nine_across_the_spring_forward_night_is_nine_local() -> None:
    # Saturday 13 March 2027, noon in New York (EST, UTC-5); clocks go forward on the 14th.
    saturday = datetime(2027, 3, 13, 17, 0, tzinfo=UTC)

    monday = next_weekday_time([1], time(9, 0), NEW_YORK, saturday)

    assert monday == datetime(2027, 3, 15, 13, 0, tzinfo=UTC)  # 09:00 EDT (UTC-4)
    assert monday.astimezone(NEW_YORK).time() == time(9, 0)


def test_waiting_until_a_time_still_ahead_today_is_today() -> None:
    tuesday_morning = datetime(2027, 3, 16, 12, 0, tzinfo=UTC)  # 08:00 in New York

    assert next_weekday_time(WEEKDAYS, time(9, 0), NEW_YORK, tuesday_morning) == datetime(
        2027, 3, 16, 13, 0, tzinfo=UTC
    )
    # Past it today: the next listed day.
    assert next_weekday_time([2], time(7, 0), NEW_YORK, tuesday_morning) == datetime(
        2027, 3, 23, 11, 0, tzinfo=UTC
    )


def test_a_time_the_clocks_skip_lands_just_after_the_gap() -> None:
    saturday = datetime(2027, 3, 13, 17, 0, tzinfo=UTC)

    sunday = next_weekday_time([7], time(2, 30), NEW_YORK, saturday)

    assert sunday.astimezone(NEW_YORK).replace(tzinfo=None) == datetime(2027, 3, 14, 3, 30)


def test_business_hours_open_now_or_at_the_next_listed_day() -> None:
    hours = {"days": WEEKDAYS, "start": "09:00", "end": "18:00", "time_zone": "America/New_York"}
    friday_evening = datetime(2027, 3, 19, 23, 0, tzinfo=UTC)  # 19:00 EDT
    monday_noon = datetime(2027, 3, 22, 16, 0, tzinfo=UTC)

    assert next_open(hours, monday_noon, NEW_YORK) == monday_noon
    assert next_open(hours, friday_evening, NEW_YORK) == datetime(2027, 3, 22, 13, 0, tzinfo=UTC)


def test_a_night_span_belongs_to_the_day_it_started() -> None:
    nights = {"days": [5], "start": "22:00", "end": "06:00", "time_zone": "America/New_York"}

    saturday_two = datetime(2027, 3, 20, 6, 0, tzinfo=UTC)  # Saturday 02:00 EDT
    sunday_two = datetime(2027, 3, 21, 6, 0, tzinfo=UTC)

    assert inside_hours(nights, saturday_two, NEW_YORK)
    assert not inside_hours(nights, sunday_two, NEW_YORK)
