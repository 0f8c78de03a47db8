"""The start-up verification handshake against the webhook URL."""

from __future__ import annotations

from mia_meta_sandbox.testing import free_listener
from mia_meta_sandbox.verification import verify_webhook
from support.receiver import WebhookReceiver


async def test_handshake_succeeds_when_the_receiver_echoes_the_challenge(
    receiver: WebhookReceiver,
) -> None:
    assert await verify_webhook(receiver.url, receiver.verify_token) is True


async def test_handshake_reports_a_wrong_token_without_retrying(
    receiver: WebhookReceiver,
) -> None:
    assert await verify_webhook(receiver.url, "wrong", attempts=50, pause_seconds=10) is False


async def test_handshake_gives_up_on_an_unreachable_receiver() -> None:
    listener, url = free_listener()
    listener.close()

    assert await verify_webhook(url, "token", attempts=2, pause_seconds=0.01) is False
