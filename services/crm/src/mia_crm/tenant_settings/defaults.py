"""What a tenant's crm settings are until a manager saves them."""

from __future__ import annotations

from typing import Final

__all__ = [
    "DEFAULT_COUNTRY",
    "DEFAULT_MARKETING_REQUIRES_CONSENT",
    "DEFAULT_OPT_IN_KEYWORDS",
    "DEFAULT_OPT_OUT_KEYWORDS",
]

DEFAULT_COUNTRY: Final = "BR"

# LGPD and GDPR: marketing needs consent unless the tenant says its basis is another.
DEFAULT_MARKETING_REQUIRES_CONSENT: Final = True

# Brazilian Portuguese, English, Spanish. Whole messages only, so a word that is also
# everyday speech ("cancelar" alone) is an opt-out only when it is all the customer wrote.
DEFAULT_OPT_OUT_KEYWORDS: Final = (
    "PARAR",
    "PARE",
    "SAIR",
    "CANCELAR",
    "DESCADASTRAR",
    "REMOVER",
    "STOP",
    "STOP ALL",
    "UNSUBSCRIBE",
    "OPT OUT",
    "QUIT",
    "BAJA",
    "DAR DE BAJA",
    "DETENER",
)
DEFAULT_OPT_IN_KEYWORDS: Final = (
    "VOLTAR",
    "ASSINAR",
    "START",
    "SUBSCRIBE",
    "UNSTOP",
    "OPT IN",
    "ALTA",
    "SUSCRIBIR",
)
