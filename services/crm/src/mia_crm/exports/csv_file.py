"""Contacts as CSV, the way spreadsheets open it.

- UTF-8 with a byte order mark: without it Excel reads the file as Windows-1252 and
  "João" shows as "JoÃ£o". Lines end in CRLF, as RFC 4180 and Excel write them.
- Comma by default; semicolon on request, which Excel expects where the decimal
  separator is a comma (pt-BR).
- Columns: the profile, the tags (names, ", "-joined), then the chosen custom fields by key
  (a multi-select's options "; "-joined, booleans true/false, dates as stored: ISO).
- A cell that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR
  first) gets a leading ``'``, unless it is a number or a phone number (``+5511...``),
  which spreadsheets read as data.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Sequence
from typing import Any

from mia_common.spreadsheets import BOM
from mia_common.spreadsheets import spreadsheet_cell as _cell
from mia_crm.contacts.profile import time_zone_of
from mia_crm.models import Contact

__all__ = ["BOM", "DELIMITERS", "PROFILE_COLUMNS", "encode_header", "encode_rows"]

DELIMITERS = {"comma": ",", "semicolon": ";"}
PROFILE_COLUMNS = (
    "id",
    "name",
    "phone",
    "user_id",
    "email",
    "owner_user_id",
    "lifecycle_stage",
    "source",
    "language",
    "time_zone",
    "created_at",
    "last_inbound_at",
    "last_outbound_at",
    "tags",
)


def _writer(buffer: io.StringIO, delimiter: str) -> Any:
    return csv.writer(buffer, delimiter=DELIMITERS[delimiter], lineterminator="\r\n")


def encode_header(field_keys: Sequence[str], *, delimiter: str) -> bytes:
    buffer = io.StringIO()
    _writer(buffer, delimiter).writerow([*PROFILE_COLUMNS, *field_keys])
    return buffer.getvalue().encode()


def encode_rows(
    contacts: Sequence[Contact],
    *,
    tags: dict[uuid.UUID, list[str]],
    field_keys: Sequence[str],
    delimiter: str,
) -> bytes:
    buffer = io.StringIO()
    writer = _writer(buffer, delimiter)
    for contact in contacts:
        time_zone, _ = time_zone_of(contact)
        fields = contact.fields or {}
        writer.writerow(
            [
                _cell(value)
                for value in (
                    contact.id,
                    contact.name,
                    contact.phone,
                    contact.channel_user_id,
                    contact.email,
                    contact.owner_user_id,
                    contact.lifecycle_stage,
                    contact.source,
                    contact.language,
                    time_zone,
                    contact.created_at,
                    contact.last_inbound_at,
                    contact.last_outbound_at,
                    ", ".join(tags.get(contact.id, [])),
                    *(fields.get(key) for key in field_keys),
                )
            ]
        )
    return buffer.getvalue().encode()
