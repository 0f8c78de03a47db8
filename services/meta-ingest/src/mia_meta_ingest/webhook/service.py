"""One delivery of Meta's webhook: whose it is, its signature, then the webhook edge.

The accounts come from the directory in memory (no database read, secrets already
unsealed). A delivery names its numbers (``phone_number_id``); a template decision names
only its WhatsApp Business Account, so such a body is parsed to find whose it is, and
that parse is the one the edge uses. What is done with the body after the signature
check (parse, normalize, dead-letter, dedupe, publish) is ``mia_common.webhooks``'.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import partial

import orjson
import structlog

from mia_common.errors import Forbidden, Unauthorized
from mia_common.webhooks import (
    Accepted,
    EdgeEvent,
    Normalized,
    WebhookEdge,
    check_body_size,
    hub_signature_matches,
)
from mia_meta_ingest.accounts.directory import AccountDirectory, KnownAccount
from mia_meta_ingest.config import MetaIngestSettings
from mia_meta_ingest.webhook.events import inbound_event, status_event, template_event
from mia_meta_ingest.webhook.normalize import normalize
from mia_meta_ingest.webhook.payloads import WebhookBody

__all__ = ["MetaWebhookService"]

logger = structlog.get_logger(__name__)
_stdlib_logger = logging.getLogger(__name__)
# Found in the raw bytes, so even a body that is not valid JSON names whose secret signs it.
_PHONE_NUMBER_ID = re.compile(rb'"phone_number_id"\s*:\s*"([0-9A-Za-z_-]{1,64})"')
Parse = Callable[[bytes], WebhookBody]


def _waba_ids(raw: bytes) -> set[str]:
    """The entries' WhatsApp Business Account ids of a body the model refused."""
    try:
        entries = orjson.loads(raw).get("entry", [])
        return {str(entry["id"]) for entry in entries if isinstance(entry, dict) and "id" in entry}
    except (ValueError, AttributeError, TypeError):
        return set()


class MetaWebhookService:
    def __init__(
        self, *, settings: MetaIngestSettings, edge: WebhookEdge, accounts: AccountDirectory
    ) -> None:
        self._settings = settings
        self._edge = edge
        self._accounts = accounts

    async def receive(self, raw: bytes, *, signature: str | None) -> Accepted:
        """Publish what ``raw`` holds; raises the error to answer Meta with instead.

        Answered only once Kafka acknowledged its events, so Meta's retries cover a crash.
        """
        check_body_size(raw, self._settings.max_body_bytes)
        accounts, parse = self._named_accounts(raw)
        if not accounts:
            raise Forbidden(
                "no channel account for the phone number ids in this delivery",
                code="unknown_account",
            )
        for account in accounts.values():
            if account.app_secret is None:
                raise Forbidden("this account has no usable app secret", code="no_app_secret")
            if not hub_signature_matches(raw, signature, account.app_secret):
                raise Unauthorized("bad or missing X-Hub-Signature-256", code="bad_signature")
        accepted = await self._edge.accept(
            raw,
            parse=parse,
            normalize=partial(self._events, accounts=accounts),
            unparseable="unparseable delivery",
            dead_letter_topic=self._settings.inbound_topic,
        )
        # Checked first: a filtered structlog call still runs its processors.
        if _stdlib_logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "webhook delivery accepted",
                published=accepted.published,
                duplicates=accepted.duplicates,
                dead_lettered=accepted.dead_lettered,
            )
        return accepted

    def _named_accounts(self, raw: bytes) -> tuple[dict[str, KnownAccount], Parse]:
        """The accounts whose secret must sign ``raw``, and how the edge parses it."""
        named = {match.decode() for match in _PHONE_NUMBER_ID.findall(raw)}
        if named:
            found = {
                number: account
                for number in named
                if (account := self._accounts.by_phone_number_id(number)) is not None
            }
            return found, WebhookBody.model_validate_json
        parse: Parse
        try:
            body = WebhookBody.model_validate_json(raw)
        except ValueError as exc:
            refused = exc

            def parse(_raw: bytes) -> WebhookBody:
                raise refused

            waba_ids = _waba_ids(raw)
        else:

            def parse(_raw: bytes) -> WebhookBody:
                return body  # already parsed, once

            waba_ids = {entry.id for entry in body.entry}
        found = {
            account.phone_number_id: account
            for waba_id in waba_ids
            for account in self._accounts.by_waba_id(waba_id)
        }
        return found, parse

    def _events(self, body: WebhookBody, *, accounts: dict[str, KnownAccount]) -> Normalized:
        settings = self._settings
        batch = normalize(body)
        # Template decisions concern every number of the business account, signed or not
        # by it (a delivery naming one number may carry its WABA's template decision).
        for waba_id in {t.waba_id for t in batch.templates} - {
            a.waba_id for a in accounts.values()
        }:
            for account in self._accounts.by_waba_id(waba_id):
                accounts.setdefault(account.phone_number_id, account)
        events: list[EdgeEvent] = []
        problems: list[str] = []
        for message in batch.inbound:
            known = accounts.get(message.phone_number_id)
            event = known and inbound_event(
                message,
                known,
                topic=settings.inbound_topic,
                media_url_prefix=settings.media_url_prefix,
            )
            if event:
                events.append(event)
            else:
                problems.append(f"message {message.message_id}: no account or no sender id")
        for status in batch.statuses:
            known = accounts.get(status.phone_number_id)
            event = known and status_event(status, known, topic=settings.status_topic)
            if event:
                events.append(event)
            else:
                problems.append(f"status {status.message_id}: no account or no recipient id")
        for update in batch.templates:
            events.extend(
                template_event(update, account, topic=settings.templates_topic)
                for account in accounts.values()
                if account.waba_id == update.waba_id
            )
        return Normalized(events=events, problems=problems)
