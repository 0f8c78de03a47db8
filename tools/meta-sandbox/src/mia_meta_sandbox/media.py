"""Media objects: uploaded by a business, or sent by a simulated customer.

Like Meta, a media id is resolved to a short download URL (``GET /{version}/{media_id}``)
and the URL itself still demands the owning number's ``Authorization: Bearer`` token.
Uploads arrive as ``multipart/form-data``; the sandbox parses that small subset itself
(python-multipart is not among the workspace's dependencies).
"""

from __future__ import annotations

import base64
import hashlib
import random
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message

__all__ = ["FormPart", "MediaLibrary", "MediaObject", "parse_multipart"]


@dataclass
class MediaObject:
    id: str
    phone_number_id: str
    content: bytes
    mime_type: str
    filename: str | None = None
    # Part of the download URL, like the signed query of Meta's lookaside URLs.
    url_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def sha256_hex(self) -> str:
        """What ``GET /{media_id}`` reports."""
        return hashlib.sha256(self.content).hexdigest()

    @property
    def sha256_base64(self) -> str:
        """What an inbound message's media object reports."""
        return base64.b64encode(hashlib.sha256(self.content).digest()).decode()


class MediaLibrary:
    def __init__(self) -> None:
        self._media: dict[str, MediaObject] = {}
        self._ids = random.Random()

    def add(
        self, *, phone_number_id: str, content: bytes, mime_type: str, filename: str | None = None
    ) -> MediaObject:
        media_id = self._new_id()
        media = MediaObject(
            id=media_id,
            phone_number_id=phone_number_id,
            content=content,
            mime_type=mime_type,
            filename=filename,
        )
        self._media[media_id] = media
        return media

    def get(self, media_id: str) -> MediaObject | None:
        return self._media.get(media_id)

    def delete(self, media_id: str) -> bool:
        return self._media.pop(media_id, None) is not None

    def _new_id(self) -> str:
        # Meta's media ids are 15-16 digit numbers, in a string.
        while True:
            candidate = str(self._ids.randrange(10**15, 10**16))
            if candidate not in self._media:
                return candidate


@dataclass(frozen=True, slots=True)
class FormPart:
    name: str
    content: bytes
    filename: str | None
    content_type: str | None


def _header_params(name: str, value: str) -> Message:
    message = Message()
    message[name] = value
    return message


def parse_multipart(body: bytes, content_type: str) -> dict[str, FormPart]:
    """The fields of a ``multipart/form-data`` body by name; ValueError when malformed."""
    header = _header_params("Content-Type", content_type)
    if header.get_content_type() != "multipart/form-data":
        raise ValueError("the body must be multipart/form-data")
    boundary = header.get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        raise ValueError("multipart/form-data without a boundary")
    delimiter = b"--" + boundary.encode()
    sections = body.split(delimiter)
    if len(sections) < 3:
        raise ValueError("no parts in the multipart body")
    parts: dict[str, FormPart] = {}
    # sections[0] is the preamble; the last one starts with the closing "--".
    for section in sections[1:-1]:
        section = section.removeprefix(b"\r\n").removesuffix(b"\r\n")
        head, separator, content = section.partition(b"\r\n\r\n")
        if not separator:
            raise ValueError("a part without headers")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        disposition = _header_params("Content-Disposition", headers.get("content-disposition", ""))
        name = disposition.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            raise ValueError("a part without a name")
        filename = disposition.get_param("filename", header="content-disposition")
        parts[name] = FormPart(
            name=name,
            content=content,
            filename=filename if isinstance(filename, str) else None,
            content_type=headers.get("content-type"),
        )
    return parts
