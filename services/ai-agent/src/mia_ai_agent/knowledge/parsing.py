"""From an uploaded file's bytes to blocks of text, each under its heading path.

Headings are kept as a path (``["Entrega", "Prazos"]``), since the chunks are cut along
them and a passage is more useful to a reader (and to the model) with its section named.
Formats: plain text, Markdown (markdown-it), HTML (BeautifulSoup with the standard
library's parser: no C parser to trust with a stranger's markup), PDF (pypdf: text per
page, no headings to find), DOCX (python-docx: ``Heading N`` and ``Title`` styles).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

import docx
import pypdf
from bs4 import BeautifulSoup, Tag
from markdown_it import MarkdownIt
from markdown_it.token import Token

from mia_ai_agent.knowledge.errors import DocumentUnreadable, UnsupportedDocumentType
from mia_common.text import without_nul

__all__ = [
    "DOCX",
    "HTML",
    "MARKDOWN",
    "PDF",
    "TEXT",
    "Block",
    "detect_format",
    "html_title",
    "parse",
]

TEXT = "text/plain"
MARKDOWN = "text/markdown"
HTML = "text/html"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_BY_EXTENSION = {
    "txt": TEXT,
    "text": TEXT,
    "md": MARKDOWN,
    "markdown": MARKDOWN,
    "html": HTML,
    "htm": HTML,
    "pdf": PDF,
    "docx": DOCX,
}
_ALIASES = {"text/x-markdown": MARKDOWN, "application/xhtml+xml": HTML}


@dataclass(frozen=True)
class Block:
    path: tuple[str, ...]
    text: str
    whole: bool = False
    """Never split nor joined with its neighbours (an FAQ pair)."""

    def as_json(self) -> dict[str, object]:
        return {"path": list(self.path), "text": self.text, "whole": self.whole}

    @classmethod
    def of_json(cls, value: dict[str, object]) -> Block:
        path = value.get("path") or []
        assert isinstance(path, list)
        return cls(tuple(str(p) for p in path), str(value["text"]), bool(value.get("whole")))


def detect_format(filename: str | None, content_type: str | None, data: bytes) -> str:
    """The format by the file's own bytes where they tell (PDF, a zip for DOCX), else by the
    declared type, else by the name's extension; ``UnsupportedDocumentType`` otherwise."""
    declared = (content_type or "").split(";")[0].strip().lower()
    declared = _ALIASES.get(declared, declared)
    extension = (filename or "").rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        if extension == "docx" or declared == DOCX:
            return DOCX
        raise UnsupportedDocumentType("a zip archive that is not a .docx document")
    for candidate in (declared, _BY_EXTENSION.get(extension, "")):
        if candidate in (TEXT, MARKDOWN, HTML):
            return candidate
    raise UnsupportedDocumentType(
        f"{filename or 'the file'} ({declared or 'no type'}): send .txt, .md, .html, .pdf or .docx"
    )


def parse(data: bytes, fmt: str) -> list[Block]:
    try:
        if fmt == TEXT:
            return _paragraphs((), _decode(data))
        if fmt == MARKDOWN:
            return _markdown(_decode(data))
        if fmt == HTML:
            return _html(data)
        if fmt == PDF:
            return _pdf(data)
        if fmt == DOCX:
            return _docx(data)
    except (pypdf.errors.PyPdfError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise DocumentUnreadable(f"the {fmt} file could not be read: {error}") from None
    raise UnsupportedDocumentType(f"{fmt} is not a format the knowledge bases read")


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older Windows exports of Portuguese and Spanish text.
        return data.decode("cp1252", errors="replace")


_SPACES = re.compile(r"[ \t\u00a0]+")


def _clean(text: str) -> str:
    # PostgreSQL stores no NUL, and PDFs' text layers carry some.
    text = without_nul(text)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.splitlines()).strip()


def _paragraphs(path: tuple[str, ...], text: str) -> list[Block]:
    parts = re.split(r"\n\s*\n", text.replace("\r\n", "\n"))
    return [Block(path, cleaned) for part in parts if (cleaned := _clean(part))]


class _Outline:
    """The current heading path as headings of given levels arrive."""

    def __init__(self) -> None:
        self._levels: list[tuple[int, str]] = []

    def enter(self, level: int, title: str) -> None:
        self._levels = [(lvl, t) for lvl, t in self._levels if lvl < level]
        if title:
            self._levels.append((level, title))

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(title for _, title in self._levels)


def _inline_text(token: Token) -> str:
    pieces = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            pieces.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            pieces.append("\n")
    return "".join(pieces) if token.children else token.content


def _markdown(source: str) -> list[Block]:
    tokens = MarkdownIt("commonmark").enable("table").parse(source)
    outline = _Outline()
    blocks: list[Block] = []
    row: list[str] = []
    heading_level: int | None = None
    in_row = False
    for token in tokens:
        if token.type == "heading_open":
            heading_level = int(token.tag[1])
        elif token.type == "heading_close":
            heading_level = None
        elif token.type == "tr_open":
            in_row, row = True, []
        elif token.type == "tr_close":
            in_row = False
            blocks.extend(_paragraphs(outline.path, " | ".join(row)))
        elif token.type == "inline":
            text = _inline_text(token)
            if heading_level is not None:
                outline.enter(heading_level, _clean(text))
            elif in_row:
                row.append(_clean(text))
            else:
                blocks.extend(_paragraphs(outline.path, text))
        elif token.type in ("fence", "code_block"):
            blocks.extend(_paragraphs(outline.path, token.content))
    return blocks


_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_TEXT_TAGS = ("p", "li", "pre", "blockquote", "td", "th", "dt", "dd", "figcaption")
_NOISE = ("script", "style", "noscript", "template", "svg", "nav", "footer", "form", "iframe")


def _html(data: bytes) -> list[Block]:
    soup = BeautifulSoup(data, "html.parser")
    for noise in soup.find_all(_NOISE):
        noise.decompose()
    outline = _Outline()
    blocks: list[Block] = []
    root = soup.body or soup
    for element in root.find_all((*_HEADINGS, *_TEXT_TAGS)):
        if not isinstance(element, Tag):
            continue
        if element.name in _HEADINGS:
            outline.enter(int(element.name[1]), _clean(element.get_text(" ", strip=True)))
            continue
        # A paragraph inside a list item (or a cell) is read once, with its container.
        if element.find_parent(_TEXT_TAGS) is not None:
            continue
        blocks.extend(_paragraphs(outline.path, element.get_text(" ", strip=True)))
    if not blocks:
        # Text loose in <div>s: take it all, under no heading.
        blocks = _paragraphs((), root.get_text("\n"))
    return blocks


def html_title(data: bytes) -> str | None:
    """The page's ``<title>``, or its first heading."""
    soup = BeautifulSoup(data, "html.parser")
    for found in (soup.title, soup.find(_HEADINGS)):
        if found is not None and (title := _clean(found.get_text(" ", strip=True))):
            return title[:300]
    return None


def _pdf(data: bytes) -> list[Block]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        raise DocumentUnreadable("the PDF is password-protected")
    blocks: list[Block] = []
    for page in reader.pages:
        blocks.extend(_paragraphs((), page.extract_text() or ""))
    return blocks


def _docx(data: bytes) -> list[Block]:
    document = docx.Document(io.BytesIO(data))
    outline = _Outline()
    blocks: list[Block] = []
    for paragraph in document.paragraphs:
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        text = _clean(paragraph.text)
        if style == "Title":
            outline.enter(0, text)
        elif style.startswith("Heading") and style[7:].strip().isdigit():
            outline.enter(int(style[7:]), text)
        elif text:
            blocks.append(Block(outline.path, text))
    blocks.extend(_docx_tables(document))
    return blocks


def _docx_tables(document: docx.document.Document) -> Iterable[Block]:
    for table in document.tables:
        for row in table.rows:
            cells = [_clean(cell.text) for cell in row.cells]
            if line := " | ".join(cell for cell in cells if cell):
                yield Block((), line)
