"""Delivering signed webhooks to meta-ingest, and reading what it published."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord

from mia_meta_ingest.config import MetaIngestSettings
from support.accounts import Account

__all__ = ["for_account", "records_for", "signed"]


def signed(body: bytes, secret: str) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}


def for_account(delivery: dict[str, Any], account: Account) -> bytes:
    for entry in delivery["entry"]:
        for change in entry["changes"]:
            if "metadata" in change.get("value", {}):
                change["value"]["metadata"]["phone_number_id"] = account.phone_number_id
    return json.dumps(delivery).encode()


async def records_for(
    settings: MetaIngestSettings, topic: str, subject_filter: str, expected: int, wait: float = 15
) -> list[ConsumerRecord]:
    """The records of ``topic`` whose value mentions ``subject_filter``, read from the start.

    Reads until ``expected`` are found or the deadline passes, so a test can also prove that
    no more than ``expected`` arrived.
    """
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=settings.kafka_bootstrap_servers, auto_offset_reset="earliest"
    )
    await consumer.start()
    found: list[ConsumerRecord] = []
    try:
        async with asyncio.timeout(wait):
            while len(found) < expected:
                batch = await consumer.getmany(timeout_ms=200)
                for part in batch.values():
                    found.extend(r for r in part if subject_filter.encode() in (r.value or b""))
        # Anything more already in the topic would arrive in this last look.
        for part in (await consumer.getmany(timeout_ms=500)).values():
            found.extend(r for r in part if subject_filter.encode() in (r.value or b""))
    finally:
        await consumer.stop()
    return found
