"""Lead progression after an exchange: above the persona's threshold the AI's reading goes
to the crm; below it, it waits on the card as a suggestion a person accepts in one click;
without a model, the persona's keyword rules do the job."""

from __future__ import annotations

from typing import Any

import pytest

from mia_common.testing import wait_until
from support.bots import BotWorld, Thread
from support.crm_boards import CrmBoards


@pytest.fixture
def stages(world: BotWorld, crm_boards: CrmBoards) -> dict[str, Any]:
    return crm_boards.board(world.tenant_id, "Novo", "Qualificado", "Proposta")


def reading(stage_id: Any, confidence: float) -> dict[str, Any]:
    return {
        "json": {
            "stage_id": str(stage_id),
            "score": 80,
            "confidence": confidence,
            "reason": "quer 20 unidades e pediu prazo",
            "fields": {"name": "Ana", "email": "ana@example.com", "interest": None, "budget": None},
        }
    }


async def test_a_confident_reading_moves_the_lead_through_the_crm(
    world: BotWorld, stages: dict[str, Any]
) -> None:
    await world.persona(lead_threshold=0.8)
    await world.models.configure()
    await world.models.script(
        {"content": "Claro, Ana! Te mando a proposta."}, reading(stages["Qualificado"], 0.93)
    )
    thread = Thread()

    await world.says(thread, "Sou a Ana, ana@example.com, quero 20 unidades")

    reply, update = await world.decisions(thread, count=2)
    assert reply["data"]["type"] == "ai.reply"
    lead = update["data"]
    assert lead["type"] == "ai.lead_update"
    assert (lead["stage_id"], lead["confidence"], lead["score"]) == (
        str(stages["Qualificado"]),
        0.93,
        80,
    )
    assert lead["fields"] == {"name": "Ana", "email": "ana@example.com"}
    assert lead["reason"] == "quer 20 unidades e pediu prazo"
    lead_review = (await world.models.sent())[-1]
    schema = lead_review["response_format"]["json_schema"]["schema"]
    assert str(stages["Proposta"]) in schema["properties"]["stage_id"]["enum"]


async def test_an_unsure_reading_is_a_suggestion_a_person_accepts(
    world: BotWorld, stages: dict[str, Any]
) -> None:
    await world.persona(lead_threshold=0.8)
    await world.models.configure()
    await world.models.script({"content": "Posso ajudar!"}, reading(stages["Proposta"], 0.55))
    thread = Thread()

    await world.says(thread, "talvez eu compre semana que vem")
    await world.decisions(thread, count=1)

    async def suggested() -> list[dict[str, Any]] | None:
        response = await world.client.get(
            "/api/v1/ai/lead-suggestions",
            params={"contact_id": str(thread.contact_id)},
            headers=world.agent.headers,
        )
        assert response.status_code == 200, response.text
        return response.json()["items"] or None

    [suggestion] = await wait_until(suggested, timeout=30, message="a suggestion")
    assert (suggestion["stage_name"], suggestion["confidence"]) == ("Proposta", 0.55)
    url = f"/api/v1/ai/lead-suggestions/{suggestion['id']}"
    stranger = await world.client.post(f"{url}/accept", headers=world.stranger().headers)
    assert stranger.status_code == 404

    accepted = await world.client.post(f"{url}/accept", headers=world.agent.headers)

    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    *_, update = await world.decisions(thread, count=2)
    assert update["data"]["type"] == "ai.lead_update"
    assert update["data"]["stage_id"] == str(stages["Proposta"])
    assert update["data"]["reason"].startswith("accepted by a person")
    again = await world.client.post(f"{url}/accept", headers=world.agent.headers)
    assert again.status_code == 409


async def test_without_a_model_the_personas_keyword_rules_move_the_lead(
    world: BotWorld, stages: dict[str, Any]
) -> None:
    base = await world.store_base()
    await world.persona(
        knowledge_base_ids=[base],
        stage_rules=[
            {"stage_id": str(stages["Qualificado"]), "keywords": ["comprar"]},
            {"stage_id": str(stages["Proposta"]), "keywords": ["orçamento", "proposta"]},
        ],
    )
    thread = Thread()

    await world.says(thread, "Quero um orcamento para comprar 20 cadeiras")

    events = await world.decisions(thread, count=2)
    [update] = [e["data"] for e in events if e["data"]["type"] == "ai.lead_update"]
    assert update["stage_id"] == str(stages["Proposta"]), "the later stage's rule wins"
    assert update["confidence"] == 1.0
    assert "orçamento" in update["reason"]
