"""Kafka: each inbound message opens (or extends) its customer's window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mia_common.contracts import Envelope, InboundMessage

if TYPE_CHECKING:
    from mia_sender.context import SenderContext

__all__ = ["handle_inbound"]


async def handle_inbound(context: SenderContext, event: Envelope[InboundMessage]) -> None:
    # Redis only, no transaction: recording a window twice changes nothing.
    await context.windows.record_inbound(event.data)
