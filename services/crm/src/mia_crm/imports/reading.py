"""Reading a CSV as people export it: the encoding, the delimiter, the header, the records.

- Encoding: UTF-8 with a BOM (``utf-8-sig``), UTF-8 when every byte of the file decodes
  as UTF-8, otherwise Windows-1252, which reads Latin-1 files too (the five bytes 1252
  leaves undefined are read as Latin-1's control characters instead of failing).
- Delimiter: comma, semicolon (Excel in Brazil) or tab, whichever splits the first
  records of the file into the same number of cells, the most of them.
- Records: the file streams chunk by chunk through an incremental decoder into
  ``csv.reader`` (lines kept whole, so a quoted cell with line breaks spans lines and
  chunks); memory holds about two chunks, whatever the size of the file.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass

__all__ = [
    "DELIMITERS",
    "ENCODINGS",
    "Record",
    "RecordTooLarge",
    "Utf8Check",
    "decode_sample",
    "detect_delimiter",
    "detect_encoding",
    "records",
    "sample_records",
]

ENCODINGS = ("utf-8-sig", "utf-8", "cp1252")
DELIMITERS = (",", ";", "\t")
SNIFF_RECORDS = 20
MAX_RECORD_CHARS = 4 * 1024 * 1024
BOM = codecs.BOM_UTF8


def _latin1_fallback(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error("mia_latin1_fallback", _latin1_fallback)
_ERRORS = {"utf-8-sig": "replace", "utf-8": "replace", "cp1252": "mia_latin1_fallback"}


class RecordTooLarge(ValueError):
    """One record longer than a reader may hold (an unclosed quote, or a file with no line
    breaks)."""


class Utf8Check:
    """Feeds the bytes of an upload as they arrive; ``valid`` once all were seen."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self.valid = True

    def feed(self, data: bytes, *, final: bool = False) -> None:
        if not self.valid:
            return
        try:
            self._decoder.decode(data, final)
        except UnicodeDecodeError:
            self.valid = False


def detect_encoding(head: bytes, *, utf8_valid: bool) -> str:
    if head.startswith(BOM):
        return "utf-8-sig"
    return "utf-8" if utf8_valid else "cp1252"


def decode_sample(head: bytes, encoding: str, *, whole: bool) -> str:
    """The first bytes of a file as text, cut after its last line break unless ``whole``
    (the file is all there) so no record is cut in the middle."""
    decoder = codecs.getincrementaldecoder(encoding)(errors=_ERRORS[encoding])
    text = decoder.decode(head, final=whole)
    if not whole:
        cut = text.rfind("\n")
        text = text[: cut + 1] if cut >= 0 else text
    return text


def _sample_records(text: str, delimiter: str, limit: int) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    found: list[list[str]] = []
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                found.append(record)
            if len(found) >= limit:
                break
    except csv.Error:
        pass
    return found


def detect_delimiter(sample: str) -> str:
    """The delimiter that splits the sample's first records most consistently."""
    best, best_score = ",", 0.0
    for delimiter in DELIMITERS:
        found = _sample_records(sample, delimiter, SNIFF_RECORDS)
        if not found or len(found[0]) < 2:
            continue
        width = len(found[0])
        consistent = sum(len(record) == width for record in found) / len(found)
        score = width * (1.0 if consistent >= 0.9 else consistent / 2)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def sample_records(sample: str, delimiter: str, limit: int) -> list[list[str]]:
    """The first ``limit`` records of a sample that are not blank."""
    return _sample_records(sample, delimiter, limit)


class _Lines:
    """csv.reader's source of lines, refilled between records by ``records``."""

    def __init__(self) -> None:
        self.lines: deque[str] = deque()
        self.starved = False
        self.eof = False

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self.lines:
            return self.lines.popleft()
        if not self.eof:
            self.starved = True
        raise StopIteration


@dataclass(slots=True)
class Record:
    """One record and its place: ``index`` counts the file's records from 0 (blank ones
    too), so a spreadsheet shows it as row ``index + 1``."""

    index: int
    cells: list[str] | None
    error: str | None = None


async def records(
    chunk: Callable[[int], Awaitable[bytes | None]],
    *,
    encoding: str,
    delimiter: str,
    skip: int = 0,
) -> AsyncIterator[Record]:
    """Every record of the file whose ``seq``-th chunk ``chunk(seq)`` answers (None after
    the last), from record ``skip`` on. A record csv cannot read (a cell over the field
    limit) comes with ``error`` and no cells; the next one is read as usual."""
    decoder = codecs.getincrementaldecoder(encoding)(errors=_ERRORS[encoding])
    source = _Lines()
    reader = csv.reader(source, delimiter=delimiter)
    carry = ""
    seq = 0
    last_fill = 0
    index = 0

    async def refill() -> None:
        nonlocal carry, seq, last_fill
        while not source.eof:
            data = await chunk(seq)
            seq += 1
            if data is None:
                text = carry + decoder.decode(b"", final=True)
                carry = ""
                source.eof = True
            else:
                text = carry + decoder.decode(data)
                cut = text.rfind("\n")
                if cut < 0:
                    carry = text
                    if len(carry) > MAX_RECORD_CHARS:
                        raise RecordTooLarge("a line longer than 4 MiB: is the file a CSV?")
                    continue
                carry = text[cut + 1 :]
                text = text[: cut + 1]
            before = len(source.lines)
            source.lines.extend(io.StringIO(text, newline=""))
            last_fill = len(source.lines) - before
            return

    while True:
        # Keep at least one chunk's worth of lines ahead, so a record with line breaks
        # in a quoted cell is read whole.
        if not source.eof and len(source.lines) <= last_fill // 2 + 1:
            await refill()
            continue
        try:
            cells = next(reader)
        except StopIteration:
            if source.starved:
                # Between two records: more lines are coming.
                source.starved = False
                await refill()
                continue
            return
        except csv.Error as error:
            if index >= skip:
                yield Record(index, None, str(error))
            index += 1
            continue
        if source.starved:
            raise RecordTooLarge("a record longer than a chunk: an unclosed quote?")
        if index >= skip:
            yield Record(index, cells)
        index += 1
