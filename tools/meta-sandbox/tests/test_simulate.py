"""The customer simulation CLI: realistic conversations through the control API."""

from __future__ import annotations

import httpx
import pytest

from mia_meta_ingest.webhook.payloads import MessagesChange, WebhookBody
from mia_meta_sandbox.simulate import main, reply_to_recent, simulate
from mia_meta_sandbox.testing import SandboxHandle
from support.constants import APP_SECRET, PHONE_NUMBER_ID, text_send
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


async def test_replies_come_from_the_last_people_sent_to_and_go_to_the_number_that_wrote(
    sandbox: SandboxHandle, graph: httpx.AsyncClient, receiver: WebhookReceiver
) -> None:
    people = [f"+5511987650{n:03d}" for n in range(5)]
    for person in people:
        response = await graph.post(f"/{PHONE_NUMBER_ID}/messages", json=text_send(to=person))
        assert response.status_code == 200, response.text
    # The first person got a second message last: still one reply each.
    await graph.post(f"/{PHONE_NUMBER_ID}/messages", json=text_send(to=people[0]))

    done = await reply_to_recent(sandbox.client, replies=3, seed=1)

    assert [m.customer.phone for m in done] == [people[0], people[4], people[3]]
    assert all(m.delivered for m in done)
    replied = []
    for delivery in receiver.messages():
        change = WebhookBody.model_validate_json(delivery.raw).entry[0].changes[0]
        assert isinstance(change, MessagesChange)
        assert change.value.metadata.phone_number_id == PHONE_NUMBER_ID
        replied.append(change.value.messages[0].from_)
    assert sorted(replied) == sorted(m.customer.phone.lstrip("+") for m in done)


async def test_replies_with_nobody_sent_to_reply_nothing(sandbox: SandboxHandle) -> None:
    assert await reply_to_recent(sandbox.client, replies=3) == []


def test_cli_refuses_an_empty_simulation(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--conversations", "0"])

    assert "at least 1" in capsys.readouterr().err
