"""The webhook edge: third parties' signed HTTP deliveries in, our events out.

One path for every provider that calls us (Meta's WhatsApp Cloud API, Twilio):
signature check (``signatures``) → parse → normalize (the provider's own payload models
and mapping) → envelope (``envelopes``) → dedupe (``dedupe``, optional) → publish
(``edge``). A signed body that cannot be parsed is answered as accepted (retrying cannot
fix it) and goes, raw, to the dead-letter topic with its reason (``dead_letter``).
"""

from mia_common.webhooks.dead_letter import publish_raw_dead_letter
from mia_common.webhooks.dedupe import Deduplicator
from mia_common.webhooks.edge import (
    HAS_MEDIA_HEADER,
    Accepted,
    EdgeEvent,
    Normalized,
    PayloadTooLarge,
    WebhookEdge,
    check_body_size,
)
from mia_common.webhooks.envelopes import conversation_key, derived_event_id, encode_envelope
from mia_common.webhooks.routes import RequestOnlyRoute
from mia_common.webhooks.signatures import (
    hub_signature_matches,
    public_request_url,
    twilio_signature,
    twilio_signature_matches,
)

__all__ = [
    "HAS_MEDIA_HEADER",
    "Accepted",
    "Deduplicator",
    "EdgeEvent",
    "Normalized",
    "PayloadTooLarge",
    "RequestOnlyRoute",
    "WebhookEdge",
    "check_body_size",
    "conversation_key",
    "derived_event_id",
    "encode_envelope",
    "hub_signature_matches",
    "public_request_url",
    "publish_raw_dead_letter",
    "twilio_signature",
    "twilio_signature_matches",
]
