"""The profile's rules: lifecycle stages, languages (BCP 47), time zones (IANA), and the
time zone a contact's phone number implies while nobody set one."""

from __future__ import annotations

import re
import zoneinfo
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberType, is_number_type_geographical, number_type
from phonenumbers import timezone as phone_time_zones
from phonenumbers.tzdata import TIMEZONE_DATA, TIMEZONE_LONGEST_PREFIX

from mia_crm.models import Contact

__all__ = [
    "LANGUAGE_PATTERN",
    "canonical_language",
    "canonical_time_zone",
    "derived_time_zone",
    "time_zone_of",
]

# language[-script][-region][-variant...], e.g. pt, pt-BR, zh-Hant-TW, es-419.
LANGUAGE_PATTERN = (
    "^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?"
    "(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*$"
)
_LANGUAGE = re.compile(LANGUAGE_PATTERN)
_UNKNOWN_ZONE = "Etc/Unknown"
# A Brazilian E.164 number the way the crm stores them: +55, a two-digit area code without
# a 0, eight or nine digits.
_BRAZILIAN = re.compile(r"\+55[1-9][1-9][0-9]{8,9}")


def canonical_language(tag: str) -> str:
    """A BCP 47 tag in its usual case (``PT-br`` → ``pt-BR``); ValueError if it is none."""
    if not _LANGUAGE.fullmatch(tag):
        raise ValueError(f"{tag!r} is not a BCP 47 language tag (pt-BR, en, es-419)")
    parts = tag.split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            out.append(part.title())
        elif len(part) == 2 or (len(part) == 3 and part.isdigit()):
            out.append(part.upper())
        else:
            out.append(part.lower())
    return "-".join(out)


@lru_cache(maxsize=1)
def _zones() -> dict[str, str]:
    zones = zoneinfo.available_timezones() | {"UTC"}
    return {zone.lower(): zone for zone in zones}


def canonical_time_zone(name: str) -> str:
    """An IANA time zone name as the database spells it; ValueError if there is none."""
    zone = _zones().get(name.strip().lower())
    if zone is None:
        raise ValueError(f"{name!r} is not an IANA time zone (America/Sao_Paulo, UTC)")
    return zone


@lru_cache(maxsize=4096)  # bounded: an import sees every phone once
def derived_time_zone(phone: str | None) -> str | None:
    """The time zone of an E.164 number's country (or area, where the country has several,
    as phonenumbers knows them: +55 92 is America/Manaus); None when unknown.

    Brazilian numbers (most of the crm's) skip phonenumbers' parsing and number type
    (~80 µs): ``_brazilian_zones``."""
    if not phone:
        return None
    if _BRAZILIAN.fullmatch(phone):
        zones: tuple[str, ...] = _brazilian_zones(phone)
    else:
        try:
            number = phonenumbers.parse(phone, None)
        except phonenumbers.NumberParseException:
            return None
        zones = tuple(phone_time_zones.time_zones_for_number(number))
    zones = tuple(zone for zone in zones if zone)
    if not zones or zones[0] == _UNKNOWN_ZONE:
        return None
    return zones[0]


def _brazilian_zones(phone: str) -> tuple[str, ...]:
    """``time_zones_for_number`` of a Brazilian number, as phonenumbers answers it.

    Its answer depends on the number's type, then (for a geographical one) on the longest
    prefix of the number in its table. Brazil's patterns of fixed lines and mobiles decide
    the type by the area code, the first digit after it and the length (the rest is any
    digit; no other type of Brazilian number has these lengths without a 0 in the area
    code), so the type is asked of phonenumbers once for each of those, and the prefix is
    looked up as phonenumbers does. Tested against phonenumbers for every area code, first
    digit and length (services/crm/tests/imports/test_time_zones.py)."""
    national = phone[3:]
    ntype, country_zones = _brazilian_type(national[:3], len(national))
    if ntype == PhoneNumberType.UNKNOWN:
        return (_UNKNOWN_ZONE,)
    if country_zones is not None:
        return country_zones
    digits = phone[1:]
    for length in range(TIMEZONE_LONGEST_PREFIX, 0, -1):
        found = TIMEZONE_DATA.get(digits[:length])
        if found is not None:
            return tuple(found)
    return (_UNKNOWN_ZONE,)


@lru_cache(maxsize=4096)
def _brazilian_type(head: str, length: int) -> tuple[int, tuple[str, ...] | None]:
    """The type of Brazilian numbers starting with ``head`` (area code and first digit)
    of ``length`` national digits, and the country's zones when that type is not
    geographical."""
    number = phonenumbers.parse("+55" + head + "0" * (length - len(head)), None)
    ntype = number_type(number)
    if ntype != PhoneNumberType.UNKNOWN and not is_number_type_geographical(ntype, 55):
        return ntype, tuple(phone_time_zones.time_zones_for_number(number))
    return ntype, None


def time_zone_of(contact: Contact) -> tuple[str | None, bool]:
    """The contact's time zone and whether it is derived from the phone (none set)."""
    if contact.time_zone:
        return contact.time_zone, False
    derived = derived_time_zone(contact.phone)
    return derived, derived is not None
