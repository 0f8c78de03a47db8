"""Sealing and opening a tenant's model API key with the platform key ring.

The key is bound (associated data) to its tenant, so a sealed value copied into another
tenant's row no longer opens. Only the last four characters are ever shown.
"""

from __future__ import annotations

import uuid

from mia_common.crypto import KeyRing

__all__ = ["last4", "open_api_key", "seal_api_key"]


def _bound_to(tenant_id: uuid.UUID) -> bytes:
    return b"ai_model_api_key:" + str(tenant_id).encode()


def seal_api_key(ring: KeyRing, tenant_id: uuid.UUID, api_key: str) -> str:
    return ring.encrypt_text(api_key, associated_data=_bound_to(tenant_id))


def open_api_key(ring: KeyRing, tenant_id: uuid.UUID, sealed: str) -> str:
    return ring.decrypt_text(sealed, associated_data=_bound_to(tenant_id))


def last4(api_key: str) -> str | None:
    """What answers show to recognise a key; nothing of a key too short to hide the rest."""
    return api_key[-4:] if len(api_key) >= 12 else None
