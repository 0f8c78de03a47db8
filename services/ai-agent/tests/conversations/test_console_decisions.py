"""The persona's decisions, tried in the test console: extractive answers above the
threshold, handoffs below it and on request, in the customer's language."""

from __future__ import annotations

from support.bots import BotWorld


async def test_a_question_the_faq_answers_gets_that_answer_with_its_source(world: BotWorld) -> None:
    base = await world.store_base()
    persona = await world.persona(knowledge_base_ids=[base])

    answer = await world.console(persona["id"], ("customer", "Em quantos dias chega meu pedido?"))

    run = answer["run"]
    assert (run["decision"], run["reason"], run["mode"]) == (
        "reply",
        "extractive_match",
        "extractive",
    )
    reply = "\n".join(answer["parts"])
    assert "2 a 5 dias úteis" in reply
    assert "Qual é o prazo de entrega?" not in reply, "the FAQ's question is not read back"
    assert "Perguntas frequentes" in reply, "the source is named"
    [source] = run["sources"]
    assert source["similarity"] >= persona["answer_threshold"]


async def test_a_question_the_knowledge_does_not_answer_goes_to_a_person(world: BotWorld) -> None:
    base = await world.store_base()
    persona = await world.persona(knowledge_base_ids=[base])

    answer = await world.console(persona["id"], ("customer", "Qual é a capital da França?"))

    run = answer["run"]
    assert (run["decision"], run["reason"]) == ("handoff", "no_confident_answer")
    assert answer["parts"] == []
    assert "equipe" in answer["customer_message"], "told in Portuguese that a person comes"
    assert run["sources"], "what was found is shown, with its scores"
    assert all(s["similarity"] < persona["answer_threshold"] for s in run["sources"])


async def test_the_threshold_is_the_tenants_to_tune(world: BotWorld) -> None:
    base = await world.store_base()
    strict = await world.persona(knowledge_base_ids=[base], answer_threshold=0.99)

    answer = await world.console(strict["id"], ("customer", "Em quantos dias chega meu pedido?"))

    assert answer["run"]["reason"] == "no_confident_answer"


async def test_asking_for_a_person_hands_off_in_each_language(world: BotWorld) -> None:
    base = await world.store_base()
    persona = await world.persona(knowledge_base_ids=[base])

    told = {}
    for text in (
        "quero falar com um atendente",
        "Can I talk to a person, please?",
        "Quiero hablar con alguien de la tienda",
    ):
        answer = await world.console(persona["id"], ("customer", text))
        assert (answer["run"]["decision"], answer["run"]["reason"]) == (
            "handoff",
            "customer_request",
        ), text
        told[text] = answer["customer_message"]

    assert "equipe" in told["quero falar com um atendente"]
    assert "team" in told["Can I talk to a person, please?"]
    assert "equipo" in told["Quiero hablar con alguien de la tienda"]


async def test_the_persona_hands_off_after_its_turn_limit(world: BotWorld) -> None:
    base = await world.store_base()
    persona = await world.persona(knowledge_base_ids=[base], max_turns=2)

    answer = await world.console(
        persona["id"],
        ("customer", "oi"),
        ("bot", "Olá!"),
        ("customer", "tudo bem?"),
        ("bot", "Tudo ótimo."),
        ("customer", "Em quantos dias chega meu pedido?"),
    )

    assert answer["run"]["reason"] == "turn_limit"
