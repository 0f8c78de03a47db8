""" "Typing…" while the bot's answer waits its humanized delay: one indicator before each
message of the answer, against the customer's message it answers."""

from __future__ import annotations

from datetime import datetime

from support.bots import BotWorld, Thread

QUESTION = "Em quantos dias chega meu pedido?"
LONG_ANSWER = (
    "Chega em 2 a 5 dias úteis nas capitais e em até 8 dias úteis no interior. Assim que a"
    " nota fiscal é emitida você recebe o código de rastreio por e-mail e pelo WhatsApp,"
    " e pode acompanhar cada etapa da entrega pelo site da transportadora, sem cadastro."
    "\n\n"
    "Se precisar trocar o endereço de entrega, responda aqui antes do envio que eu ajusto"
    " o pedido para você. Depois que a transportadora coleta o pacote, a troca de endereço"
    " só pode ser pedida diretamente a ela, pelo telefone que vem junto com o rastreio."
)


async def test_typing_shows_until_the_answer_against_the_customers_message(
    world: BotWorld,
) -> None:
    base = await world.store_base()
    await world.persona(knowledge_base_ids=[base], min_delay_seconds=1.2, max_delay_seconds=1.5)
    thread = Thread()

    said = await world.says(thread, QUESTION)

    typing, reply = (event["data"] for event in await world.decisions(thread, count=2))
    assert typing["type"] == "ai.typing"
    assert typing["in_reply_to_message_id"] == str(said.data.message_id)
    [part] = await world.scheduled(thread)
    assert datetime.fromisoformat(typing["until"]) == part.due_at
    assert reply["type"] == "ai.reply"
    assert reply["in_reply_to_message_id"] == str(said.data.message_id)
    assert typing["run_id"] == reply["run_id"]


async def test_each_message_of_a_long_answer_is_preceded_by_its_own_typing(
    world: BotWorld,
) -> None:
    base = await world.store_base()
    await world.persona(knowledge_base_ids=[base], min_delay_seconds=1.0, max_delay_seconds=1.2)
    await world.models.configure()
    await world.models.script({"content": LONG_ANSWER})
    thread = Thread()

    await world.says(thread, QUESTION)

    decided = [event["data"] for event in await world.decisions(thread, count=4)]
    assert [(d["type"], d.get("part")) for d in decided] == [
        ("ai.typing", None),
        ("ai.reply", 1),
        ("ai.typing", None),
        ("ai.reply", 2),
    ]
    first, second = await world.scheduled(thread)
    assert datetime.fromisoformat(decided[0]["until"]) == first.due_at
    assert datetime.fromisoformat(decided[2]["until"]) == second.due_at
    assert datetime.fromisoformat(decided[2]["occurred_at"]) >= first.due_at, (
        "the second indicator starts once the first message left (Meta clears it then)"
    )
