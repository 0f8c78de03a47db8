"""The business phone numbers the sandbox serves, with their credentials and limits.

A number is what a Meta app has per phone number: an id, a WhatsApp Business Account,
an access token for the Graph calls, an app secret that signs its webhooks and the URL
those webhooks go to. Throughput is checked here because it is the number's own limit.
"""

from __future__ import annotations

import hmac
from collections import deque
from dataclasses import dataclass, field

from mia_meta_sandbox.graph_errors import invalid_token, unknown_object

__all__ = ["NumberRegistry", "RegisteredNumber", "bearer_token"]


@dataclass
class RegisteredNumber:
    phone_number_id: str
    display_phone_number: str
    waba_id: str
    access_token: str
    app_secret: str
    webhook_url: str
    throughput_per_second: int | None = None
    verified_name: str = "Sandbox Business"
    # Monotonic times of the sends accepted during the last second (throughput check).
    _recent: deque[float] = field(default_factory=deque, repr=False)

    @property
    def display_digits(self) -> str:
        """Webhook metadata carries the display number as digits, without the '+'."""
        return "".join(ch for ch in self.display_phone_number if ch.isdigit())

    def token_matches(self, token: str | None) -> bool:
        return token is not None and hmac.compare_digest(token, self.access_token)

    def has_capacity(self, now: float) -> bool:
        """Whether one more send fits the rolling second ending at ``now``."""
        if self.throughput_per_second is None:
            return True
        while self._recent and self._recent[0] <= now - 1.0:
            self._recent.popleft()
        return len(self._recent) < self.throughput_per_second

    def note_accepted(self, now: float) -> None:
        if self.throughput_per_second is not None:
            self._recent.append(now)

    def forget_pacing(self) -> None:
        self._recent.clear()


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


class NumberRegistry:
    def __init__(self) -> None:
        self._numbers: dict[str, RegisteredNumber] = {}

    def register(self, number: RegisteredNumber) -> RegisteredNumber:
        """Add or replace a number; a replaced number starts with a fresh pacing window."""
        self._numbers[number.phone_number_id] = number
        return number

    def get(self, phone_number_id: str) -> RegisteredNumber | None:
        return self._numbers.get(phone_number_id)

    def all(self) -> list[RegisteredNumber]:
        return list(self._numbers.values())

    def authorize(
        self, phone_number_id: str, authorization: str | None, *, method: str = "POST"
    ) -> RegisteredNumber:
        """The number a Graph call names, if the call carries that number's token."""
        token = bearer_token(authorization)
        if token is None:
            # Graph answers a missing token with 190 too, before looking at the object.
            raise invalid_token("An active access token must be used")
        number = self._numbers.get(phone_number_id)
        if number is None:
            raise unknown_object(phone_number_id, method)
        if not number.token_matches(token):
            raise invalid_token()
        return number

    def authorize_waba(
        self, waba_id: str, authorization: str | None, *, method: str = "GET"
    ) -> RegisteredNumber:
        """A number of the WABA a Graph call names, if the call carries that number's token.

        A WABA is known through its numbers: one nobody registered does not exist.
        """
        token = bearer_token(authorization)
        if token is None:
            raise invalid_token("An active access token must be used")
        numbers = [n for n in self._numbers.values() if n.waba_id == waba_id]
        if not numbers:
            raise unknown_object(waba_id, method)
        for number in numbers:
            if number.token_matches(token):
                return number
        raise invalid_token()

    def owning_token(self, authorization: str | None) -> RegisteredNumber | None:
        token = bearer_token(authorization)
        if token is None:
            return None
        for number in self._numbers.values():
            if number.token_matches(token):
                return number
        return None

    def reset_pacing(self) -> None:
        for number in self._numbers.values():
            number.forget_pacing()
