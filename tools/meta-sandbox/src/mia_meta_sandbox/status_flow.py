"""After an accepted send: the sent → delivered → read statuses, or a failed one.

Each status is posted at its delay after the send (``STATUS_DELAYS``), one background
task per message so statuses of one message arrive in order while messages never wait on
each other. A status whose webhook is refused is retried before the next one is posted,
as a receiver would see from a Meta that delivers in order.
"""

from __future__ import annotations

import asyncio
import time

from mia_meta_sandbox.config import StatusDelays
from mia_meta_sandbox.graph_errors import GraphErrorSpec
from mia_meta_sandbox.numbers import RegisteredNumber
from mia_meta_sandbox.payloads import status_body
from mia_meta_sandbox.store import Conversation, ConversationBook, SentMessage
from mia_meta_sandbox.webhooks import WebhookDispatcher

__all__ = ["StatusReporter"]


class StatusReporter:
    def __init__(
        self,
        *,
        dispatcher: WebhookDispatcher,
        conversations: ConversationBook,
        delays: StatusDelays,
    ) -> None:
        self._dispatcher = dispatcher
        self._conversations = conversations
        self._delays = delays

    def report(
        self,
        number: RegisteredNumber,
        message: SentMessage,
        *,
        failure: GraphErrorSpec | None = None,
    ) -> None:
        """Schedule the statuses of ``message`` without waiting for any of them."""
        self._dispatcher.spawn(self._run(number, message, failure))

    async def _run(
        self, number: RegisteredNumber, message: SentMessage, failure: GraphErrorSpec | None
    ) -> None:
        if failure is not None:
            # Meta reports an asynchronous failure instead of sent; post it when sent would be.
            plan: list[tuple[str, float | None]] = [("failed", self._delays.sent or 0.0)]
        else:
            plan = [
                ("sent", self._delays.sent),
                ("delivered", self._delays.delivered),
                ("read", self._delays.read),
            ]
        conversation: Conversation | None = None
        for status, delay in plan:
            if delay is None:
                continue
            wait = message.accepted_monotonic + delay - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if conversation is None and status in ("sent", "delivered"):
                # The same conversation on sent and delivered; only its first status opens it.
                conversation = self._conversations.current(
                    number.phone_number_id, message.wa_id or message.user_id or "", int(time.time())
                )
            payload = status_body(
                number,
                message,
                status,
                conversation=conversation,
                error=failure.status_error() if failure is not None else None,
            )
            message.status = status
            if failure is not None:
                message.failure_code = failure.code
            delivery = self._dispatcher.prepare(
                kind="status",
                phone_number_id=number.phone_number_id,
                url=number.webhook_url,
                app_secret=number.app_secret,
                payload=payload,
                wamid=message.wamid,
                status=status,
            )
            await self._dispatcher.deliver(delivery)
