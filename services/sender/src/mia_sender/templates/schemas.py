"""The templates API's response: what the composer's picker shows and fills in."""

from __future__ import annotations

from pydantic import BaseModel, Field

__all__ = ["TemplateList", "TemplateOut"]


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
        description="distinct placeholders in the body ({{1}}, {{2}}...): values to fill in",
        examples=[2],
    )
    header: str | None = Field(description="a text header; null: none, or a media header")
    footer: str | None


class TemplateList(BaseModel):
    items: list[TemplateOut] = Field(description="sorted by name, then language")
