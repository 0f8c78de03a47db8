"""The template library's rules. Keyword-only; never commits."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from mia_campaigns.audiences.crm import CrmMembers
from mia_campaigns.audiences.snapshot import values_of
from mia_campaigns.models import Template
from mia_campaigns.sending.messages import member_fields
from mia_campaigns.templates.errors import (
    PreviewContactNotFound,
    PreviewVariableMissing,
    TemplateInvalid,
    TemplateNameTaken,
    TemplateNotFound,
)
from mia_campaigns.templates.rendering import (
    CompiledTemplate,
    HeaderMedia,
    MissingVariable,
    TemplateParts,
    TemplateSyntaxError,
    compile_template,
)
from mia_campaigns.templates.schemas import (
    PreviewIn,
    PreviewOut,
    SmsInfo,
    TemplateCreate,
    TemplateOut,
    TemplateUpdate,
)
from mia_campaigns.templates.sms import sms_segments
from mia_common.identity import Identity

__all__ = [
    "create_template",
    "delete_template",
    "get_template",
    "preview_template",
    "template_out",
    "update_template",
]

WHATSAPP_BODY_LIMIT = 1024
# What Meta reviewed: changing any of it makes the library's copy another template.
_META_TEXT = frozenset(
    {"body", "header_text", "header_media", "footer", "buttons", "language", "category"}
)


def _sms(text: str) -> SmsInfo:
    counted = sms_segments(text)
    return SmsInfo(
        encoding=counted.encoding.value,
        characters=counted.characters,
        segments=counted.segments,
        characters_left_in_segment=counted.characters_left_in_segment,
    )


def compiled(template: Template) -> CompiledTemplate:
    """The template checked as a send would use it: ``TemplateInvalid`` names the place."""
    url_buttons = [(i, b) for i, b in enumerate(template.buttons) if b.get("type") == "url"]
    with_variables = [(i, b) for i, b in url_buttons if "{{" in (b.get("url") or "")]
    if len(with_variables) > 1:
        raise TemplateInvalid("only one url button may hold a variable")
    index, button = with_variables[0] if with_variables else (0, None)
    if button is not None:
        # A Meta import keeps only its URL buttons that take a value, each with Meta's index.
        index = int(button.get("index", index))
    media = template.header_media
    # A Meta import is numbered ({{1}}): its stored mappings name the variables.
    mappings = template.mappings or {}
    try:
        return compile_template(
            TemplateParts(
                body=template.body,
                header_text=template.header_text,
                header_media=HeaderMedia(**media) if media else None,
                button_url=button["url"] if button else None,
                button_index=index,
                body_mapping=mappings.get("body"),
                header_mapping=mappings.get("header"),
                button_mapping=mappings.get("button"),
            )
        )
    except TemplateSyntaxError as exc:
        raise TemplateInvalid(str(exc), part=exc.part, offset=exc.offset) from None
    except ValueError as exc:
        raise TemplateInvalid(str(exc)) from None


def template_out(template: Template) -> TemplateOut:
    sms = _sms(template.body) if template.channel == "sms" else None
    try:
        engine = compiled(template)
    except TemplateInvalid as exc:
        if template.origin != "meta":
            raise
        # Imported as Meta holds it: shown, and unusable until its {{1}}... are mapped.
        return TemplateOut.of(template, variables=[], sms=sms, mapping_needed=exc.detail)
    variables = list(dict.fromkeys(v.name for v in engine.variables))
    return TemplateOut.of(template, variables=variables, sms=sms)


def _check_channel(template: Template) -> None:
    if template.channel == "sms":
        if template.header_text or template.header_media or template.footer or template.buttons:
            raise TemplateInvalid("an SMS template is a body alone")
    elif len(template.body) > WHATSAPP_BODY_LIMIT:
        raise TemplateInvalid(f"a WhatsApp body holds at most {WHATSAPP_BODY_LIMIT} characters")
    if template.header_text and template.header_media:
        raise TemplateInvalid("a header is text or media, not both")
    compiled(template)


async def _name_free(
    session: AsyncSession, *, tenant_id: uuid.UUID, name: str, other_than: uuid.UUID | None
) -> None:
    query = select(Template.id).where(
        Template.tenant_id == tenant_id, func.lower(Template.name) == name.lower()
    )
    if other_than is not None:
        query = query.where(Template.id != other_than)
    taken = await session.scalar(query)
    if taken is not None:
        raise TemplateNameTaken(f"a template is named {name!r}", template_id=str(taken))


async def create_template(
    session: AsyncSession, *, tenant_id: uuid.UUID, body: TemplateCreate
) -> Template:
    template = Template(
        tenant_id=tenant_id,
        **body.model_dump(mode="json", exclude={"header_media", "buttons"}),
        header_media=body.header_media.model_dump(mode="json") if body.header_media else None,
        buttons=[b.model_dump(mode="json", exclude_none=True) for b in body.buttons],
    )
    _check_channel(template)
    await _name_free(session, tenant_id=tenant_id, name=body.name, other_than=None)
    session.add(template)
    await session.flush()
    await session.refresh(template)
    return template


async def get_template(
    session: AsyncSession, *, tenant_id: uuid.UUID, template_id: uuid.UUID, lock: bool = False
) -> Template:
    query = select(Template).where(Template.id == template_id, Template.tenant_id == tenant_id)
    if lock:
        query = query.with_for_update()
    template = await session.scalar(query)
    if template is None:
        raise TemplateNotFound(f"no template {template_id}")
    return template


async def update_template(
    session: AsyncSession, *, tenant_id: uuid.UUID, template_id: uuid.UUID, changes: TemplateUpdate
) -> Template:
    template = await get_template(session, tenant_id=tenant_id, template_id=template_id, lock=True)
    given: dict[str, Any] = changes.model_dump(mode="json", include=changes.model_fields_set)
    if template.origin == "meta" and set(given) - {"name", "mappings"}:
        raise TemplateInvalid(
            "a template imported from Meta is Meta's text: only its name and mappings change here"
        )
    if "mappings" in given and template.origin != "meta":
        raise TemplateInvalid("only a template imported from Meta has mappings")
    if "mappings" in given:
        given["mappings"] = given["mappings"] or {}
    if "buttons" in given:
        given["buttons"] = [
            {k: v for k, v in b.items() if v is not None} for b in (given["buttons"] or [])
        ]
    for key, value in given.items():
        setattr(template, key, value)
    if template.origin != "meta":
        _check_channel(template)
    elif "mappings" in given:
        compiled(template)  # new mappings: checked as a send will use them
    if "name" in given:
        await _name_free(session, tenant_id=tenant_id, name=template.name, other_than=template.id)
    if template.meta_name is not None and template.origin != "meta" and _META_TEXT & set(given):
        # Meta approved another text: the library's copy must be submitted again.
        template.meta_status = "CHANGED"
    await session.flush()
    await session.refresh(template)
    return template


async def delete_template(
    session: AsyncSession, *, tenant_id: uuid.UUID, template_id: uuid.UUID
) -> None:
    template = await get_template(session, tenant_id=tenant_id, template_id=template_id)
    await session.delete(template)


async def preview_template(
    session: AsyncSession,
    *,
    caller: Identity,
    template_id: uuid.UUID,
    body: PreviewIn,
    crm: CrmMembers,
) -> PreviewOut:
    template = await get_template(session, tenant_id=caller.tenant_id, template_id=template_id)
    engine = compiled(template)
    if body.contact_id is not None:
        fields = member_fields([engine])
        audience = {"kind": "contacts", "contact_ids": [str(body.contact_id)]}
        async with crm.request(caller, audience, fields=fields) as stream:
            lines = [line async for line in stream.lines()]
        if not lines:
            raise PreviewContactNotFound(f"no contact {body.contact_id}")
        values = values_of(lines[0])
        recipient = f"{lines[0].get('name') or 'contact'} ({lines[0].get('phone')})"
    else:
        values, recipient = dict(body.values or {}), "the sample values"
    try:
        rendered = engine.render(values, recipient=recipient)
    except MissingVariable as exc:
        raise PreviewVariableMissing(
            str(exc), variable=exc.variable.name, missing=list(exc.missing)
        ) from None
    return PreviewOut(
        body=rendered.body,
        header_text=rendered.header_text,
        button_url=rendered.button_url,
        fallbacks_used=list(rendered.fallbacks_used),
        sms=_sms(rendered.body) if template.channel == "sms" else None,
    )
