"""The library and Meta: submit a template for review, list a number's Meta templates, and
import the approved ones, all through the sender. Keyword-only; never commits.

A submission holds the template's row lock while the sender asks Meta (seconds at most):
two submissions of one template at once cannot both reach Meta, the second sees the first's
PENDING and is refused. Meta's decision arrives later on ``templates.events.v1``
(``status.apply_status_change``); a decision that overtook the submission's own commit
is caught up by the next sync, which reads the status Meta lists.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mia_campaigns.models import Template
from mia_campaigns.templates.errors import TemplateAlreadySubmitted, TemplateNotOnMeta
from mia_campaigns.templates.meta_components import meta_name_for, submission
from mia_campaigns.templates.schemas import (
    MetaTemplateOut,
    MetaTemplatesOut,
    SubmitIn,
    SyncOut,
    SyncSkipped,
)
from mia_campaigns.templates.sender import SenderTemplates
from mia_campaigns.templates.service import compiled, get_template
from mia_common.identity import Identity

__all__ = ["list_meta_templates", "submit_template", "sync_meta_templates"]

# A library copy may go to Meta (again) when it never went, was refused, or was edited since.
_SUBMITTABLE = frozenset({None, "REJECTED", "CHANGED"})
_VERSION = re.compile(r"^(.*)_v([0-9]+)$")


def _next_version(name: str) -> str:
    """Meta keeps a name it reviewed, refused or not: a new text needs a name of its own
    (``promo`` -> ``promo_v2`` -> ``promo_v3``)."""
    found = _VERSION.match(name)
    if found is None:
        return f"{name}_v2"[:512]
    return f"{found.group(1)}_v{int(found.group(2)) + 1}"[:512]


async def submit_template(
    session: AsyncSession,
    *,
    caller: Identity,
    template_id: uuid.UUID,
    body: SubmitIn,
    sender: SenderTemplates,
) -> Template:
    template = await get_template(
        session, tenant_id=caller.tenant_id, template_id=template_id, lock=True
    )
    if template.channel == "sms":
        raise TemplateNotOnMeta("an SMS template is sent as text: Meta reviews WhatsApp ones only")
    if template.origin == "meta" or template.meta_status not in _SUBMITTABLE:
        raise TemplateAlreadySubmitted(
            f"the template is {template.meta_status} at Meta as {template.meta_name!r}",
            meta_status=template.meta_status,
        )
    compiled(template)
    name = body.meta_name or (
        _next_version(template.meta_name) if template.meta_name else meta_name_for(template.name)
    )
    answer = await sender.submit(
        caller, body.channel_account_id, submission(template, meta_name=name)
    )
    template.channel_account_id = body.channel_account_id
    template.meta_name = str(answer.get("name") or name)
    template.meta_language = str(answer.get("language") or template.language)
    template.meta_template_id = str(answer["id"]) if answer.get("id") is not None else None
    template.meta_status = str(answer.get("status") or "PENDING")
    template.meta_reason = None
    # Nothing decided yet: the first review event of this submission applies, whenever.
    template.meta_status_at = None
    await session.flush()
    await session.refresh(template)
    return template


async def _library_ids(
    session: AsyncSession, *, tenant_id: uuid.UUID, account_id: uuid.UUID
) -> dict[tuple[str, str], Template]:
    rows = await session.scalars(
        select(Template).where(
            Template.tenant_id == tenant_id,
            Template.channel_account_id == account_id,
            Template.meta_name.is_not(None),
        )
    )
    return {(row.meta_name or "", row.meta_language or ""): row for row in rows}


async def list_meta_templates(
    session: AsyncSession, *, caller: Identity, account_id: uuid.UUID, sender: SenderTemplates
) -> MetaTemplatesOut:
    at_meta = await sender.templates(caller, account_id)
    library = await _library_ids(session, tenant_id=caller.tenant_id, account_id=account_id)
    items = []
    for item in at_meta:
        row = library.get((str(item.get("name")), str(item.get("language"))))
        items.append(
            MetaTemplateOut.model_validate(
                {**item, "library_template_id": row.id if row is not None else None}
            )
        )
    return MetaTemplatesOut(items=items)


def _imported(tenant_id: uuid.UUID, account_id: uuid.UUID, item: dict[str, Any]) -> Template:
    """A library row for Meta's template ``item``, its texts as Meta numbers them.

    The sender lists no button texts, only which buttons take a value: each such URL
    button is kept as its variable (``{{1}}``) at its place (``index``) among Meta's."""
    buttons = [
        {
            "type": "url",
            "text": f"button {int(b.get('index', 0)) + 1}",
            "url": "{{1}}",
            "index": int(b.get("index", 0)),
        }
        for b in item.get("button_variables") or []
        if str(b.get("type", "")).upper() == "URL" and int(b.get("count", 0)) > 0
    ]
    return Template(
        tenant_id=tenant_id,
        name=str(item["name"]),
        channel="whatsapp",
        language=str(item["language"]),
        category=str(item.get("category") or "marketing").lower(),
        body=str(item.get("body") or ""),
        header_text=item.get("header"),
        header_media=None,
        footer=item.get("footer"),
        buttons=buttons,
        channel_account_id=account_id,
        meta_name=str(item["name"]),
        meta_language=str(item["language"]),
        meta_status=str(item.get("status") or ""),
        origin="meta",
        mappings={},
    )


async def _free_name(
    session: AsyncSession, *, tenant_id: uuid.UUID, names: list[str]
) -> str | None:
    for name in names:
        taken = await session.scalar(
            select(Template.id).where(
                Template.tenant_id == tenant_id, func.lower(Template.name) == name.lower()
            )
        )
        if taken is None:
            return name
    return None


async def sync_meta_templates(
    session: AsyncSession, *, caller: Identity, account_id: uuid.UUID, sender: SenderTemplates
) -> SyncOut:
    """Import the number's approved Meta templates the library lacks and bring the Meta
    status of those it has up to date; a repeat finds them and adds nothing."""
    at_meta = await sender.templates(caller, account_id)
    library = await _library_ids(session, tenant_id=caller.tenant_id, account_id=account_id)
    now = datetime.now(UTC)
    out = SyncOut(imported=[], updated=0, unchanged=0)
    for item in at_meta:
        name, language = str(item.get("name") or ""), str(item.get("language") or "")
        status = str(item.get("status") or "")
        if not name or not language:
            continue
        row = library.get((name, language))
        if row is not None:
            if row.meta_status == status or row.meta_status == "CHANGED":
                out.unchanged += 1
                continue
            row.meta_status = status
            row.meta_reason = None if status == "APPROVED" else row.meta_reason
            row.meta_status_at = now
            out.updated += 1
            continue
        if status != "APPROVED":
            continue
        template = _imported(caller.tenant_id, account_id, item)
        library_name = await _free_name(
            session, tenant_id=caller.tenant_id, names=[name[:200], f"{name[:180]} ({language})"]
        )
        if library_name is None:
            out.skipped.append(
                SyncSkipped(
                    meta_name=name,
                    language=language,
                    reason="a library template already has this name",
                )
            )
            continue
        template.name = library_name
        template.meta_status_at = now
        session.add(template)
        await session.flush()
        library[(name, language)] = template
        out.imported.append(template.id)
    await session.flush()
    return out
