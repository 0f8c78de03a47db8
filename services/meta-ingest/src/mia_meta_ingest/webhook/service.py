"""One delivery of Meta's webhook: whose it is, its signature, then the webhook edge.

The accounts come from the directory in memory (no database read, secrets already
unsealed). A delivery names its numbers (``phone_number_id``); a template decision names
only its WhatsApp Business Account, so such a body is parsed to find whose it is, and
that parse is the one the edge uses. What is done with the body after the signature
check (parse, normalize, dead-letter, dedupe, publish) is ``mia_common.webhooks``'.

A delivery naming no account we know (a number never connected, or deleted while its
Meta app still subscribes to it) is Meta's if an app secret we know signs it: then it is
answered 200 and dead-lettered with the reason, since refusing it would only make Meta
retry it for days and flag our endpoint. The secrets tried: those of the deleted accounts
of the numbers it names and of the accounts of its business account, the platform's own
(``MIA_META_INGEST_APP_SECRET``), then every other one we know, within a hashing budget
(``unknown_account_scan_bytes``) so a flood of forgeries costs bounded CPU. None of this
runs for a delivery to a known number.
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


def _unknown(numbers: list[str], waba_ids: list[str]) -> str:
    """What the delivery names that no account has, as the reason says it."""
    if numbers:
        return f"no channel account for phone number id {', '.join(numbers)}"
    if waba_ids:
        return f"no channel account for WhatsApp Business Account {', '.join(waba_ids)}"
    return "the delivery names no phone number id and no WhatsApp Business Account"


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
            return await self._for_no_known_account(raw, signature)
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

    async def _for_no_known_account(self, raw: bytes, signature: str | None) -> Accepted:
        """Dead-letter ``raw`` if an app secret we know signs it; refuse it otherwise."""
        numbers = sorted({match.decode() for match in _PHONE_NUMBER_ID.findall(raw)})
        waba_ids = sorted(_waba_ids(raw))
        signer = self._known_signer(raw, signature, numbers=numbers, waba_ids=waba_ids)
        if signer is None:
            raise Forbidden(
                "no channel account for the phone numbers or business account of this "
                "delivery, and no app secret we know signs it",
                code="unknown_account",
            )
        reason = f"{_unknown(numbers, waba_ids)}; {self._retirements(numbers)}signed by {signer}"
        await self._edge.dead_letter(raw, reason, topic=self._settings.inbound_topic)
        return Accepted(published=0, duplicates=0, dead_lettered=True)

    def _known_signer(
        self, raw: bytes, signature: str | None, *, numbers: list[str], waba_ids: list[str]
    ) -> str | None:
        """Whose app secret signs ``raw`` (for the dead letter's reason), or None."""
        if not signature or not signature.startswith("sha256="):
            return None
        directory = self._accounts
        near: list[tuple[str, str]] = [
            (retired.app_secret, f"the app secret of deleted channel account {retired.id}")
            for number in numbers
            for retired in directory.retired_by_phone_number_id(number)
        ]
        for waba_id in waba_ids:
            near.extend(
                (known.app_secret, f"the app secret of channel account {known.id}")
                for known in directory.by_waba_id(waba_id)
                if known.app_secret is not None
            )
            near.extend(
                (retired.app_secret, f"the app secret of deleted channel account {retired.id}")
                for retired in directory.retired_by_waba_id(waba_id)
            )
        platform = self._settings.app_secret
        if platform is not None:
            near.append((platform.get_secret_value(), "the platform's app secret"))
        for secret, whose in near:
            if hub_signature_matches(raw, signature, secret):
                return whose
        tried = {secret for secret, _ in near}
        budget = self._settings.unknown_account_scan_bytes // max(len(raw), 1)
        others = [secret for secret in directory.app_secrets() if secret not in tried]
        for secret in others[:budget]:
            if hub_signature_matches(raw, signature, secret):
                return "the app secret of another channel account"
        return None

    def _retirements(self, numbers: list[str]) -> str:
        """Which deleted accounts had these numbers, for the reason ("" when none)."""
        found = [
            f"phone number id {number} was channel account {retired.id} of tenant "
            f"{retired.tenant_id}, deleted {retired.retired_at.isoformat()}; "
            for number in numbers
            for retired in self._accounts.retired_by_phone_number_id(number)
        ]
        return "".join(found)

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
            elif known is None:
                problems.append(
                    f"message {message.message_id}: no channel account for phone number id "
                    f"{message.phone_number_id}"
                )
            else:
                problems.append(f"message {message.message_id}: no sender id")
        for status in batch.statuses:
            known = accounts.get(status.phone_number_id)
            event = known and status_event(status, known, topic=settings.status_topic)
            if event:
                events.append(event)
            elif known is None:
                problems.append(
                    f"status {status.message_id}: no channel account for phone number id "
                    f"{status.phone_number_id}"
                )
            else:
                problems.append(f"status {status.message_id}: no recipient id")
        for update in batch.templates:
            events.extend(
                template_event(update, account, topic=settings.templates_topic)
                for account in accounts.values()
                if account.waba_id == update.waba_id
            )
        return Normalized(events=events, problems=problems)
