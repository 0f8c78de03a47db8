"""Kafka plumbing: the broker factory, retries with dead-lettering, topic admin, batching."""

from mia_common.messaging.broker import SUBSCRIBER_DEFAULTS, create_broker, subscriber_options
from mia_common.messaging.dead_letter import DeadLetterMiddleware, PermanentError, RetryPolicy
from mia_common.messaging.publishing import OutgoingRecord, publish_many

__all__ = [
    "SUBSCRIBER_DEFAULTS",
    "DeadLetterMiddleware",
    "OutgoingRecord",
    "PermanentError",
    "RetryPolicy",
    "create_broker",
    "publish_many",
    "subscriber_options",
]
