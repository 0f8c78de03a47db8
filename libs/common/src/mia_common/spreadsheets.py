"""Cells of the CSV files people open in a spreadsheet (the crm's exports, campaigns'
recipient lists).

- A file starts with a UTF-8 byte order mark (``BOM``): without it Excel reads it as
  Windows-1252 and "João" shows as "JoÃ£o".
- A cell a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR first)
  gets a leading ``'``, unless it is a number or a phone number (``+5511...``), which
  spreadsheets read as data. Lists are "; "-joined, booleans true/false, datetimes ISO.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

__all__ = ["BOM", "spreadsheet_cell"]

BOM = "\ufeff".encode()
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_LIKE = re.compile(r"[+-]?[\d\s().,-]+")


def spreadsheet_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(spreadsheet_cell(item) for item in value)
    text = str(value)
    if text.startswith(_FORMULA_START) and not _NUMBER_LIKE.fullmatch(text):
        return "'" + text
    return text
