"""The templates API's shapes: what the composer's picker shows and fills in, and a new
template as a company writes it for Meta's review (Graph's ``message_templates`` body).

A new template's fields are checked one by one here (their patterns, lengths and kinds);
the rules that tie them together (one BODY, an example per variable...) are checked by
``service.check_submission``, so their refusals carry a code of their own.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "BodyComponent",
    "ButtonVariablesOut",
    "ButtonsComponent",
    "FooterComponent",
    "HeaderComponent",
    "TemplateComponent",
    "TemplateCreate",
    "TemplateCreated",
    "TemplateList",
    "TemplateOut",
]


class ButtonVariablesOut(BaseModel):
    index: int = Field(
        description="the button's position in the BUTTONS component, from 0: the index a "
        "send names in its button parameter",
        examples=[0],
    )
    type: str = Field(description="the button's type (URL)", examples=["URL"])
    count: int = Field(description="distinct placeholders in the button's url", examples=[1])


class TemplateOut(BaseModel):
    name: str = Field(examples=["atualizacao_pedido"])
    language: str = Field(examples=["pt_BR"])
    status: str = Field(
        description="Meta's status: APPROVED, PENDING, REJECTED, PAUSED, DISABLED...",
        examples=["APPROVED"],
    )
    category: str = Field(description="MARKETING, UTILITY or AUTHENTICATION", examples=["UTILITY"])
    body: str = Field(
        description="the BODY text with its placeholders", examples=["Olá {{1}}! Pedido {{2}}."]
    )
    variables: int = Field(
        description="distinct placeholders in the body ({{1}}, {{2}}...): values to fill in. "
        "The header's and the buttons' are counted apart (header_variables, button_variables)",
        examples=[2],
    )
    header: str | None = Field(description="a text header; null: none, or a media header")
    footer: str | None
    header_variables: int = Field(
        default=0,
        description="distinct placeholders in the text header (Meta allows at most one); 0 for "
        "no header or a media header",
        examples=[1],
    )
    button_variables: list[ButtonVariablesOut] = Field(
        default_factory=list,
        description="the buttons that take values (URL buttons whose url ends in a "
        "placeholder), in button order; empty: no button takes any",
    )


class TemplateList(BaseModel):
    items: list[TemplateOut] = Field(description="sorted by name, then language")


_NO_EXTRA = ConfigDict(extra="forbid")
_Text60 = Annotated[str, Field(min_length=1, max_length=60)]
_ButtonText = Annotated[str, Field(min_length=1, max_length=25)]
_Example = Annotated[str, Field(min_length=1, max_length=2000)]


class HeaderExample(BaseModel):
    model_config = _NO_EXTRA
    header_text: list[_Example] | None = Field(
        default=None, max_length=1, description="a sample value for the text header's variable"
    )
    header_handle: list[_Example] | None = Field(
        default=None,
        max_length=1,
        description="a media header's sample: a handle from Meta's resumable upload",
    )


class HeaderComponent(BaseModel):
    model_config = _NO_EXTRA
    type: Literal["HEADER"]
    format: Literal["TEXT", "IMAGE", "VIDEO", "DOCUMENT", "LOCATION"] = Field(
        description="TEXT needs a text; IMAGE, VIDEO and DOCUMENT need example.header_handle"
    )
    text: _Text60 | None = Field(
        default=None, description="a TEXT header's text, with at most one placeholder"
    )
    example: HeaderExample | None = None


class BodyExample(BaseModel):
    model_config = _NO_EXTRA
    body_text: list[list[_Example]] = Field(
        min_length=1, max_length=1, description="one list: a sample value for each variable"
    )


class BodyComponent(BaseModel):
    model_config = _NO_EXTRA
    type: Literal["BODY"]
    text: str = Field(
        min_length=1,
        max_length=1024,
        description="the message, with placeholders {{1}}, {{2}}...",
        examples=["Olá {{1}}! Seu pedido {{2}} saiu para entrega."],
    )
    example: BodyExample | None = Field(
        default=None, description="required when the text has placeholders"
    )


class FooterComponent(BaseModel):
    model_config = _NO_EXTRA
    type: Literal["FOOTER"]
    text: _Text60 = Field(description="no placeholders")


class QuickReplyButton(BaseModel):
    model_config = _NO_EXTRA
    type: Literal["QUICK_REPLY"]
    text: _ButtonText


class UrlButton(BaseModel):
    model_config = _NO_EXTRA
    type: Literal["URL"]
    text: _ButtonText
    url: str = Field(
        max_length=2000,
        pattern=r"^https?://",
        description="may end in one placeholder, filled in at each send",
        examples=["https://example.com/pedidos/{{1}}"],
    )
    example: list[_Example] | None = Field(
        default=None,
        max_length=1,
        description="a full sample URL; required when the url has a placeholder",
    )


class PhoneNumberButton(BaseModel):
    model_config = _NO_EXTRA
    type: Literal["PHONE_NUMBER"]
    text: _ButtonText
    phone_number: str = Field(pattern=r"^\+?\d{6,20}$", examples=["+5511999990000"])


TemplateButton = Annotated[
    QuickReplyButton | UrlButton | PhoneNumberButton, Field(discriminator="type")
]


class ButtonsComponent(BaseModel):
    model_config = _NO_EXTRA
    type: Literal["BUTTONS"]
    buttons: list[TemplateButton] = Field(min_length=1, max_length=10)


TemplateComponent = Annotated[
    HeaderComponent | BodyComponent | FooterComponent | ButtonsComponent,
    Field(discriminator="type"),
]


class TemplateCreate(BaseModel):
    """A new template, in Graph's shape; submitted to Meta, which reviews it."""

    model_config = _NO_EXTRA
    name: str = Field(
        min_length=1,
        max_length=512,
        pattern=r"^[a-z0-9_]+$",
        description="lower-case letters, digits and underscores",
        examples=["confirmacao_pedido"],
    )
    language: str = Field(
        pattern=r"^[a-z]{2,3}(_[A-Z]{2})?$",
        description="Meta's language code",
        examples=["pt_BR"],
    )
    category: Literal["MARKETING", "UTILITY", "AUTHENTICATION"]
    components: list[TemplateComponent] = Field(
        min_length=1,
        max_length=4,
        description="exactly one BODY; at most one HEADER, FOOTER and BUTTONS",
    )


class TemplateCreated(BaseModel):
    id: str = Field(description="Meta's template id", examples=["1300000000000042"])
    name: str = Field(examples=["confirmacao_pedido"])
    language: str = Field(examples=["pt_BR"])
    status: str = Field(
        description="Meta's status: PENDING while it reviews the template", examples=["PENDING"]
    )
    category: str = Field(description="the category Meta filed it under", examples=["UTILITY"])
