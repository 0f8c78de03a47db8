"""Kafka plumbing: the broker factory, retries with dead-lettering, topic admin, batching."""

from mia_common.messaging.batch import BatchConsumer
from mia_common.messaging.broker import (
    SUBSCRIBER_DEFAULTS,
    create_broker,
    stop_broker,
    subscriber_options,
)
from mia_common.messaging.consuming import AtLeastOnceMiddleware
from mia_common.messaging.publishing import OutgoingRecord, publish_many
from mia_common.messaging.retry import PermanentError, RetryPolicy

__all__ = [
    "SUBSCRIBER_DEFAULTS",
    "AtLeastOnceMiddleware",
    "BatchConsumer",
    "OutgoingRecord",
    "PermanentError",
    "RetryPolicy",
    "create_broker",
    "publish_many",
    "stop_broker",
    "subscriber_options",
]
