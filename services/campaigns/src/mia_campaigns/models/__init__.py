"""campaigns' tables: the outbox for now (templates, campaigns, cadences come later)."""

from mia_common.outbox import OutboxEvent, ProcessedEvent

__all__ = ["OutboxEvent", "ProcessedEvent"]
