"""The customer simulation CLI: realistic conversations through the control API."""

from __future__ import annotations

import pytest

from mia_meta_ingest.webhook.payloads import MessagesChange, WebhookBody
from mia_meta_sandbox.simulate import main, simulate
from mia_meta_sandbox.testing import SandboxHandle
from support.constants import APP_SECRET
from support.receiver import WebhookReceiver


async def test_simulation_posts_every_message_of_every_conversation(
    sandbox: SandboxHandle, receiver: WebhookReceiver
) -> None:
    done = await simulate(sandbox.client, conversations=6, messages=4, seed=3)

    assert len(done) == 24
    assert all(message.delivered for message in done)
    assert len({message.customer.phone for message in done}) == 6
    assert {message.type for message in done} == {"text", "image"}
    received = receiver.messages()
    assert len(received) == 24
    assert all(r.signed_with(APP_SECRET) for r in received)
    senders = set()
    for delivery in received:
        change = WebhookBody.model_validate_json(delivery.raw).entry[0].changes[0]
        assert isinstance(change, MessagesChange)
        senders.add(change.value.messages[0].from_)
        assert change.value.contacts[0].profile is not None
    assert senders == {m.customer.phone.lstrip("+") for m in done}
    # Every conversation opens with a text.
    firsts = {}
    for message in done:
        firsts.setdefault(message.customer.phone, message)
    assert all(message.type == "text" for message in firsts.values())


def test_cli_refuses_an_empty_simulation(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--conversations", "0"])

    assert "at least 1" in capsys.readouterr().err
