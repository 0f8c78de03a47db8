"""Backoff with full jitter: exponential ceiling, capped, never under the provider's wish."""

from __future__ import annotations

from mia_sender.dispatch.backoff import full_jitter


def test_the_ceiling_doubles_per_attempt_and_is_capped() -> None:
    top = [full_jitter(n, base=2, cap=60, draw=lambda: 1.0) for n in range(1, 8)]
    assert top == [2, 4, 8, 16, 32, 60, 60]


def test_the_wait_is_drawn_between_zero_and_the_ceiling() -> None:
    assert full_jitter(3, base=2, cap=60, draw=lambda: 0.0) == 0
    assert full_jitter(3, base=2, cap=60, draw=lambda: 0.5) == 4


def test_a_retry_after_from_the_provider_is_a_floor() -> None:
    assert full_jitter(1, base=2, cap=60, floor=30, draw=lambda: 0.1) == 30
