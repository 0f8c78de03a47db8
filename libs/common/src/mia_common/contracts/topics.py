"""The topic registry: every topic the platform uses, with its partitions and retention.

Topics are created from this list by ``mia_common.messaging.admin`` (the broker never
auto-creates them), each with a ``<topic>.dlq`` twin for what consumers cannot handle.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TOPICS", "Topic", "dead_letter_topic"]

DLQ_SUFFIX = ".dlq"


@dataclass(frozen=True, slots=True)
class Topic:
    name: str
    partitions: int
    key: str
    """What the record key is: events with the same key keep their order."""
    compacted: bool = False
    description: str = ""

    @property
    def dead_letter(self) -> str:
        return dead_letter_topic(self.name)


def dead_letter_topic(topic: str) -> str:
    return f"{topic}{DLQ_SUFFIX}"


MESSAGES_INBOUND = Topic(
    "messages.inbound.v1",
    12,
    "tenant:channel_account:contact address",
    description="messages customers sent us, from every channel",
)
MESSAGES_STATUS = Topic(
    "messages.status.v1",
    12,
    "tenant:channel_account:contact address",
    description="delivery statuses (sent, delivered, read, failed) of messages we sent",
)
MESSAGES_SEND = Topic(
    "messages.send.v1",
    12,
    "channel account id",
    description="requests to send a message; the sender is the only consumer",
)
MESSAGES_OUTCOME = Topic(
    "messages.outcome.v1",
    12,
    "channel account id",
    description="what became of each send request: accepted by the channel or failed",
)
CONTACTS_EVENTS = Topic("contacts.events.v1", 6, "contact id")
LEADS_EVENTS = Topic("leads.events.v1", 6, "lead id")
CAMPAIGNS_EVENTS = Topic("campaigns.events.v1", 6, "campaign id")
CHANNELS_STATE = Topic(
    "channels.state.v1",
    3,
    "channel account id",
    compacted=True,
    description="latest state of each channel account (compacted: one record per key)",
)
CHANNELS_ALERTS = Topic(
    "channels.alerts.v1",
    3,
    "channel account id",
    description="channel problems a person must see: expired token, spam limit, daily limit",
)
INBOX_EVENTS = Topic(
    "inbox.events.v1",
    6,
    "conversation id",
    description="what changed in the shared inbox, after the crm committed it (live refresh)",
)
CALLS_EVENTS = Topic("calls.events.v1", 3, "channel account id")
TEMPLATES_EVENTS = Topic("templates.events.v1", 3, "template id")
AI_EVENTS = Topic(
    "ai.events.v1",
    6,
    "conversation id (usage: persona id)",
    description="the AI agent's replies, handoffs, actions and lead updates for the crm to"
    " apply, and its usage",
)

TOPICS: tuple[Topic, ...] = (
    MESSAGES_INBOUND,
    MESSAGES_STATUS,
    MESSAGES_SEND,
    MESSAGES_OUTCOME,
    CONTACTS_EVENTS,
    LEADS_EVENTS,
    CAMPAIGNS_EVENTS,
    CHANNELS_STATE,
    CHANNELS_ALERTS,
    INBOX_EVENTS,
    CALLS_EVENTS,
    TEMPLATES_EVENTS,
    AI_EVENTS,
)
