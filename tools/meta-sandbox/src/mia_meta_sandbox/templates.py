"""Message templates per WhatsApp Business Account, as ``GET /{waba_id}/message_templates``
lists them, and the record of those reads.

Templates belong to the WABA, not to a number: every number registered under a WABA sees
the same list. A WABA the sandbox has never seen is seeded with a few realistic templates
(pt_BR and en_US; approved, pending, rejected, paused) when its first number is
registered; the control API replaces or adds templates for tests. Like numbers and media,
templates survive ``POST /sandbox/reset``; the record of reads does not.

Paging follows Graph's cursor paging: ``limit`` items a page, ``paging.cursors.before`` /
``after`` on every page, ``paging.next`` only when another page follows. A cursor here is
an opaque position (base64 of the offset), enough for a double whose lists hold still
while a client pages through them.
"""

from __future__ import annotations

import base64
import binascii
import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "DEFAULT_TEMPLATES",
    "MessageTemplate",
    "TemplateBook",
    "TemplatePage",
    "TemplateRead",
    "decode_cursor",
    "encode_cursor",
]

_ids = itertools.count(1)


def _new_template_id() -> str:
    # Meta's template ids are 15-16 digit numbers.
    return str(1_300_000_000_000_000 + next(_ids))


@dataclass
class MessageTemplate:
    name: str
    language: str
    status: str
    category: str
    components: list[dict[str, Any]]
    parameter_format: str = "POSITIONAL"
    id: str = field(default_factory=_new_template_id)

    def graph_json(self, fields: list[str] | None = None) -> dict[str, Any]:
        """The template node as Graph renders it; ``fields`` narrows it (``id`` always stays)."""
        node: dict[str, Any] = {
            "name": self.name,
            "parameter_format": self.parameter_format,
            "components": self.components,
            "language": self.language,
            "status": self.status,
            "category": self.category,
            "id": self.id,
        }
        if fields:
            node = {key: value for key, value in node.items() if key in fields or key == "id"}
        return node


@dataclass(frozen=True, slots=True)
class TemplatePage:
    items: list[MessageTemplate]
    before: str | None
    after: str | None
    has_next: bool


@dataclass(frozen=True, slots=True)
class TemplateRead:
    """One ``GET /{waba_id}/message_templates`` the sandbox answered (or refused)."""

    waba_id: str
    phone_number_id: str | None
    limit: int | None
    after: str | None
    status_filter: str | None
    http_status: int
    returned: int
    at: datetime


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The offset a cursor stands for; ``ValueError`` when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise ValueError(f"invalid cursor {cursor!r}") from None
    prefix, _, number = raw.partition(":")
    if prefix != "offset" or not number.isdigit():
        raise ValueError(f"invalid cursor {cursor!r}")
    return int(number)


def _body(text: str, *examples: str) -> dict[str, Any]:
    component: dict[str, Any] = {"type": "BODY", "text": text}
    if examples:
        component["example"] = {"body_text": [list(examples)]}
    return component


# What a fresh WABA holds: realistic, and varied enough for a picker to show (approved
# ones with 2, 1 and 0 variables, a header, a footer, buttons) and to hide (pending,
# rejected, paused).
DEFAULT_TEMPLATES: list[dict[str, Any]] = [
    {
        "name": "atualizacao_pedido",
        "language": "pt_BR",
        "status": "APPROVED",
        "category": "UTILITY",
        "components": [
            {"type": "HEADER", "format": "TEXT", "text": "Atualização do pedido"},
            _body(
                "Olá {{1}}! Seu pedido {{2}} saiu para entrega e chega hoje.",
                "Maria",
                "#48213",
            ),
            {"type": "FOOTER", "text": "Responda SAIR para não receber avisos."},
            {
                "type": "BUTTONS",
                "buttons": [{"type": "QUICK_REPLY", "text": "Falar com atendente"}],
            },
        ],
    },
    {
        "name": "order_update",
        "language": "en_US",
        "status": "APPROVED",
        "category": "UTILITY",
        "components": [
            {"type": "HEADER", "format": "TEXT", "text": "Order update"},
            _body("Hi {{1}}! Your order {{2}} is on its way.", "Mary", "#48213"),
            {"type": "FOOTER", "text": "Reply STOP to opt out."},
        ],
    },
    {
        "name": "saudacao",
        "language": "pt_BR",
        "status": "APPROVED",
        "category": "MARKETING",
        "components": [
            _body("Oi {{1}}, tudo bem? Podemos continuar a sua conversa por aqui?", "Maria"),
            {
                "type": "BUTTONS",
                "buttons": [
                    {"type": "QUICK_REPLY", "text": "Sim"},
                    {"type": "QUICK_REPLY", "text": "Agora não"},
                ],
            },
        ],
    },
    {
        "name": "retomar_atendimento",
        "language": "pt_BR",
        "status": "APPROVED",
        "category": "UTILITY",
        "components": [
            _body("Recebemos a sua mensagem. Podemos retomar o atendimento?"),
        ],
    },
    {
        "name": "promocao_fim_de_semana",
        "language": "pt_BR",
        "status": "PENDING",
        "category": "MARKETING",
        "components": [
            _body("{{1}}, só neste fim de semana: {{2}} de desconto!", "Maria", "20%"),
        ],
    },
    {
        "name": "cupom_exclusivo",
        "language": "en_US",
        "status": "REJECTED",
        "category": "MARKETING",
        "components": [
            _body("Use code {{1}} for a free gift!", "FREE"),
        ],
    },
    {
        "name": "pesquisa_satisfacao",
        "language": "pt_BR",
        "status": "PAUSED",
        "category": "MARKETING",
        "components": [
            _body("{{1}}, de 0 a 10, quanto você nos recomendaria?", "Maria"),
            {
                "type": "BUTTONS",
                "buttons": [
                    {
                        "type": "URL",
                        "text": "Responder",
                        "url": "https://example.com/pesquisa",
                    }
                ],
            },
        ],
    },
]


class TemplateBook:
    def __init__(self) -> None:
        self._by_waba: dict[str, list[MessageTemplate]] = {}
        self._reads: list[TemplateRead] = []

    def seed(self, waba_id: str) -> None:
        """Give a WABA the default templates, unless it already has a list (even empty)."""
        if waba_id not in self._by_waba:
            self._by_waba[waba_id] = [MessageTemplate(**spec) for spec in DEFAULT_TEMPLATES]

    def all(self, waba_id: str) -> list[MessageTemplate]:
        return list(self._by_waba.get(waba_id, []))

    def replace(self, waba_id: str, templates: list[MessageTemplate]) -> list[MessageTemplate]:
        self._by_waba[waba_id] = list(templates)
        return self.all(waba_id)

    def add(self, waba_id: str, template: MessageTemplate) -> MessageTemplate:
        """Add a template; one with the same name and language is replaced in place."""
        templates = self._by_waba.setdefault(waba_id, [])
        for index, existing in enumerate(templates):
            if (existing.name, existing.language) == (template.name, template.language):
                template.id = existing.id
                templates[index] = template
                return template
        templates.append(template)
        return template

    def delete(self, waba_id: str, name: str, template_id: str | None = None) -> int:
        """Remove the templates of that name (every language, or only ``template_id``)."""
        templates = self._by_waba.get(waba_id, [])
        kept = [
            t
            for t in templates
            if not (t.name == name and (template_id is None or t.id == template_id))
        ]
        self._by_waba[waba_id] = kept
        return len(templates) - len(kept)

    def page(
        self,
        waba_id: str,
        *,
        limit: int,
        after: str | None = None,
        before: str | None = None,
        statuses: set[str] | None = None,
    ) -> TemplatePage:
        """One page of the WABA's templates (filtered by status); ``ValueError`` on a bad cursor."""
        found = [
            t for t in self._by_waba.get(waba_id, []) if statuses is None or t.status in statuses
        ]
        end: int | None = None
        if after is not None:
            start = decode_cursor(after) + 1
        elif before is not None:
            # The page that ends just before the first item of the page ``before`` names.
            end = decode_cursor(before)
            start = max(0, end - limit)
        else:
            start = 0
        items = found[start : start + limit if end is None else end]
        if not items:
            return TemplatePage(items=[], before=None, after=None, has_next=False)
        last = start + len(items) - 1
        return TemplatePage(
            items=items,
            before=encode_cursor(start),
            after=encode_cursor(last),
            has_next=last + 1 < len(found),
        )

    def record_read(
        self,
        *,
        waba_id: str,
        phone_number_id: str | None,
        limit: int | None,
        after: str | None,
        status_filter: str | None,
        http_status: int,
        returned: int,
    ) -> None:
        self._reads.append(
            TemplateRead(
                waba_id=waba_id,
                phone_number_id=phone_number_id,
                limit=limit,
                after=after,
                status_filter=status_filter,
                http_status=http_status,
                returned=returned,
                at=datetime.now(UTC),
            )
        )

    def reads(self, waba_id: str | None = None) -> list[TemplateRead]:
        return [read for read in self._reads if waba_id is None or read.waba_id == waba_id]

    def clear_reads(self) -> None:
        self._reads.clear()
