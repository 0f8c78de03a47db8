"""The Twilio webhook routes as the sender's ``main.py`` wires them today, from
``app.state.context.extras`` (``"sms_account_lookup"``, ``"public_url"``,
``"sms_topics"``) and ``app.state.context.broker``.

Transitional: once ``main.py`` builds ``TwilioWebhooks`` with its context and includes
``mia_sender.sms.endpoints.create_router(webhooks)``, this module goes.
"""

from __future__ import annotations

from fastapi import Request

from mia_sender.sms.endpoints import routes_resolving
from mia_sender.sms.service import SmsAccountLookup, SmsTopics, TwilioWebhooks

__all__ = ["ACCOUNT_LOOKUP_KEY", "PUBLIC_URL_KEY", "TOPICS_KEY", "SmsAccountLookup", "router"]

ACCOUNT_LOOKUP_KEY = "sms_account_lookup"
PUBLIC_URL_KEY = "public_url"
TOPICS_KEY = "sms_topics"


def _from_context(request: Request) -> TwilioWebhooks:
    # Built per request (a few small objects): the extras are filled in the start hook.
    context = request.app.state.context
    lookup: SmsAccountLookup | None = context.extras.get(ACCOUNT_LOOKUP_KEY)
    if lookup is None:
        raise RuntimeError(f"context.extras[{ACCOUNT_LOOKUP_KEY!r}] is not set")
    return TwilioWebhooks(
        broker=context.broker,
        lookup=lookup,
        topics=SmsTopics(**(context.extras.get(TOPICS_KEY) or {})),
        public_url=context.extras.get(PUBLIC_URL_KEY),
    )


router = routes_resolving(_from_context)
