"""The time zone derived from a phone: the fast path for Brazilian numbers answers what
phonenumbers answers."""

from __future__ import annotations

import random

import phonenumbers
from phonenumbers import timezone as phone_time_zones

from mia_crm.contacts.profile import derived_time_zone


def _phonenumbers_zone(phone: str) -> str | None:
    zones = [z for z in phone_time_zones.time_zones_for_number(phonenumbers.parse(phone, None))]
    zones = [z for z in zones if z]
    return None if not zones or zones[0] == "Etc/Unknown" else zones[0]


def test_every_brazilian_area_first_digit_and_length_gets_the_zone_phonenumbers_gives() -> None:
    rng = random.Random(5)
    checked = 0
    for area in range(11, 100):
        if area % 10 == 0:
            continue
        for first in "0123456789":
            for length in (10, 11):
                for _ in range(4):
                    rest = "".join(rng.choice("0123456789") for _ in range(length - 3))
                    phone = f"+55{area}{first}{rest}"
                    assert derived_time_zone.__wrapped__(phone) == _phonenumbers_zone(phone), phone
                    checked += 1
    assert checked == 81 * 10 * 2 * 4


def test_known_brazilian_areas_and_other_countries() -> None:
    assert derived_time_zone("+5511987654321") == "America/Sao_Paulo"
    assert derived_time_zone("+5592987654321") == "America/Manaus"
    assert derived_time_zone("+14155552671") == _phonenumbers_zone("+14155552671")
    assert derived_time_zone("+351912345678") == _phonenumbers_zone("+351912345678")
    assert derived_time_zone("+5500000000000") is None
    assert derived_time_zone("nonsense") is None
    assert derived_time_zone(None) is None
