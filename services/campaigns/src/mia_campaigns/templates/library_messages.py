"""A campaign's ``{"type": "library", "template_id"}`` message, resolved when it is saved.

A WhatsApp library template is sent as the Meta template it became: its Meta name and
language, its texts numbered as Meta approved them with the mappings back to our
variables (header, body and URL button), its media header. Only an APPROVED one can be
used (422 naming the status otherwise), and only on the number it was approved for. An SMS
library template is sent as its text. The campaign keeps the resolved message (with
``library_template_id``): what it sends is what was approved when it was saved, whatever
the library's copy becomes later.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from mia_campaigns.campaigns.schemas import (
    CampaignCreate,
    LibraryMessage,
    TemplateMessage,
    TextMessage,
)
from mia_campaigns.models import Template
from mia_campaigns.templates.errors import (
    TemplateChannelMismatch,
    TemplateNotApproved,
    TemplateOnAnotherNumber,
)
from mia_campaigns.templates.meta_components import meta_parts
from mia_campaigns.templates.schemas import HeaderMediaIn
from mia_campaigns.templates.service import compiled, get_template
from mia_common.contracts.messages import Channel

__all__ = ["resolve_library_messages"]


def _as_sent(
    template: Template, *, channel: Channel, account_id: uuid.UUID
) -> TextMessage | TemplateMessage:
    wanted = "sms" if channel == Channel.SMS else "whatsapp"
    if template.channel != wanted:
        raise TemplateChannelMismatch(
            f"the template {template.name!r} is a {template.channel} template;"
            f" this campaign sends {wanted}",
            template_id=str(template.id),
        )
    if template.channel == "sms":
        return TextMessage(body=template.body, library_template_id=template.id)
    if template.meta_status != "APPROVED":
        status = template.meta_status or "not submitted"
        raise TemplateNotApproved(
            f"the template {template.name!r} is {status} at Meta: only an approved one sends",
            template_id=str(template.id),
            meta_status=template.meta_status,
        )
    if template.channel_account_id != account_id:
        raise TemplateOnAnotherNumber(
            f"the template {template.name!r} was approved for another number",
            template_id=str(template.id),
        )
    compiled(template)  # a Meta import with a {{1}} still unmapped stops here, named
    parts = meta_parts(template)
    media = parts.header_media
    return TemplateMessage(
        name=template.meta_name or "",
        language=template.meta_language or template.language,
        category=template.category,
        body=parts.body,
        body_mapping=parts.body_mapping or None,
        header_text=parts.header_text,
        header_mapping=parts.header_mapping or None,
        header_media=HeaderMediaIn(
            kind=media.kind, link=media.link, media_id=media.media_id, filename=media.filename
        )
        if media
        else None,
        button_url=parts.button_url,
        button_index=parts.button_index,
        button_mapping=parts.button_mapping or None,
        library_template_id=template.id,
    )


async def resolve_library_messages(
    session: AsyncSession, *, tenant_id: uuid.UUID, body: CampaignCreate
) -> CampaignCreate:
    """``body`` with each library message replaced by what it sends; 404
    ``template_not_found`` for a template the company does not have."""

    async def resolved(
        message: TextMessage | TemplateMessage | LibraryMessage,
    ) -> TextMessage | TemplateMessage:
        if not isinstance(message, LibraryMessage):
            return message
        template = await get_template(session, tenant_id=tenant_id, template_id=message.template_id)
        return _as_sent(template, channel=body.channel, account_id=body.channel_account_id)

    changes: dict[str, object] = {}
    if body.message is not None:
        changes["message"] = await resolved(body.message)
    if body.variants is not None:
        changes["variants"] = [
            variant.model_copy(update={"message": await resolved(variant.message)})
            for variant in body.variants
        ]
    return body.model_copy(update=changes)
