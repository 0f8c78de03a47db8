"""One signed delivery of Meta's webhook: whose it is, checked, parsed, published.

A delivery is accepted only once Kafka acknowledged its events, so Meta's retries cover a
crash. What cannot be parsed is accepted too (Meta would retry it forever) and goes, raw,
to the dead-letter topic with the reason: nothing is lost, nothing loops.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import structlog
from faststream.kafka import KafkaBroker
from pydantic import ValidationError

from mia_common.contracts.topics import dead_letter_topic
from mia_common.errors import Forbidden, Unauthorized
from mia_common.messaging import OutgoingRecord, publish_many
from mia_meta_ingest.accounts.directory import AccountDirectory, KnownAccount
from mia_meta_ingest.config import MetaIngestSettings
from mia_meta_ingest.webhook.dedupe import Deduplicator
from mia_meta_ingest.webhook.errors import PayloadTooLarge
from mia_meta_ingest.webhook.events import inbound_record, status_record, template_record
from mia_meta_ingest.webhook.normalize import NormalizedBatch, normalize
from mia_meta_ingest.webhook.payloads import WebhookBody
from mia_meta_ingest.webhook.signature import signature_matches

__all__ = ["MetaWebhookService"]

logger = structlog.get_logger(__name__)
# Found in the raw bytes, so even a body that is not valid JSON names whose secret signs it.
_PHONE_NUMBER_ID = re.compile(rb'"phone_number_id"\s*:\s*"([0-9A-Za-z_-]{1,64})"')


def _waba_ids(raw: bytes) -> set[str]:
    """The WhatsApp Business Account ids of the entries (template updates name no number)."""
    try:
        entries = json.loads(raw).get("entry", [])
        return {str(entry["id"]) for entry in entries if isinstance(entry, dict) and "id" in entry}
    except (ValueError, AttributeError, TypeError):
        return set()


class MetaWebhookService:
    def __init__(
        self,
        *,
        settings: MetaIngestSettings,
        broker: KafkaBroker,
        accounts: AccountDirectory,
        deduplicator: Deduplicator,
    ) -> None:
        self._settings = settings
        self._broker = broker
        self._accounts = accounts
        self._dedupe = deduplicator

    async def receive(self, raw: bytes, *, signature: str | None) -> None:
        """Publish what ``raw`` holds; raises the error to answer Meta with instead."""
        settings = self._settings
        if len(raw) > settings.max_body_bytes:
            raise PayloadTooLarge(f"deliveries are at most {settings.max_body_bytes} bytes")
        signed = self._signed_accounts(raw, signature)
        try:
            body = WebhookBody.model_validate_json(raw)
        except (ValidationError, json.JSONDecodeError, UnicodeDecodeError) as exc:
            await self._dead_letter(raw, f"unparseable delivery: {exc}")
            return
        batch = normalize(body)
        # Template decisions concern every number of the business account; a template-only
        # delivery already found them to check its signature.
        missing_wabas = {t.waba_id for t in batch.templates} - {a.waba_id for a in signed.values()}
        for waba_id in missing_wabas:
            for account in self._accounts.by_waba_id(waba_id):
                signed.setdefault(account.phone_number_id, account)
        records, problems = self._records(batch, signed)
        if problems:
            await self._dead_letter(raw, "; ".join(problems))
        fresh = [
            pair
            for pair, unseen in zip(
                records, await self._dedupe.unseen([k for k, _ in records]), strict=True
            )
            if unseen
        ]
        await publish_many(self._broker, [record for _, record in fresh])
        await self._dedupe.mark_seen([key for key, _ in fresh])
        logger.info(
            "webhook delivery accepted",
            messages=len(batch.inbound),
            statuses=len(batch.statuses),
            published=len(fresh),
            ignored=len(batch.ignored),
        )

    def _signed_accounts(self, raw: bytes, signature: str | None) -> dict[str, KnownAccount]:
        """The accounts the body names, after checking it is signed with their app secret."""
        named = {match.decode() for match in _PHONE_NUMBER_ID.findall(raw)}
        found = {
            phone_number_id: account
            for phone_number_id in named
            if (account := self._accounts.by_phone_number_id(phone_number_id)) is not None
        }
        if not named:
            found = {
                account.phone_number_id: account
                for waba_id in _waba_ids(raw)
                for account in self._accounts.by_waba_id(waba_id)
            }
        if not found:
            raise Forbidden(
                "no channel account for the phone number ids in this delivery",
                code="unknown_account",
            )
        for account in found.values():
            if account.app_secret is None:
                raise Forbidden("this account has no usable app secret", code="no_app_secret")
            if not signature_matches(raw, signature, account.app_secret):
                raise Unauthorized("bad or missing X-Hub-Signature-256", code="bad_signature")
        return found

    async def _dead_letter(self, raw: bytes, reason: str) -> None:
        await self._broker.publish(
            raw,
            topic=dead_letter_topic(self._settings.inbound_topic),
            headers={
                "x-dlq-reason": reason[:4000],
                "x-dlq-source": "meta-webhook",
                "x-dlq-failed-at": datetime.now(UTC).isoformat(),
            },
        )
        logger.error("webhook delivery dead-lettered", reason=reason[:500])

    def _records(
        self, batch: NormalizedBatch, accounts: dict[str, KnownAccount]
    ) -> tuple[list[tuple[str, OutgoingRecord]], list[str]]:
        settings = self._settings
        records: list[tuple[str, OutgoingRecord]] = []
        problems: list[str] = []
        for message in batch.inbound:
            account = accounts.get(message.phone_number_id)
            record = account and inbound_record(
                message, account, settings.inbound_topic, settings.media_url_prefix
            )
            if record:
                records.append((f"in:{message.dedupe_key}", record))
            else:
                problems.append(f"message {message.message_id}: no account or no sender id")
        for status in batch.statuses:
            account = accounts.get(status.phone_number_id)
            record = account and status_record(status, account, settings.status_topic)
            if record:
                records.append((f"st:{status.dedupe_key}", record))
            else:
                problems.append(f"status {status.message_id}: no account or no recipient id")
        for update in batch.templates:
            for account in accounts.values():
                if account.waba_id == update.waba_id:
                    key = (
                        f"tpl:{account.id}:{update.template_id}:{update.event}:{update.occurred_at}"
                    )
                    records.append(
                        (key, template_record(update, account, settings.templates_topic))
                    )
        return records, problems
