"""The transactional outbox and the idempotent-consumer record.

A service writes its business change and the event about it in one transaction
(``add_event``); the ``OutboxRelay`` publishes what was committed. A consumer records the
event ids it applied in its own transaction (``claim_event``), so a redelivered event is
applied once.
"""

from mia_common.outbox.idempotency import claim_event, claim_events
from mia_common.outbox.models import OutboxEvent, ProcessedEvent
from mia_common.outbox.relay import OutboxRelay, RelayStage
from mia_common.outbox.writer import StagedEvent, add_event, add_events

__all__ = [
    "OutboxEvent",
    "OutboxRelay",
    "ProcessedEvent",
    "RelayStage",
    "StagedEvent",
    "add_event",
    "add_events",
    "claim_event",
    "claim_events",
]
