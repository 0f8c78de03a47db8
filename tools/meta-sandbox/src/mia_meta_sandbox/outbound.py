"""One send through the Graph API: faults, the number's throughput, then acceptance.

Acceptance is recorded synchronously, right after the throughput check and before any
``await``, so concurrent sends of one number are counted in the order they were accepted
and the throughput window cannot be overrun by requests interleaving.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import time
import uuid
from datetime import UTC, datetime

from mia_meta_sandbox.faults import FaultBook, recipient_identity
from mia_meta_sandbox.graph_errors import CATALOGUE, GraphError
from mia_meta_sandbox.numbers import RegisteredNumber
from mia_meta_sandbox.send_request import OutboundMessage
from mia_meta_sandbox.status_flow import StatusReporter
from mia_meta_sandbox.store import ContactBook, SendLedger, SentMessage

__all__ = ["OutboundService", "new_wamid"]

_sequence = itertools.count(1)


def new_wamid(phone_digits: str = "") -> str:
    """A unique id shaped like Meta's: ``wamid.`` and base64 of the peer and a message id."""
    raw = f"{phone_digits}:{next(_sequence)}:{uuid.uuid4().hex}".encode()
    return "wamid." + base64.urlsafe_b64encode(raw).decode().rstrip("=")


class OutboundService:
    def __init__(
        self,
        *,
        ledger: SendLedger,
        faults: FaultBook,
        contacts: ContactBook,
        statuses: StatusReporter,
    ) -> None:
        self._ledger = ledger
        self._faults = faults
        self._contacts = contacts
        self._statuses = statuses

    async def send(self, number: RegisteredNumber, outbound: OutboundMessage) -> SentMessage:
        """Accept the send (statuses follow) or raise the ``GraphError`` Meta would answer."""
        wa_id = outbound.wa_id
        user_id = outbound.recipient or (self._contacts.user_id_of(wa_id) if wa_id else None)
        if wa_id is None and user_id is not None:
            wa_id = self._contacts.wa_id_of(user_id)
        identities = tuple(
            recipient_identity(value) for value in (wa_id, user_id) if value is not None
        )
        fault = self._faults.draw(number.phone_number_id, identities)
        if fault is not None and fault.code == "timeout":
            await asyncio.sleep(fault.hold_seconds)
            if not fault.accept_after_hold:
                raise GraphError(fault.spec, label=fault.code)
        elif fault is not None and fault.mode == "sync":
            raise GraphError(fault.spec, label=fault.code)
        now = time.monotonic()
        if not number.has_capacity(now):
            raise GraphError(CATALOGUE["130429"], label="130429")
        number.note_accepted(now)
        message = SentMessage(
            wamid=new_wamid(wa_id or ""),
            phone_number_id=number.phone_number_id,
            to=outbound.to,
            recipient=outbound.recipient,
            wa_id=wa_id,
            user_id=user_id,
            type=outbound.type,
            body=outbound.body,
            biz_opaque_callback_data=outbound.biz_opaque_callback_data,
            accepted_at=datetime.now(UTC),
            accepted_monotonic=now,
        )
        self._ledger.record_accepted(message)
        failure = fault.spec if fault is not None and fault.mode == "async" else None
        self._statuses.report(number, message, failure=failure)
        return message
