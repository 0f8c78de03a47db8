"""Delivering signed webhooks to meta-ingest, and reading what it published."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from mia_common.testing.kafka import TopicRecord, read_topic, read_up_to_marker
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
    settings: MetaIngestSettings, topic: str, subject_filter: str, expected: int
) -> list[TopicRecord]:
    """The records of ``topic`` whose value mentions ``subject_filter``: once ``expected``
    of them arrived, every one published before a marker produced then.

    So ``expected=0`` proves that none was published (the action must be over: its HTTP
    answer came back), and a larger count that no more than those were.
    """
    needle = subject_filter.encode()
    bootstrap = settings.kafka_bootstrap_servers

    def mentioning(records: list[TopicRecord]) -> list[TopicRecord]:
        return [record for record in records if needle in (record.value or b"")]

    if expected:
        await read_topic(
            bootstrap,
            topic,
            until=lambda records: len(mentioning(records)) >= expected,
            message=f"{expected} record(s) mentioning {subject_filter} on {topic}",
        )
    return mentioning(await read_up_to_marker(bootstrap, topic))
