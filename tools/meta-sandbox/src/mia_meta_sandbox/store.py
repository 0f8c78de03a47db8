"""What the sandbox remembers, in memory: accepted sends, refusals, contacts, conversations.

Everything lives in this process (a restart forgets it): the sandbox is a development and
test double, and memory keeps a send's bookkeeping far below a millisecond even when the
sender benchmark pushes hundreds per second.
"""

from __future__ import annotations

import secrets
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = [
    "ContactBook",
    "Conversation",
    "ConversationBook",
    "NumberTally",
    "ReadReceipt",
    "SendLedger",
    "SentMessage",
    "max_in_one_second",
]

CONVERSATION_SECONDS = 24 * 3600


@dataclass(frozen=True)
class ReadReceipt:
    """A business marked a customer's message read, perhaps showing "typing…" with it."""

    phone_number_id: str
    message_id: str
    typing: bool
    at: datetime


@dataclass
class SentMessage:
    """One send the Graph endpoint accepted (answered 200 with this ``wamid``)."""

    wamid: str
    phone_number_id: str
    to: str | None
    recipient: str | None
    wa_id: str | None
    user_id: str | None
    type: str
    body: dict[str, Any]
    biz_opaque_callback_data: str | None
    accepted_at: datetime
    accepted_monotonic: float
    # The last status scheduled for it: accepted, sent, delivered, read or failed.
    status: str = "accepted"
    failure_code: int | None = None


@dataclass(frozen=True, slots=True)
class NumberTally:
    """The figures the pacing benchmark and the exactly-once tests read for one number."""

    phone_number_id: str
    accepted: int
    refused: dict[str, int]
    duplicate_callback_values: int
    duplicate_callback_sends: int
    max_per_second: int
    per_second: dict[int, int]


def max_in_one_second(times: list[float]) -> int:
    """The most timestamps inside any half-open one-second window ``(t - 1, t]``.

    The same window the throughput check uses, so a sender that never exceeds a number's
    limit never shows more than that limit here. ``times`` must be sorted.
    """
    best = 0
    start = 0
    for end, time in enumerate(times):
        while times[start] <= time - 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


class SendLedger:
    def __init__(self) -> None:
        self._accepted: dict[str, list[SentMessage]] = defaultdict(list)
        self._by_wamid: dict[str, SentMessage] = {}
        self._refused: dict[str, Counter[str]] = defaultdict(Counter)
        self._marked_read: list[ReadReceipt] = []

    def record_accepted(self, message: SentMessage) -> None:
        # Appended as accepted, so each number's list is sorted by monotonic time.
        self._accepted[message.phone_number_id].append(message)
        self._by_wamid[message.wamid] = message

    def record_refused(self, phone_number_id: str, code: str) -> None:
        self._refused[phone_number_id][code] += 1

    def record_marked_read(
        self, phone_number_id: str, message_id: str, *, typing: bool, at: datetime
    ) -> None:
        self._marked_read.append(ReadReceipt(phone_number_id, message_id, typing, at))

    def marked_read(self) -> list[ReadReceipt]:
        return list(self._marked_read)

    def by_wamid(self, wamid: str) -> SentMessage | None:
        return self._by_wamid.get(wamid)

    def find(
        self,
        *,
        phone_number_id: str | None = None,
        to: str | None = None,
        biz_opaque_callback_data: str | None = None,
    ) -> list[SentMessage]:
        """Accepted sends in acceptance order (per number), filtered."""
        lists = (
            [self._accepted.get(phone_number_id, [])]
            if phone_number_id is not None
            else list(self._accepted.values())
        )
        wanted_digits = _digits(to) if to else None
        found: list[SentMessage] = []
        for messages in lists:
            for message in messages:
                if to is not None and not (
                    message.recipient == to
                    or message.user_id == to
                    or (wanted_digits and message.wa_id == wanted_digits)
                ):
                    continue
                if (
                    biz_opaque_callback_data is not None
                    and message.biz_opaque_callback_data != biz_opaque_callback_data
                ):
                    continue
                found.append(message)
        if phone_number_id is None:
            found.sort(key=lambda message: message.accepted_monotonic)
        return found

    def phone_number_ids(self) -> list[str]:
        return sorted(set(self._accepted) | set(self._refused))

    def tally(self, phone_number_id: str) -> NumberTally:
        messages = self._accepted.get(phone_number_id, [])
        callbacks = Counter(
            m.biz_opaque_callback_data for m in messages if m.biz_opaque_callback_data is not None
        )
        repeated = [count for count in callbacks.values() if count > 1]
        per_second = Counter(int(m.accepted_at.timestamp()) for m in messages)
        return NumberTally(
            phone_number_id=phone_number_id,
            accepted=len(messages),
            refused=dict(self._refused.get(phone_number_id, Counter())),
            duplicate_callback_values=len(repeated),
            duplicate_callback_sends=sum(count - 1 for count in repeated),
            max_per_second=max_in_one_second([m.accepted_monotonic for m in messages]),
            per_second=dict(sorted(per_second.items())),
        )

    def clear(self) -> None:
        self._accepted.clear()
        self._by_wamid.clear()
        self._refused.clear()
        self._marked_read.clear()


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


class ContactBook:
    """Phone number ↔ BSUID pairs learnt from customers who wrote in (Meta's contact book).

    A send to a BSUID reports the phone number only when Meta knows it, and the other way
    round; the sandbox knows what its simulated customers revealed.
    """

    def __init__(self) -> None:
        self._user_by_wa: dict[str, str] = {}
        self._wa_by_user: dict[str, str] = {}

    def learn(self, *, wa_id: str | None, user_id: str | None) -> None:
        if wa_id and user_id:
            self._user_by_wa[wa_id] = user_id
            self._wa_by_user[user_id] = wa_id

    def user_id_of(self, wa_id: str) -> str | None:
        return self._user_by_wa.get(wa_id)

    def wa_id_of(self, user_id: str) -> str | None:
        return self._wa_by_user.get(user_id)

    def clear(self) -> None:
        self._user_by_wa.clear()
        self._wa_by_user.clear()


@dataclass
class Conversation:
    id: str
    expires_at: int
    opened: bool = field(default=True)


class ConversationBook:
    """24-hour conversation windows per (number, recipient), as the status objects report."""

    def __init__(self) -> None:
        self._open: dict[tuple[str, str], Conversation] = {}

    def current(self, phone_number_id: str, recipient: str, now: int) -> Conversation:
        """The open conversation; ``opened`` tells whether this call started it."""
        key = (phone_number_id, recipient)
        found = self._open.get(key)
        if found is not None and found.expires_at > now:
            return Conversation(found.id, found.expires_at, opened=False)
        started = Conversation(secrets.token_hex(16), now + CONVERSATION_SECONDS)
        self._open[key] = started
        return started

    def clear(self) -> None:
        self._open.clear()
