"""An account's message templates: read from Meta for the composer's picker and kept in
Redis; created (submitted for Meta's review) and deleted at Meta on a company's behalf.

Templates live at Meta (``GET /{version}/{waba_id}/message_templates``); nothing here
stores them. Every list is read whole (all statuses, every page up to a cap) and kept
``templates_cache_seconds`` under ``{prefix}:templates:v2:{account}:{fingerprint}``, so a busy
inbox opening the picker again and again asks Meta about once a minute per account; the
status filter is applied to the cached list. The fingerprint covers the WABA id and the
sealed token (sealed with a fresh nonce each time it is set), so a corrected token or WABA
reads afresh at once instead of serving the old answer. Refusals are not cached: the
next open after a fix must see it.

Concurrent misses of one account in this process wait for one Graph read instead of
making one each. A create or a delete drops the account's cached list once Meta took it,
so the next look shows the new template (PENDING) or no longer shows the deleted one.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import time
import weakref
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Protocol

import structlog
from redis.asyncio import Redis

from mia_common.contracts import Channel
from mia_sender.accounts.credentials import UnusableCredentials
from mia_sender.config import SenderSettings
from mia_sender.models import ChannelAccount
from mia_sender.providers.base import ErrorAction, ProviderError
from mia_sender.providers.meta import MetaCredentials, SubmittedTemplate, TemplatePage
from mia_sender.templates.errors import (
    AccountNeedsAttention,
    MetaUnavailable,
    TemplateNotFound,
    TemplateRefused,
)
from mia_sender.templates.schemas import (
    BodyComponent,
    ButtonsComponent,
    FooterComponent,
    HeaderComponent,
    TemplateCreate,
    UrlButton,
)

__all__ = [
    "ButtonVariables",
    "TemplateCatalog",
    "TemplateReader",
    "TemplateSummary",
    "TemplateWriter",
    "check_submission",
    "summarize",
]

logger = structlog.get_logger(__name__)

# {{1}}, {{ 2 }} and named parameters ({{first_name}}) alike.
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")
# Graph's codes for a token that no longer opens anything (190: expired or invalidated).
_TOKEN_CODES = {"0", "190"}
# Graph's subcode for an object that does not exist or that the token may not see.
_UNKNOWN_OBJECT = "33"


@dataclass(frozen=True, slots=True)
class ButtonVariables:
    """A button that takes values at each send: its position, type and placeholder count."""

    index: int
    type: str
    count: int


@dataclass(frozen=True, slots=True)
class TemplateSummary:
    name: str
    language: str
    status: str
    category: str
    body: str
    variables: int
    """Distinct placeholders in the BODY."""
    header: str | None
    footer: str | None
    header_variables: int = 0
    """Distinct placeholders in a TEXT header."""
    button_variables: tuple[ButtonVariables, ...] = ()
    """The buttons whose url holds placeholders, in button order."""

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> TemplateSummary:
        buttons = tuple(ButtonVariables(**b) for b in item.get("button_variables") or ())
        return cls(**{**item, "button_variables": buttons})


class TemplateReader(Protocol):
    """The Graph call the catalog needs (``MetaProvider.message_templates``)."""

    async def message_templates(
        self,
        credentials: MetaCredentials,
        waba_id: str,
        *,
        limit: int,
        after: str | None,
        wait_seconds: float,
    ) -> TemplatePage: ...


class TemplateWriter(Protocol):
    """The Graph calls that change templates (``MetaProvider``'s)."""

    async def create_message_template(
        self, credentials: MetaCredentials, waba_id: str, template: dict[str, Any]
    ) -> SubmittedTemplate: ...

    async def delete_message_template(
        self, credentials: MetaCredentials, waba_id: str, name: str
    ) -> None: ...


def _text_of(components: list[Any], kind: str) -> str | None:
    for component in components:
        if isinstance(component, dict) and component.get("type") == kind:
            text = component.get("text")
            # A media header (IMAGE, VIDEO, DOCUMENT, LOCATION) has no text to show.
            if kind == "HEADER" and component.get("format", "TEXT") != "TEXT":
                return None
            return text if isinstance(text, str) else None
    return None


def _distinct(text: str | None) -> list[str]:
    """The placeholders of ``text`` in order of first appearance, each once."""
    return list(dict.fromkeys(PLACEHOLDER.findall(text or "")))


def _button_variables(components: list[Any]) -> tuple[ButtonVariables, ...]:
    for component in components:
        if not isinstance(component, dict) or component.get("type") != "BUTTONS":
            continue
        buttons = component.get("buttons")
        found: list[ButtonVariables] = []
        for index, button in enumerate(buttons if isinstance(buttons, list) else []):
            url = button.get("url") if isinstance(button, dict) else None
            count = len(_distinct(url)) if isinstance(url, str) else 0
            if count:
                found.append(ButtonVariables(index, str(button.get("type") or ""), count))
        return tuple(found)
    return ()


def summarize(node: dict[str, Any]) -> TemplateSummary | None:
    """What the picker shows of a Graph template node; None for a node without a name."""
    name, language = node.get("name"), node.get("language")
    if not isinstance(name, str) or not isinstance(language, str):
        return None
    components = node.get("components")
    components = components if isinstance(components, list) else []
    body = _text_of(components, "BODY") or ""
    header = _text_of(components, "HEADER")
    return TemplateSummary(
        name=name,
        language=language,
        status=str(node.get("status") or ""),
        category=str(node.get("category") or ""),
        body=body,
        variables=len(_distinct(body)),
        header=header,
        footer=_text_of(components, "FOOTER"),
        header_variables=len(_distinct(header)),
        button_variables=_button_variables(components),
    )


def _invalid(detail: str) -> TemplateRefused:
    return TemplateRefused(detail, code="template_invalid")


def _check_positions(where: str, names: list[str]) -> None:
    """Positional placeholders are numbered 1, 2, 3... as Meta wants them."""
    positional = bool(names) and all(name.isdigit() for name in names)
    if positional and sorted(map(int, names)) != list(range(1, len(names) + 1)):
        raise _invalid(f"The {where}'s placeholders must be numbered {{{{1}}}}, {{{{2}}}}...")


def _check_examples(where: str, wanted: int, examples: list[str] | None, field: str) -> None:
    given = len(examples or [])
    if wanted and given < wanted:
        raise _invalid(
            f"The {where} has {wanted} variable(s) but {given} example value(s): give one "
            f"example.{field} value per variable."
        )


def check_submission(template: TemplateCreate) -> None:
    """The rules that tie a template's parts together, checked before Meta is asked (so a
    mistake is named precisely and costs no Graph call); ``TemplateRefused`` when broken."""
    kinds = [component.type for component in template.components]
    if kinds.count("BODY") != 1:
        raise _invalid("A template has exactly one BODY component.")
    for kind in ("HEADER", "FOOTER", "BUTTONS"):
        if kinds.count(kind) > 1:
            raise _invalid(f"A template has at most one {kind} component.")
    for component in template.components:
        if isinstance(component, BodyComponent):
            names = _distinct(component.text)
            _check_positions("body", names)
            examples = component.example.body_text[0] if component.example else None
            _check_examples("body", len(names), examples, "body_text")
        elif isinstance(component, HeaderComponent):
            example = component.example
            if component.format == "TEXT":
                if component.text is None:
                    raise _invalid("A TEXT header needs its text.")
                names = _distinct(component.text)
                if len(names) > 1:
                    raise _invalid("A header holds at most one variable.")
                _check_positions("header", names)
                header_text = example.header_text if example else None
                _check_examples("header", len(names), header_text, "header_text")
            elif component.format != "LOCATION" and not (example and example.header_handle):
                raise _invalid(
                    f"A {component.format} header needs example.header_handle (a sample media)."
                )
        elif isinstance(component, FooterComponent):
            if _distinct(component.text):
                raise _invalid("A footer cannot hold variables.")
        elif isinstance(component, ButtonsComponent):
            for button in component.buttons:
                if not isinstance(button, UrlButton):
                    continue
                names = _distinct(button.url)
                if len(names) > 1 or (names and not button.url.rstrip().endswith("}}")):
                    raise _invalid("A URL button holds one variable, at the end of its url.")
                _check_examples("URL button", len(names), button.example, "example")


def _problem(
    error: ProviderError, waba_id: str, *, action: str = "list the templates"
) -> Exception:
    """Meta's refusal to ``action`` as the problem the dashboard shows (see ``errors``)."""
    if error.code in _TOKEN_CODES or error.http_status == 401:
        return AccountNeedsAttention(
            f"Meta refused the account's access token ({error.title}); enter a new token.",
            code="token_expired",
            meta_code=error.code,
        )
    if error.action is ErrorAction.PAUSE_ACCOUNT and error.alert_kind in (None, "token_expired"):
        return AccountNeedsAttention(
            f"The access token may not {action} of this account ({error.title}); it needs "
            "the whatsapp_business_management permission.",
            code="token_lacks_permission",
            meta_code=error.code,
        )
    if error.action is ErrorAction.PAUSE_ACCOUNT:
        return AccountNeedsAttention(
            f"Meta restricts this account ({error.title}); see WhatsApp Manager.",
            code="account_restricted",
            meta_code=error.code,
        )
    if error.code == "100":
        return AccountNeedsAttention(
            f"Meta cannot reach WhatsApp Business Account {waba_id} with this token "
            f"({error.title}); check the account's waba_id.",
            code="waba_not_found",
            meta_code=error.code,
        )
    if error.action is ErrorAction.RETRY:
        return MetaUnavailable(
            f"Meta could not {action} now ({error.title}); try again shortly.",
            code="meta_unavailable",
            meta_code=error.code,
        )
    return MetaUnavailable(
        f"Meta refused to {action} ({error.title}).",
        code="meta_error",
        meta_code=error.code,
    )


def _refused_by_meta(error: ProviderError) -> bool:
    """Meta refused what was asked (the template, the name), not the account or the token."""
    return error.permanent and not (error.code == "100" and error.subcode == _UNKNOWN_OBJECT)


def _meta_words(error: ProviderError) -> str:
    # Graph's ``message`` is often just "Invalid parameter"; ``error_data.details`` says what.
    if error.detail and error.detail != error.title:
        return f"{error.title}: {error.detail}"
    return error.title


class TemplateCatalog:
    def __init__(
        self,
        redis: Redis,
        *,
        settings: SenderSettings,
        reader: TemplateReader,
        writer: TemplateWriter,
        credentials: Callable[[ChannelAccount], MetaCredentials],
    ) -> None:
        self._redis = redis
        self._settings = settings
        self._reader = reader
        self._writer = writer
        self._credentials = credentials
        self._reads: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    def _key(self, account: ChannelAccount) -> str:
        fingerprint = hashlib.sha256(
            f"{account.waba_id}\0{account.access_token_sealed}".encode()
        ).hexdigest()[:16]
        # v2: the cached shape; a changed shape gets new keys rather than failing on old ones.
        return f"{self._settings.redis_prefix}:templates:v2:{account.id}:{fingerprint}"

    async def templates(self, account: ChannelAccount) -> list[TemplateSummary]:
        """Every template of the account's WABA (all statuses), sorted by name and language.

        SMS accounts have none (no templates, no 24-hour window). Raises ``AccountNeedsAttention``
        or ``MetaUnavailable`` when Meta does not list them.
        """
        if account.channel != Channel.WHATSAPP_CLOUD.value:
            return []
        if not account.waba_id:
            raise AccountNeedsAttention(
                "The account has no waba_id to read templates from.", code="waba_not_found"
            )
        key = self._key(account)
        cached = await self._cached(key)
        if cached is not None:
            return cached
        lock = self._reads.get(key)
        if lock is None:
            lock = self._reads[key] = asyncio.Lock()
        async with lock:
            # Whoever held the lock may have just filled the cache.
            cached = await self._cached(key)
            if cached is not None:
                return cached
            fetched = await self._fetch(account)
            await self._redis.set(
                key,
                json.dumps([asdict(t) for t in fetched]),
                px=int(self._settings.templates_cache_seconds * 1000),
            )
            return fetched

    async def _cached(self, key: str) -> list[TemplateSummary] | None:
        raw = await self._redis.get(key)
        if raw is None:
            return None
        return [TemplateSummary.from_json(item) for item in json.loads(raw)]

    async def _forget(self, account: ChannelAccount) -> None:
        """Drop the account's cached list; a read in flight here finishes (and stores what
        it read) first, so it cannot put the old list back afterwards."""
        key = self._key(account)
        lock = self._reads.get(key)
        if lock is None:
            await self._redis.delete(key)
            return
        async with lock:
            await self._redis.delete(key)

    def _usable_credentials(self, account: ChannelAccount) -> MetaCredentials:
        try:
            return self._credentials(account)
        except UnusableCredentials as error:
            # Stored before its format was checked, or sealed under a key the ring lost:
            # nothing to ask Meta with until a person enters the token again.
            raise AccountNeedsAttention(error.detail, code=error.code) from error

    def _waba_of(self, account: ChannelAccount) -> str:
        if account.channel != Channel.WHATSAPP_CLOUD.value:
            raise TemplateRefused(
                "SMS accounts have no message templates.", code="sms_has_no_templates"
            )
        if not account.waba_id:
            raise AccountNeedsAttention(
                "The account has no waba_id to keep templates in.", code="waba_not_found"
            )
        return account.waba_id

    async def create(self, account: ChannelAccount, template: TemplateCreate) -> SubmittedTemplate:
        """Submit ``template`` to Meta for review under the account's WABA.

        Raises ``TemplateRefused`` (ours: ``template_invalid``; Meta's:
        ``template_rejected_by_meta``), ``AccountNeedsAttention`` or ``MetaUnavailable``.
        """
        waba_id = self._waba_of(account)
        check_submission(template)
        credentials = self._usable_credentials(account)
        try:
            submitted = await self._writer.create_message_template(
                credentials, waba_id, template.model_dump(mode="json", exclude_none=True)
            )
        except ProviderError as error:
            logger.info(
                "template not submitted",
                channel_account_id=str(account.id),
                code=error.code,
                title=error.title,
            )
            if _refused_by_meta(error):
                raise TemplateRefused(
                    f"Meta refused the template: {_meta_words(error)}",
                    code="template_rejected_by_meta",
                    meta_code=error.code,
                ) from error
            raise _problem(error, waba_id, action="submit the template") from error
        await self._forget(account)
        return submitted

    async def delete(self, account: ChannelAccount, name: str) -> None:
        """Delete the WABA's template ``name`` (every language) at Meta.

        Raises ``TemplateNotFound`` when Meta refuses the name, ``TemplateRefused`` for an
        SMS account, ``AccountNeedsAttention`` or ``MetaUnavailable``.
        """
        waba_id = self._waba_of(account)
        credentials = self._usable_credentials(account)
        try:
            await self._writer.delete_message_template(credentials, waba_id, name)
        except ProviderError as error:
            logger.info(
                "template not deleted",
                channel_account_id=str(account.id),
                code=error.code,
                title=error.title,
            )
            if _refused_by_meta(error):
                raise TemplateNotFound(
                    f"Meta did not delete the template {name!r}: {_meta_words(error)}",
                    code="template_not_found",
                    meta_code=error.code,
                ) from error
            raise _problem(error, waba_id, action="delete the template") from error
        await self._forget(account)

    async def _fetch(self, account: ChannelAccount) -> list[TemplateSummary]:
        waba_id = account.waba_id or ""
        credentials = self._usable_credentials(account)
        settings = self._settings
        deadline = time.monotonic() + settings.templates_deadline_seconds
        nodes: list[dict[str, Any]] = []
        after: str | None = None
        for _ in range(settings.templates_max_pages):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise MetaUnavailable(
                    f"Meta did not list the templates within "
                    f"{settings.templates_deadline_seconds:g} s; try again shortly.",
                    code="meta_unavailable",
                )
            try:
                page = await self._reader.message_templates(
                    credentials,
                    waba_id,
                    limit=settings.templates_page_size,
                    after=after,
                    wait_seconds=remaining,
                )
            except ProviderError as error:
                logger.warning(
                    "templates not listed",
                    channel_account_id=str(account.id),
                    code=error.code,
                    title=error.title,
                )
                raise _problem(error, waba_id) from error
            nodes.extend(page.templates)
            after = page.after
            if after is None:
                break
        else:
            logger.warning(
                "template list cut at the page cap",
                channel_account_id=str(account.id),
                pages=settings.templates_max_pages,
                templates=len(nodes),
            )
        summaries = [s for s in map(summarize, nodes) if s is not None]
        return sorted(summaries, key=lambda t: (t.name, t.language))
