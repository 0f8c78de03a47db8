"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from mia_common.errors import AppError

__all__ = ["WeakPassword", "check_policy", "hash_password", "needs_rehash", "verify_password"]

# argon2-cffi's defaults are argon2id with RFC 9106's low-memory profile.
_hasher = PasswordHasher()
# Verified against when the account does not exist, so a miss costs as much as a hit
# and response times do not reveal which addresses have accounts.
_DUMMY_HASH = _hasher.hash("not-a-real-password-just-for-timing")
MIN_LENGTH = 10
MAX_LENGTH = 256
_COMMON = {
    "password12",
    "password123",
    "1234567890",
    "qwertyuiop",
    "123456789a",
    "iloveyou12",
    "senha12345",
    "abcdefghij",
    "letmein123",
    "welcome123",
    "admin12345",
}


class WeakPassword(AppError):
    status_code = 422
    title = "Password too weak"


def check_policy(password: str, *, email: str | None = None) -> None:
    """Raise ``WeakPassword`` saying what is wrong, or return."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"use at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"use at most {MAX_LENGTH} characters")
    if len(set(password)) < 4:
        raise WeakPassword("use more than three different characters")
    if password.lower() in _COMMON:
        raise WeakPassword("this password is too common")
    if email and email.split("@")[0].lower() in password.lower() and len(email.split("@")[0]) >= 4:
        raise WeakPassword("do not use your email address in the password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
