"""Deterministic embeddings: the words of a text hashed into the vector's coordinates
(feature hashing), then L2-normalized. Texts that share words point the same way, so a
knowledge base searched through the fake still finds the passage with the question's
words; the same text always gives the same vector."""

from __future__ import annotations

import base64
import hashlib
import math
import re
import struct

__all__ = ["as_base64", "embed"]

_WORD = re.compile(r"\w+", re.UNICODE)


def embed(text: str, dimensions: int) -> list[float]:
    vector = [0.0] * dimensions
    for word in _WORD.findall(text.lower()):
        digest = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "big")
        vector[digest % dimensions] += 1.0 if (digest >> 63) & 1 else -1.0
    norm = math.sqrt(sum(value * value for value in vector))
    if norm == 0:
        # No words (punctuation only): still a unit vector, as a real model gives.
        vector[0] = 1.0
        return vector
    return [value / norm for value in vector]


def as_base64(vector: list[float]) -> str:
    """What ``encoding_format=base64`` returns: little-endian float32 bytes (the SDK's
    default, decoded by it back to floats)."""
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode("ascii")
