"""Error injection: refuse (or fail later) the sends that match a fault.

A fault names a code from the catalogue, optionally a number and a recipient, and fires
with a probability (``rate``) for at most ``count`` matching sends. ``mode="sync"``
answers the send with Meta's error; ``mode="async"`` accepts it and reports a ``failed``
status webhook instead, the way Meta reports undeliverable messages. ``code="timeout"``
holds the request ``hold_seconds`` first, then either refuses it or, with
``accept_after_hold``, accepts it: the client that gave up meanwhile never learns the
wamid, which is exactly the ambiguous case an exactly-once sender must survive.

``applies_to="message_templates"`` aims a fault at ``GET /{waba_id}/message_templates``
instead (an expired token, an outage, a hold), matched by the number whose token reads;
``applies_to="read_receipts"`` at marking a customer's message read (the typing indicator).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from typing import Literal

from mia_meta_sandbox.graph_errors import CATALOGUE, GraphErrorSpec

__all__ = ["Fault", "FaultBook", "FaultCall", "FaultMode", "recipient_identity"]

FaultMode = Literal["sync", "async"]
# Which Graph call a fault refuses: sends (the default), template list reads or read
# receipts.
FaultCall = Literal["messages", "message_templates", "read_receipts"]
# What a template read can be refused with: the account's token, or Meta itself.
_TEMPLATE_READ_CODES = ("190", "1", "2", "500", "timeout")
# What a read receipt can be refused with: the same, and the number's throughput.
_READ_RECEIPT_CODES = (*_TEMPLATE_READ_CODES, "130429")


def recipient_identity(value: str) -> str:
    """A phone number compares by its digits ("+55 11 9..." is "55119..."), a BSUID as is."""
    return value if "." in value else "".join(ch for ch in value if ch.isdigit())


@dataclass
class Fault:
    code: str
    phone_number_id: str | None = None
    recipient: str | None = None
    rate: float = 1.0
    count: int | None = None
    mode: FaultMode = "sync"
    hold_seconds: float = 0.0
    accept_after_hold: bool = False
    seed: int | None = None
    applies_to: FaultCall = "messages"
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    fired: int = 0
    _random: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.code not in CATALOGUE:
            raise ValueError(f"unknown fault code {self.code!r}; known: {', '.join(CATALOGUE)}")
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError("rate is a probability between 0 and 1")
        if self.count is not None and self.count < 0:
            raise ValueError("count is a number of sends, never negative")
        if self.mode == "async" and self.code in ("timeout", "130429", "190", "1", "2", "500"):
            raise ValueError(f"{self.code} is refused by the API itself; it cannot be async")
        if self.applies_to == "message_templates" and (
            self.code not in _TEMPLATE_READ_CODES or self.mode != "sync" or self.recipient
        ):
            raise ValueError(
                "a message_templates fault is sync, names no recipient, and has one of the "
                f"codes {', '.join(_TEMPLATE_READ_CODES)}"
            )
        if self.applies_to == "read_receipts" and (
            self.code not in _READ_RECEIPT_CODES or self.mode != "sync" or self.recipient
        ):
            raise ValueError(
                "a read_receipts fault is sync, names no recipient, and has one of the "
                f"codes {', '.join(_READ_RECEIPT_CODES)}"
            )
        if self.code == "timeout" and self.hold_seconds <= 0:
            raise ValueError("a timeout fault needs hold_seconds > 0")
        self._random = random.Random(self.seed)

    @property
    def spec(self) -> GraphErrorSpec:
        return CATALOGUE[self.code]

    @property
    def exhausted(self) -> bool:
        return self.count is not None and self.fired >= self.count

    def matches(
        self,
        phone_number_id: str,
        recipients: tuple[str, ...],
        call: FaultCall = "messages",
    ) -> bool:
        """``recipients``: the send's identities (wa_id digits and/or BSUID)."""
        if self.applies_to != call:
            return False
        if self.phone_number_id is not None and self.phone_number_id != phone_number_id:
            return False
        return self.recipient is None or recipient_identity(self.recipient) in recipients

    def fire(self) -> bool:
        """Roll the dice for one matching send; counts it when the fault fires."""
        if self.exhausted:
            return False
        if self.rate < 1.0 and self._random.random() >= self.rate:
            return False
        self.fired += 1
        return True


class FaultBook:
    def __init__(self) -> None:
        self._faults: dict[str, Fault] = {}

    def add(self, fault: Fault) -> Fault:
        self._faults[fault.id] = fault
        return fault

    def all(self) -> list[Fault]:
        return list(self._faults.values())

    def remove(self, fault_id: str) -> bool:
        return self._faults.pop(fault_id, None) is not None

    def clear(self) -> None:
        self._faults.clear()

    def draw(
        self,
        phone_number_id: str,
        recipients: tuple[str, ...],
        call: FaultCall = "messages",
    ) -> Fault | None:
        """The first fault (in the order added) that matches this call and fires.

        A template read is matched by the number whose token made it, with no recipients.
        """
        for fault in self._faults.values():
            if fault.matches(phone_number_id, recipients, call) and fault.fire():
                return fault
        return None
