"""A library template as Meta holds it: its name, its numbered texts and their mappings,
and the ``components`` (with examples) the sender submits to Graph.

Meta accepts neither dots nor fallbacks in a variable, so a template written here with
``{{first_name|cliente}}`` is submitted as ``{{1}}`` and sent with the mapping
``{"1": "first_name|cliente"}`` (``rendering.to_meta_positional``): each part (header, body,
URL button) is numbered on its own, from 1, as Meta numbers them. The numbering follows
the text, so the mapping is derived again whenever it is needed and never drifts from the
text Meta approved. A template imported from Meta (``origin == "meta"``) is numbered
already; its mappings are stored with it.

Meta reviews a template with an example value per variable: the variable's fallback when
it has one, otherwise a plausible sample of that kind of value.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from mia_campaigns.models import Template
from mia_campaigns.templates.rendering import HeaderMedia, to_meta_positional

__all__ = ["MetaParts", "meta_name_for", "meta_parts", "submission"]

_NOT_NAME = re.compile(r"[^a-z0-9]+")
_SAMPLES = {
    "first_name": "Maria",
    "name": "Maria Silva",
    "phone": "+5511999990000",
    "email": "maria@example.com",
}


def meta_name_for(name: str) -> str:
    """Meta's name for a library name: lower-case ASCII letters, digits and underscores
    (``"Promo de Natal!"`` -> ``"promo_de_natal"``)."""
    ascii_only = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return _NOT_NAME.sub("_", ascii_only.lower()).strip("_")[:512] or "template"


@dataclass(frozen=True)
class MetaParts:
    """The texts Meta holds (numbered placeholders) and which of our variables fill them."""

    body: str
    body_mapping: dict[str, str]
    header_text: str | None
    header_mapping: dict[str, str]
    header_media: HeaderMedia | None
    button_url: str | None
    button_index: int
    button_mapping: dict[str, str]


def _url_button(template: Template) -> tuple[int, str | None]:
    for index, button in enumerate(template.buttons):
        if button.get("type") == "url" and "{{" in (button.get("url") or ""):
            # A Meta import keeps Meta's index of the button (see ``meta._imported``).
            return int(button.get("index", index)), str(button["url"])
    return 0, None


def _numbered(text: str | None) -> tuple[str | None, dict[str, str]]:
    if text is None:
        return None, {}
    numbered, mapping = to_meta_positional(text)
    return numbered, mapping


def meta_parts(template: Template) -> MetaParts:
    """``template``'s texts as Meta holds them; the library's own are numbered here."""
    index, url = _url_button(template)
    media = HeaderMedia(**template.header_media) if template.header_media else None
    if template.origin == "meta":
        mappings = template.mappings or {}
        return MetaParts(
            body=template.body,
            body_mapping=dict(mappings.get("body") or {}),
            header_text=template.header_text,
            header_mapping=dict(mappings.get("header") or {}),
            header_media=media,
            button_url=url,
            button_index=index,
            button_mapping=dict(mappings.get("button") or {}),
        )
    body, body_mapping = to_meta_positional(template.body)
    header, header_mapping = _numbered(template.header_text)
    button_url, button_mapping = _numbered(url)
    return MetaParts(
        body=body,
        body_mapping=body_mapping,
        header_text=header,
        header_mapping=header_mapping,
        header_media=media,
        button_url=button_url,
        button_index=index,
        button_mapping=button_mapping,
    )


def _sample(mapped: str) -> str:
    """An example value for Meta's review: the fallback, or a sample of the kind."""
    name, bar, fallback = mapped.partition("|")
    if bar and fallback.strip():
        return fallback.strip()
    name = name.strip()
    if name in _SAMPLES:
        return _SAMPLES[name]
    return name.split(".", 1)[-1].replace("_", " ").replace("-", " ") or "exemplo"


def _examples(mapping: dict[str, str]) -> list[str]:
    return [_sample(mapping[key]) for key in sorted(mapping, key=int)]


def _with_examples(text: str, mapping: dict[str, str]) -> str:
    for key, value in mapping.items():
        text = text.replace(f"{{{{{key}}}}}", quote(_sample(value), safe=""))
    return text


def submission(template: Template, *, meta_name: str) -> dict[str, Any]:
    """The sender's ``POST .../templates`` body (Graph's ``message_templates`` shape)."""
    parts = meta_parts(template)
    components: list[dict[str, Any]] = []
    if parts.header_text is not None:
        header: dict[str, Any] = {"type": "HEADER", "format": "TEXT", "text": parts.header_text}
        if parts.header_mapping:
            header["example"] = {"header_text": _examples(parts.header_mapping)}
        components.append(header)
    elif parts.header_media is not None:
        media = parts.header_media
        components.append(
            {
                "type": "HEADER",
                "format": media.kind.upper(),
                # Meta reviews a sample of the media: the file the template sends.
                "example": {"header_handle": [media.link or media.media_id]},
            }
        )
    body: dict[str, Any] = {"type": "BODY", "text": parts.body}
    if parts.body_mapping:
        body["example"] = {"body_text": [_examples(parts.body_mapping)]}
    components.append(body)
    if template.footer:
        components.append({"type": "FOOTER", "text": template.footer})
    buttons: list[dict[str, Any]] = []
    for index, button in enumerate(template.buttons):
        kind = button.get("type")
        if kind == "quick_reply":
            buttons.append({"type": "QUICK_REPLY", "text": button["text"]})
        elif kind == "phone":
            buttons.append(
                {"type": "PHONE_NUMBER", "text": button["text"], "phone_number": button["phone"]}
            )
        elif kind == "url":
            if index == parts.button_index and parts.button_url is not None:
                buttons.append(
                    {
                        "type": "URL",
                        "text": button["text"],
                        "url": parts.button_url,
                        "example": [_with_examples(parts.button_url, parts.button_mapping)],
                    }
                )
            else:
                buttons.append({"type": "URL", "text": button["text"], "url": button["url"]})
    if buttons:
        components.append({"type": "BUTTONS", "buttons": buttons})
    return {
        "name": meta_name,
        "language": template.language,
        "category": template.category.upper(),
        "components": components,
    }
