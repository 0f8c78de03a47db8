"""Event contracts that cross service lines.

Imports only pydantic and the standard library, so a downstream consumer could vendor
this package as it is.
"""

from mia_common.contracts.channels import (
    ChannelAccountState,
    ChannelAccountStatus,
    ChannelAlert,
    ChannelAlertKind,
)
from mia_common.contracts.contacts import (
    ConsentChanged,
    ConsentChannel,
    ConsentSource,
    ConsentStatus,
    ContactChanged,
    ContactDeleted,
    ContactErased,
    ContactEvent,
    ContactsMerged,
    ContactSnapshot,
    ErasedMedia,
)
from mia_common.contracts.envelope import Envelope, new_event_id
from mia_common.contracts.inbox import InboxChange, InboxEvent
from mia_common.contracts.leads import ColumnRebalanced, LeadEvent, LeadSnapshot, LeadsTopicEvent
from mia_common.contracts.messages import (
    ORIGIN_HEADER,
    Channel,
    ChannelError,
    InboundMessage,
    MediaContent,
    MediaRef,
    MessageKind,
    MessageStatus,
    SendContent,
    SendOrigin,
    SendOutcome,
    SendRequest,
    SendResult,
    StatusValue,
    TemplateContent,
    TextContent,
)
from mia_common.contracts.templates import TemplateStatusChanged
from mia_common.contracts.topics import TOPICS, Topic, dead_letter_topic

__all__ = [
    "ORIGIN_HEADER",
    "TOPICS",
    "Channel",
    "ChannelAccountState",
    "ChannelAccountStatus",
    "ChannelAlert",
    "ChannelAlertKind",
    "ChannelError",
    "ColumnRebalanced",
    "ConsentChanged",
    "ConsentChannel",
    "ConsentSource",
    "ConsentStatus",
    "ContactChanged",
    "ContactDeleted",
    "ContactErased",
    "ContactEvent",
    "ContactSnapshot",
    "ContactsMerged",
    "Envelope",
    "ErasedMedia",
    "InboundMessage",
    "InboxChange",
    "InboxEvent",
    "LeadEvent",
    "LeadSnapshot",
    "LeadsTopicEvent",
    "MediaContent",
    "MediaRef",
    "MessageKind",
    "MessageStatus",
    "SendContent",
    "SendOrigin",
    "SendOutcome",
    "SendRequest",
    "SendResult",
    "StatusValue",
    "TemplateContent",
    "TemplateStatusChanged",
    "TextContent",
    "Topic",
    "dead_letter_topic",
    "new_event_id",
]
