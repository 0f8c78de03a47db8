"""Small, valid sample files for simulated customers who send media without bytes."""

from __future__ import annotations

import random
import struct
import zlib

__all__ = ["DEFAULT_MIME_TYPES", "sample_media", "sample_png"]

DEFAULT_MIME_TYPES = {
    "image": "image/png",
    "sticker": "image/webp",
    "audio": "audio/ogg; codecs=opus",
    "video": "video/mp4",
    "document": "application/pdf",
}


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def sample_png(width: int = 32, height: int = 32, *, seed: int | None = None) -> bytes:
    """A real PNG: a diagonal gradient in a random hue, so two pictures differ."""
    rng = random.Random(seed)
    base = [rng.randrange(256) for _ in range(3)]
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter: none
        for x in range(width):
            shade = (x + y) * 255 // max(1, width + height - 2)
            rows.extend((channel + shade) % 256 for channel in base)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(rows)))
        + _chunk(b"IEND", b"")
    )


def _sample_pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def sample_media(kind: str) -> tuple[bytes, str, str | None]:
    """Bytes, MIME type and file name of a sample of ``kind`` (image, audio, ...)."""
    if kind == "image":
        return sample_png(), DEFAULT_MIME_TYPES["image"], None
    if kind == "document":
        return _sample_pdf(), DEFAULT_MIME_TYPES["document"], "sample.pdf"
    if kind == "sticker":
        # RIFF/WEBP header only: enough for a client that stores or forwards it.
        return (
            b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00"
            b"/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00",
            DEFAULT_MIME_TYPES["sticker"],
            None,
        )
    if kind == "audio":
        return b"OggS\x00\x02" + bytes(58), DEFAULT_MIME_TYPES["audio"], None
    if kind == "video":
        return (
            b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom",
            DEFAULT_MIME_TYPES["video"],
            None,
        )
    raise ValueError(f"no sample for {kind!r}")
