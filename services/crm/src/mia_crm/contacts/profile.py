"""The profile's rules: lifecycle stages, languages (BCP 47), time zones (IANA), and the
time zone a contact's phone number implies while nobody set one."""

from __future__ import annotations

import re
import zoneinfo
from functools import lru_cache

import phonenumbers
from phonenumbers import timezone as phone_time_zones

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


@lru_cache(maxsize=65536)
def derived_time_zone(phone: str | None) -> str | None:
    """The time zone of an E.164 number's country (or area, where the country has several,
    as phonenumbers knows them: +55 92 is America/Manaus); None when unknown."""
    if not phone:
        return None
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return None
    zones = [zone for zone in phone_time_zones.time_zones_for_number(number) if zone]
    if not zones or zones[0] == _UNKNOWN_ZONE:
        return None
    return zones[0]


def time_zone_of(contact: Contact) -> tuple[str | None, bool]:
    """The contact's time zone and whether it is derived from the phone (none set)."""
    if contact.time_zone:
        return contact.time_zone, False
    derived = derived_time_zone(contact.phone)
    return derived, derived is not None
