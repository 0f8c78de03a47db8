"""Topic names of this test session: live events flow on topics of their own, so a
running `make up` never sees test events (and the tests never see its events).

They are the gateway's default live topics under a session prefix, so the tests subscribe
the gateway to exactly what it reads by default; ``RAW_INBOUND`` is the raw inbound
topic under the same prefix, which the gateway must never read; ``CONTACTS`` the contacts
topic its erasure subscriber reads.
"""

from __future__ import annotations

import uuid

from mia_common.contracts.topics import CONTACTS_EVENTS, MESSAGES_INBOUND
from mia_gateway.config import GatewaySettings

SESSION = uuid.uuid4().hex[:8]


def session_topic(name: str) -> str:
    return f"test.{SESSION}.{name}"


DEFAULT_LIVE_TOPICS: list[str] = GatewaySettings.model_fields["live_topics"].get_default(
    call_default_factory=True
)
LIVE_TOPICS = [session_topic(name) for name in DEFAULT_LIVE_TOPICS]
LIVE_INBOX = session_topic("inbox.events.v1")
LIVE_ALERTS = session_topic("channels.alerts.v1")
RAW_INBOUND = session_topic(MESSAGES_INBOUND.name)
# The erasure subscriber's topic: made before the app starts (Kafka creates no topic on
# its own), so the gateway's group is assigned it at once.
CONTACTS = session_topic(CONTACTS_EVENTS.name)
# Made by the tests (the gateway creates only its live topics); deleted at the end.
SESSION_TOPICS = [*LIVE_TOPICS, RAW_INBOUND, CONTACTS]
