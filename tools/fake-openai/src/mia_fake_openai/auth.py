"""Which API key a request carries, and whether the fake accepts it.

Bearer auth as OpenAI takes it, or the ``api-key`` header Azure OpenAI uses. Any key is
accepted but an empty one and those starting ``sk-invalid``: a test reaches the 401 path
with such a key, and a local run needs no key at all to be set up.
"""

from __future__ import annotations

from fastapi import Request

from mia_fake_openai.errors import invalid_api_key

__all__ = ["REFUSED_PREFIX", "api_key_of"]

REFUSED_PREFIX = "sk-invalid"


def api_key_of(request: Request) -> str:
    """The request's key; raises OpenAI's 401 for a missing or refused one."""
    authorization = request.headers.get("authorization", "")
    scheme, _, token = authorization.partition(" ")
    key = token.strip() if scheme.lower() == "bearer" else ""
    key = key or request.headers.get("api-key", "").strip()
    if not key or key.startswith(REFUSED_PREFIX):
        raise invalid_api_key(key or None)
    return key
