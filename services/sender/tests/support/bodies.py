"""Request bodies of the accounts API, valid unless a test overrides a field."""

from __future__ import annotations

import secrets
from typing import Any

from support.world import customer_phone, meta_id

__all__ = ["sms_body", "whatsapp_body"]


def whatsapp_body(**overrides: Any) -> dict[str, Any]:
    return {
        "channel": "whatsapp_cloud",
        "display_name": "Loja Centro",
        "phone_number": customer_phone(),
        "phone_number_id": meta_id(),
        "waba_id": meta_id(),
        "business_id": meta_id(),
        "access_token": "EAAG" + secrets.token_urlsafe(24),
        "app_secret": secrets.token_hex(16),
        **overrides,
    }


def sms_body(**overrides: Any) -> dict[str, Any]:
    return {
        "channel": "sms",
        "display_name": "SMS Brasil",
        "account_sid": "AC" + secrets.token_hex(16),
        "auth_token": secrets.token_hex(16),
        "from_number": customer_phone(),
        **overrides,
    }
