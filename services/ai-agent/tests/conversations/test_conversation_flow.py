"""The bot in a conversation, through Kafka: a customer's burst answered once after the
debounce and each part after its humanized delay; silence once people have it; handoffs
that stick until the conversation is closed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from mia_ai_agent.models.conversation import TranscriptLine
from mia_common.contracts import InboxAuthor
from mia_common.testing import wait_until
from support.bots import BotWorld, Thread

QUESTION = "Em quantos dias chega meu pedido?"


async def test_a_customers_question_is_answered_by_the_persona_through_the_crm(
    world: BotWorld,
) -> None:
    base = await world.store_base()
    await world.persona(knowledge_base_ids=[base], min_delay_seconds=0.2, max_delay_seconds=0.6)
    thread = Thread()

    await world.says(thread, QUESTION)

    [event] = await world.decisions(thread)
    reply = event["data"]
    assert reply["type"] == "ai.reply"
    assert reply["persona_name"] == "Sofia"
    assert "2 a 5 dias úteis" in reply["text"]
    assert reply["citations"][0]["document_title"] == "Perguntas frequentes"
    [run] = await world.runs(thread)
    assert reply["run_id"] == str(run.id)
    [part] = await world.scheduled(thread)
    assert part.state == "sent"
    assert str(part.id) == reply["request_id"]
    delay = part.due_at - run.created_at
    assert timedelta(seconds=0.2) <= delay <= timedelta(seconds=0.6 + 0.5), delay


async def test_a_burst_of_messages_is_answered_once(world: BotWorld) -> None:
    base = await world.store_base()
    await world.persona(knowledge_base_ids=[base], debounce_seconds=1.5)
    thread = Thread()

    for text in ("oi", "tudo bem?", QUESTION):
        await world.says(thread, text)

    [event] = await world.decisions(thread)
    bot = await world.bot(thread)
    assert bot is not None
    assert bot.due_at is None, "no other turn is waiting"
    [run] = await world.runs(thread)
    assert run.question == f"oi\ntudo bem?\n{QUESTION}", "one turn read the whole burst"
    assert event["data"]["type"] == "ai.reply"


async def test_no_reply_once_a_person_replied(world: BotWorld) -> None:
    base = await world.store_base()
    await world.persona(knowledge_base_ids=[base])
    thread = Thread()
    await world.says(thread, QUESTION)
    await world.decisions(thread)  # the bot answers here

    await world.says(thread, "Oi, aqui é a Carla da loja.", author=InboxAuthor.AGENT)
    await world.says(thread, "Obrigado Carla! E o frete?")

    bot = await world.bot(thread)
    assert bot is not None
    assert bot.paused_until is not None
    assert bot.due_at is None, "no turn was scheduled"
    assert len(await world.runs(thread)) == 1, "only the answer before the person's reply"


async def test_no_reply_in_a_conversation_someone_was_assigned(world: BotWorld) -> None:
    base = await world.store_base()
    await world.persona(knowledge_base_ids=[base])
    thread = Thread()
    await world.says(thread, QUESTION)
    await world.decisions(thread)

    thread.assigned_user_id = world.manager_user_id = world.tenant_id  # anyone
    await world.conversation_changed(thread)
    await world.says(thread, "E o frete?")

    bot = await world.bot(thread)
    assert bot is not None
    assert bot.due_at is None
    assert len(await world.runs(thread)) == 1


async def test_a_handoff_is_published_and_the_bot_stays_quiet_until_the_conversation_closes(
    world: BotWorld,
) -> None:
    base = await world.store_base()
    persona = await world.persona(
        knowledge_base_ids=[base],
        handoff_user_id=str(world.tenant_id),
        handoff_team_id=str(uuid.uuid4()),
    )
    thread = Thread()

    await world.says(thread, "quero falar com um atendente")

    [event] = await world.decisions(thread)
    handoff = event["data"]
    assert handoff["type"] == "ai.handoff"
    assert handoff["reason"] == "customer_request"
    assert handoff["assign_to_user_id"] == persona["handoff_user_id"]
    assert handoff["assign_to_team_id"] == persona["handoff_team_id"]
    assert "quero falar com um atendente" in handoff["summary"]
    assert "equipe" in handoff["customer_message"]

    await world.says(thread, QUESTION)
    bot = await world.bot(thread)
    assert bot is not None
    assert (bot.state, bot.due_at) == ("handed_off", None), "no loop back to the bot"

    thread.status = "closed"
    await world.conversation_changed(thread)
    thread.status = "open"
    await world.says(thread, QUESTION)
    events = await world.decisions(thread, count=2)
    assert events[-1]["data"]["type"] == "ai.reply", "a closed conversation starts afresh"


async def test_repeated_misunderstanding_hands_off(world: BotWorld) -> None:
    base = await world.store_base()
    await world.persona(knowledge_base_ids=[base], answer_threshold=0.5)
    thread = Thread()
    complaint = "meu pedido chegou com a caixa amassada e faltando peças"

    await world.says(thread, complaint)
    await world.decisions(thread, count=1)
    await world.says(thread, complaint + " de novo")
    await world.decisions(thread, count=2)

    async def handed_off() -> bool:
        bot = await world.bot(thread)
        return bot is not None and bot.state == "handed_off"

    # The second time the customer says it again, the bot gives up.
    await world.says(thread, "de novo: " + complaint)
    await wait_until(handed_off, timeout=30, message="handed off")
    events = await world.decisions(thread, count=3)
    assert events[-1]["data"]["reason"] == "misunderstanding"


async def test_the_pause_switch_silences_the_bot_and_gives_it_back(world: BotWorld) -> None:
    base = await world.store_base()
    await world.persona(knowledge_base_ids=[base])
    thread = Thread()
    await world.says(thread, QUESTION)
    await world.decisions(thread)
    url = f"/api/v1/ai/conversations/{thread.conversation_id}/bot"

    paused = await world.client.put(url, json={"paused": True}, headers=world.agent.headers)
    assert paused.status_code == 200, paused.text
    assert paused.json()["paused"] is True
    await world.says(thread, "E o frete?")
    assert (await world.bot(thread)).due_at is None  # type: ignore[union-attr]

    back = await world.client.put(url, json={"paused": False}, headers=world.agent.headers)
    assert back.json()["paused"] is False
    await world.says(thread, "E o frete, quanto custa?")
    events = await world.decisions(thread, count=2)
    assert events[-1]["data"]["type"] == "ai.reply"
    stranger = await world.client.get(url, headers=world.stranger().headers)
    assert stranger.status_code == 404


async def test_another_tenants_event_naming_this_conversation_changes_nothing(
    world: BotWorld,
) -> None:
    base = await world.store_base()
    await world.persona(knowledge_base_ids=[base])
    thread = Thread()
    await world.says(thread, QUESTION)
    await world.decisions(thread)

    event = await world.says(thread, "x")  # ours, to have a template
    await world.decisions(thread, count=2)  # its turn taken: nothing is due any more
    forged = event.data.model_copy(update={"message_id": uuid.uuid4()})
    await world.publish_inbox(forged, tenant_id=world.stranger().tenant_id)

    async with world.context.infra.sessions() as session:
        assert await session.get(TranscriptLine, forged.message_id) is None
    bot = await world.bot(thread)
    assert bot is not None
    assert (bot.tenant_id, bot.due_at) == (world.tenant_id, None)


async def test_a_message_stamped_before_the_bots_reply_it_followed_is_answered(
    world: BotWorld,
) -> None:
    """Meta stamps a customer's message in whole seconds: one written in the second the
    bot's reply went out carries an earlier time than that reply, yet came after it."""
    base = await world.store_base()
    await world.persona(knowledge_base_ids=[base])
    thread = Thread()
    await world.says(thread, QUESTION)
    await world.decisions(thread)
    await world.says(thread, "Entregamos em 2 a 5 dias úteis.", author=InboxAuthor.BOT)

    await world.says(
        thread,
        "quero falar com um atendente",
        written_at=datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=2),
    )

    *_, last = await world.decisions(thread, count=2)
    assert (last["data"]["type"], last["data"]["reason"]) == ("ai.handoff", "customer_request")
