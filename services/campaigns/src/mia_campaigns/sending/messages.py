"""A campaign's message, compiled once, and what one recipient of it is sent.

The stored message (``campaigns.message``, a ``MessageSpec``) becomes the rendering
engine's ``TemplateParts``; each recipient's ledger values fill it. A missing value is that
recipient's failure (``MissingVariable`` names the variable and the recipient), never a
``{{1}}`` on someone's phone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import TypeAdapter

from mia_campaigns.campaigns.schemas import (
    LibraryMessage,
    MessageSpec,
    TemplateMessage,
    TextMessage,
)
from mia_campaigns.models import Campaign
from mia_campaigns.templates.rendering import (
    CompiledTemplate,
    HeaderMedia,
    TemplateParts,
    TemplateSyntaxError,
    Variable,
    compile_template,
)
from mia_common.contracts.messages import SendContent, TextContent

__all__ = [
    "CampaignMessage",
    "campaign_messages",
    "check_message",
    "compile_message",
    "member_fields",
    "variant_of",
]

_SPEC: TypeAdapter[TextMessage | TemplateMessage | LibraryMessage] = TypeAdapter(MessageSpec)


class CampaignMessage:
    """The compiled message of one campaign."""

    def __init__(self, spec: TextMessage | TemplateMessage | LibraryMessage) -> None:
        if isinstance(spec, LibraryMessage):
            # Saved as what it resolves to (``templates.library_messages``), never as is.
            raise TemplateSyntaxError(
                "a library message is resolved to its template when the campaign is saved",
                offset=0,
            )
        self.spec = spec
        if isinstance(spec, TemplateMessage):
            media = spec.header_media
            parts = TemplateParts(
                body=spec.body,
                body_mapping=spec.body_mapping,
                header_text=spec.header_text,
                header_mapping=spec.header_mapping,
                header_media=HeaderMedia(**media.model_dump()) if media else None,
                button_url=spec.button_url,
                button_index=spec.button_index,
                button_mapping=spec.button_mapping,
            )
        else:
            parts = TemplateParts(body=spec.body)
        self._template: CompiledTemplate = compile_template(parts)

    @property
    def variables(self) -> list[Variable]:
        return self._template.variables

    def content(self, values: dict[str, Any], *, recipient: str) -> SendContent:
        """What ``recipient`` is sent; raises ``MissingVariable``."""
        rendered = self._template.render(values, recipient=recipient)
        if isinstance(self.spec, TemplateMessage):
            return rendered.template_content(name=self.spec.name, language=self.spec.language)
        return TextContent(body=rendered.body)


def compile_message(stored: dict[str, Any]) -> CampaignMessage:
    """The campaign's stored message, compiled; ``TemplateSyntaxError`` when it cannot be."""
    return CampaignMessage(_SPEC.validate_python(stored))


def campaign_messages(campaign: Campaign) -> list[CampaignMessage]:
    """The campaign's messages by variant number (one when it is no A/B test)."""
    if campaign.variants:
        return [compile_message(variant["message"]) for variant in campaign.variants]
    return [compile_message(campaign.message)]


def member_fields(messages: Sequence[CampaignMessage | CompiledTemplate]) -> list[str]:
    """The custom fields the messages read: what the member stream must carry."""
    return sorted(
        {
            v.name.removeprefix("fields.")
            for message in messages
            for v in message.variables
            if v.name.startswith("fields.")
        }
    )


def variant_of(seq: int, percents: list[int]) -> int:
    """The variant of the snapshot's ``seq``-th recipient: every 100 in a row split exactly
    by the percents, interleaved (37 is coprime with 100: buckets 0, 37, 74, 11, ...)."""
    bucket = (seq * 37) % 100
    for index, percent in enumerate(percents):
        if bucket < percent:
            return index
        bucket -= percent
    return len(percents) - 1


def check_message(spec: TextMessage | TemplateMessage | LibraryMessage) -> str | None:
    """Why ``spec`` cannot be compiled, or None."""
    try:
        CampaignMessage(spec)
    except TemplateSyntaxError as exc:
        return str(exc)
    return None
