"""``/webhooks/meta``: Meta's verification handshake and its signed deliveries.

A delivery is answered 200 only once Kafka acknowledged its events, so Meta's retries
cover a crash. What cannot be parsed still gets 200 (Meta would retry it forever) and
goes, raw, to the dead-letter topic with the reason: nothing is lost, nothing loops.
"""

from __future__ import annotations

import hmac
import json
import re
from datetime import UTC, datetime
from typing import Annotated

import structlog
from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import PlainTextResponse
from pydantic import ValidationError

from mia_common.contracts.topics import dead_letter_topic
from mia_common.crypto import DecryptionError, KeyRing
from mia_common.errors import AppError, Forbidden, Unauthorized
from mia_common.messaging import OutgoingRecord, publish_many
from mia_meta_ingest.accounts.repository import accounts_by_phone_number_id, accounts_by_waba_id
from mia_meta_ingest.config import MetaIngestSettings, get_settings
from mia_meta_ingest.models import ChannelAccount
from mia_meta_ingest.webhook.dedupe import Deduplicator
from mia_meta_ingest.webhook.events import inbound_record, status_record, template_record
from mia_meta_ingest.webhook.normalize import NormalizedBatch, normalize
from mia_meta_ingest.webhook.payloads import WebhookBody
from mia_meta_ingest.webhook.signature import signature_matches

__all__ = ["router"]

router = APIRouter(tags=["webhooks"])
logger = structlog.get_logger(__name__)
SettingsDep = Annotated[MetaIngestSettings, Depends(get_settings)]
# Found in the raw bytes, so even a body that is not valid JSON names whose secret signs it.
_PHONE_NUMBER_ID = re.compile(rb'"phone_number_id"\s*:\s*"([0-9A-Za-z_-]{1,64})"')


def _waba_ids(raw: bytes) -> set[str]:
    """The WhatsApp Business Account ids of the entries (template updates name no number)."""
    try:
        entries = json.loads(raw).get("entry", [])
        return {str(entry["id"]) for entry in entries if isinstance(entry, dict) and "id" in entry}
    except (ValueError, AttributeError, TypeError):
        return set()


class PayloadTooLarge(AppError):
    status_code = 413
    title = "Payload too large"


@router.get("/webhooks/meta", response_class=PlainTextResponse, summary="Meta's verification")
async def verify(
    settings: SettingsDep,
    mode: Annotated[str | None, Query(alias="hub.mode")] = None,
    token: Annotated[str | None, Query(alias="hub.verify_token")] = None,
    challenge: Annotated[str | None, Query(alias="hub.challenge")] = None,
) -> str:
    expected = settings.verify_token.get_secret_value()
    if mode != "subscribe" or token is None or not hmac.compare_digest(token, expected):
        raise Forbidden("the verify token does not match", code="verify_token_mismatch")
    return challenge or ""


async def _signed_accounts(
    request: Request, raw: bytes, settings: MetaIngestSettings
) -> dict[str, ChannelAccount]:
    """The accounts the body names, after checking it is signed with their app secret."""
    named = {match.decode() for match in _PHONE_NUMBER_ID.findall(raw)}
    ctx = request.app.state.context
    async with ctx.session_factory() as session:
        accounts = await accounts_by_phone_number_id(session, named)
        if not named:
            waba_accounts = await accounts_by_waba_id(session, _waba_ids(raw))
            accounts = {account.phone_number_id: account for account in waba_accounts}
    if not accounts:
        raise Forbidden(
            "no channel account for the phone number ids in this delivery", code="unknown_account"
        )
    ring: KeyRing = ctx.extras["key_ring"]
    header = request.headers.get("x-hub-signature-256")
    for account in accounts.values():
        try:
            secret = ring.decrypt_text(
                account.app_secret_sealed or "", associated_data=account.id.bytes
            )
        except DecryptionError:
            raise Forbidden("this account has no usable app secret", code="no_app_secret") from None
        if not signature_matches(raw, header, secret):
            raise Unauthorized("bad or missing X-Hub-Signature-256", code="bad_signature")
    return accounts


async def _dead_letter(request: Request, raw: bytes, reason: str, topic: str) -> None:
    broker = request.app.state.context.broker
    await broker.publish(
        raw,
        topic=dead_letter_topic(topic),
        headers={
            "x-dlq-reason": reason[:4000],
            "x-dlq-source": "meta-webhook",
            "x-dlq-failed-at": datetime.now(UTC).isoformat(),
        },
    )
    logger.error("webhook delivery dead-lettered", reason=reason[:500])


def _records(
    batch: NormalizedBatch, accounts: dict[str, ChannelAccount], settings: MetaIngestSettings
) -> tuple[list[tuple[str, OutgoingRecord]], list[str]]:
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
                records.append(
                    (
                        f"tpl:{account.id}:{update.template_id}:{update.event}:{update.occurred_at}",
                        template_record(update, account, settings.templates_topic),
                    )
                )
    return records, problems


@router.post("/webhooks/meta", summary="A signed delivery of messages and statuses")
async def receive(request: Request, settings: SettingsDep) -> Response:
    raw = await request.body()
    if len(raw) > settings.max_body_bytes:
        raise PayloadTooLarge(f"deliveries are at most {settings.max_body_bytes} bytes")
    accounts = await _signed_accounts(request, raw, settings)
    try:
        body = WebhookBody.model_validate_json(raw)
    except (ValidationError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        await _dead_letter(request, raw, f"unparseable delivery: {exc}", settings.inbound_topic)
        return Response(status_code=200)
    batch = normalize(body)
    # Template decisions concern every number of the business account; a template-only
    # delivery already found them to check its signature.
    missing_wabas = {t.waba_id for t in batch.templates} - {a.waba_id for a in accounts.values()}
    if missing_wabas:
        async with request.app.state.context.session_factory() as session:
            for account in await accounts_by_waba_id(session, missing_wabas):
                accounts.setdefault(account.phone_number_id, account)
    records, problems = _records(batch, accounts, settings)
    if problems:
        await _dead_letter(request, raw, "; ".join(problems), settings.inbound_topic)
    ctx = request.app.state.context
    dedupe = Deduplicator(ctx.redis, ttl_seconds=settings.dedupe_hours * 3600)
    fresh = [
        pair
        for pair, unseen in zip(records, await dedupe.unseen([k for k, _ in records]), strict=True)
        if unseen
    ]
    await publish_many(ctx.broker, [record for _, record in fresh])
    await dedupe.mark_seen([key for key, _ in fresh])
    logger.info(
        "webhook delivery accepted",
        messages=len(batch.inbound),
        statuses=len(batch.statuses),
        published=len(fresh),
        ignored=len(batch.ignored),
    )
    return Response(status_code=200)
