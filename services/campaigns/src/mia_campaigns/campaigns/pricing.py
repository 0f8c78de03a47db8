"""What a campaign would cost: a price per message by category and country.

Meta charges WhatsApp template messages per delivered message, by the template's category
and the recipient's country; free-form text inside the 24-hour window costs nothing. SMS
providers charge per segment. The table comes from ``MIA_CAMPAIGNS_PRICES`` (JSON, see
``CampaignsSettings.prices``); the defaults are illustrative list prices in USD, to be
replaced by the tenant's own contract.
"""

from __future__ import annotations

from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, region_code_for_country_code

__all__ = ["DEFAULT_PRICES", "country_of", "price_of"]

DEFAULT_PRICES: dict[str, dict[str, float]] = {
    "marketing": {"BR": 0.0625, "US": 0.025, "MX": 0.0305, "AR": 0.0618, "CO": 0.0125, "*": 0.06},
    "utility": {"BR": 0.0068, "US": 0.004, "MX": 0.0085, "AR": 0.026, "CO": 0.0008, "*": 0.008},
    "authentication": {"BR": 0.0068, "US": 0.0135, "MX": 0.0085, "*": 0.01},
    "sms_segment": {"BR": 0.012, "US": 0.0083, "*": 0.05},
}


def country_of(phone: str) -> str:
    """The ISO country of an E.164 number (``ZZ`` when unknown). Calling codes are
    prefix-free (1 to 3 digits), so the first known one is the number's; +1 counts as the
    US, the main country of its plan."""
    digits = phone.removeprefix("+")
    for length in (1, 2, 3):
        prefix = digits[:length]
        if prefix.isdigit() and int(prefix) in COUNTRY_CODE_TO_REGION_CODE:
            return region_code_for_country_code(int(prefix))
    return "ZZ"


def price_of(prices: dict[str, dict[str, float]], category: str, country: str) -> float:
    table = prices.get(category) or {}
    return table.get(country, table.get("*", 0.0))
