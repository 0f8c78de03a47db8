"""Envelope encryption of secrets at rest (channel tokens, webhook secrets) with AES-256-GCM.

A ``KeyRing`` holds every key that may still protect stored data and names the one new
secrets are sealed with. A sealed secret is a compact, self-describing token::

    v1.<kid>.<base64url nonce>.<base64url ciphertext+tag>

The version and key id travel in clear so a reader knows which key opens the token, and
they are authenticated with the caller's associated data (bind a secret to its tenant id
and row so a sealed value copied into another row no longer decrypts). Key rotation is:
add the new key last (or name it active), re-seal rows where ``needs_rotation`` is true
with ``rotate``, then drop the old key from the ring.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from collections.abc import Mapping
from types import MappingProxyType

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from mia_common.settings import PlatformSettings

__all__ = [
    "ENVELOPE_VERSION",
    "CryptoError",
    "DecryptionError",
    "KeyRing",
    "KeyRingError",
]

ENVELOPE_VERSION = "v1"

_KEY_BYTES = 32  # AES-256
_NONCE_BYTES = 12  # the 96-bit nonce GCM is specified for; random per message
_TAG_BYTES = 16
# Kids appear in tokens between dots and in logs: no dot, no whitespace, nothing to escape.
_KID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
_B64URL_PATTERN = re.compile(r"[A-Za-z0-9_-]*")


class CryptoError(Exception):
    """Base of every error raised by this module."""


class KeyRingError(CryptoError, ValueError):
    """The key ring configuration is invalid (bad entry, key length, duplicate kid)."""


class DecryptionError(CryptoError):
    """A token could not be opened: malformed, sealed under an unknown key, or tampered with."""


class KeyRing:
    """The encryption keys by id, and the id new secrets are sealed with.

    Key material is kept only inside ``AESGCM`` objects and never shown by ``repr``/``str``.
    """

    __slots__ = ("_active_key_id", "_ciphers")

    def __init__(self, keys: Mapping[str, bytes], *, active_key_id: str | None = None) -> None:
        if not keys:
            raise KeyRingError("the key ring needs at least one key")
        ciphers: dict[str, AESGCM] = {}
        for kid, key in keys.items():
            if not _KID_PATTERN.fullmatch(kid):
                raise KeyRingError(f"key id {kid!r} must be 1-64 characters among A-Z a-z 0-9 _ -")
            if len(key) != _KEY_BYTES:
                # The length only: the key itself must never reach a log.
                raise KeyRingError(f"key {kid!r} is {len(key)} bytes, AES-256 needs {_KEY_BYTES}")
            ciphers[kid] = AESGCM(key)
        if active_key_id is None:
            active_key_id = next(reversed(ciphers))
        elif active_key_id not in ciphers:
            raise KeyRingError(f"active key id {active_key_id!r} is not in the key ring")
        self._ciphers: Mapping[str, AESGCM] = MappingProxyType(ciphers)
        self._active_key_id = active_key_id

    @classmethod
    def parse(cls, spec: str, active_key_id: str | None = None) -> KeyRing:
        """Build a ring from ``"kid:base64-32-bytes,kid2:..."``; the active key is the last one
        unless ``active_key_id`` names another."""
        keys: dict[str, bytes] = {}
        for position, raw_entry in enumerate(spec.split(","), start=1):
            entry = raw_entry.strip()
            if not entry:
                raise KeyRingError(f"key ring entry {position} is empty")
            kid, separator, encoded = entry.partition(":")
            kid, encoded = kid.strip(), encoded.strip()
            if not separator or not kid or not encoded:
                # Never echo the entry: it may hold key material.
                raise KeyRingError(f"key ring entry {position} is not 'kid:base64-key'")
            if kid in keys:
                raise KeyRingError(f"key id {kid!r} appears more than once in the key ring")
            try:
                keys[kid] = base64.b64decode(encoded, validate=True)
            except binascii.Error:
                raise KeyRingError(f"key {kid!r} is not valid base64") from None
        return cls(keys, active_key_id=active_key_id)

    @classmethod
    def from_settings(cls, settings: PlatformSettings) -> KeyRing:
        """The ring configured by ``MIA_ENCRYPTION_KEYS`` and ``MIA_ENCRYPTION_ACTIVE_KEY_ID``."""
        return cls.parse(
            settings.encryption_keys.get_secret_value(),
            active_key_id=settings.encryption_active_key_id,
        )

    @staticmethod
    def generate_entry(kid: str) -> str:
        """A new ``kid:base64-key`` entry with a random key, to append to the ring's spec."""
        if not _KID_PATTERN.fullmatch(kid):
            raise KeyRingError(f"key id {kid!r} must be 1-64 characters among A-Z a-z 0-9 _ -")
        return f"{kid}:{base64.b64encode(AESGCM.generate_key(bit_length=256)).decode()}"

    @property
    def active_key_id(self) -> str:
        return self._active_key_id

    @property
    def key_ids(self) -> tuple[str, ...]:
        return tuple(self._ciphers)

    def __repr__(self) -> str:
        return f"KeyRing(key_ids={list(self._ciphers)!r}, active_key_id={self._active_key_id!r})"

    __str__ = __repr__

    def encrypt(self, plaintext: bytes, *, associated_data: bytes = b"") -> str:
        """Seal ``plaintext`` under the active key; ``associated_data`` must match to decrypt."""
        kid = self._active_key_id
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._ciphers[kid].encrypt(nonce, plaintext, _aad(kid, associated_data))
        return ".".join((ENVELOPE_VERSION, kid, _b64url_encode(nonce), _b64url_encode(sealed)))

    def decrypt(self, token: str, *, associated_data: bytes = b"") -> bytes:
        """Open a token sealed by ``encrypt`` with the same ``associated_data``."""
        kid, nonce, sealed = _split_token(token)
        cipher = self._ciphers.get(kid)
        if cipher is None:
            raise DecryptionError(f"token was sealed under key {kid!r}, not in the key ring")
        try:
            return cipher.decrypt(nonce, sealed, _aad(kid, associated_data))
        except InvalidTag:
            raise DecryptionError(
                "token failed authentication: tampered with, or wrong associated data"
            ) from None

    def encrypt_text(self, plaintext: str, *, associated_data: bytes = b"") -> str:
        """``encrypt`` for a UTF-8 string."""
        return self.encrypt(plaintext.encode(), associated_data=associated_data)

    def decrypt_text(self, token: str, *, associated_data: bytes = b"") -> str:
        """``decrypt`` of a token sealed by ``encrypt_text``."""
        plaintext = self.decrypt(token, associated_data=associated_data)
        try:
            return plaintext.decode()
        except UnicodeDecodeError:
            raise DecryptionError("token does not hold UTF-8 text") from None

    def needs_rotation(self, token: str) -> bool:
        """True when the token is sealed under another key than the active one."""
        kid, _, _ = _split_token(token)
        return kid != self._active_key_id

    def rotate(self, token: str, *, associated_data: bytes = b"") -> str:
        """The token re-sealed under the active key (the same token when already under it)."""
        if not self.needs_rotation(token):
            return token
        return self.encrypt(
            self.decrypt(token, associated_data=associated_data), associated_data=associated_data
        )


def _aad(kid: str, associated_data: bytes) -> bytes:
    # The header is authenticated too, so a token cannot be relabelled with another kid or
    # version. The kid cannot contain a dot, so header and caller data cannot be confused.
    return f"{ENVELOPE_VERSION}.{kid}.".encode() + associated_data


def _split_token(token: str) -> tuple[str, bytes, bytes]:
    parts = token.split(".")
    if len(parts) != 4:
        raise DecryptionError("malformed token: expected 'v1.<kid>.<nonce>.<ciphertext>'")
    version, kid, encoded_nonce, encoded_sealed = parts
    if version != ENVELOPE_VERSION:
        raise DecryptionError(f"unsupported token version {version!r}")
    if not _KID_PATTERN.fullmatch(kid):
        raise DecryptionError("malformed token: invalid key id")
    nonce = _b64url_decode(encoded_nonce)
    sealed = _b64url_decode(encoded_sealed)
    if len(nonce) != _NONCE_BYTES or len(sealed) < _TAG_BYTES:
        raise DecryptionError("malformed token: nonce or ciphertext has the wrong length")
    return kid, nonce, sealed


def _b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    if not _B64URL_PATTERN.fullmatch(text):
        raise DecryptionError("malformed token: not base64url")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise DecryptionError("malformed token: not base64url") from None
    # Only the canonical encoding is accepted, so every token has exactly one spelling and
    # no character of it can change without the token being rejected.
    if _b64url_encode(data) != text:
        raise DecryptionError("malformed token: non-canonical base64url")
    return data
