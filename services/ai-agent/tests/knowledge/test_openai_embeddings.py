"""Bases embedded by the company's OpenAI-compatible endpoint (the fake OpenAI here):
indexed, searched, re-embedded on a change of model with a job, and billed as usage."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from mia_ai_agent.config import AiAgentSettings
from mia_common.testing import wait_until
from mia_fake_openai.testing import FakeOpenAIHandle
from support.knowledge import KnowledgeWorld
from support.models import ModelWorld

PAIRS = [
    ("Vocês aceitam Pix?", "Sim, aceitamos Pix, cartão e boleto."),
    ("Qual o prazo de entrega?", "Entregamos em até 5 dias úteis."),
]


def _worlds(
    ai_app: FastAPI, client: httpx.AsyncClient, settings: AiAgentSettings, fake: FakeOpenAIHandle
) -> tuple[KnowledgeWorld, ModelWorld]:
    models = ModelWorld(app=ai_app, client=client, settings=settings, fake=fake)
    knowledge = KnowledgeWorld(client=client, settings=settings)
    knowledge.tenant_id = models.tenant_id
    knowledge.manager, knowledge.agent = models.manager, models.agent
    return knowledge, models


async def test_a_base_on_the_companys_endpoint_is_indexed_searched_and_billed(
    ai_app: FastAPI,
    client: httpx.AsyncClient,
    ai_settings: AiAgentSettings,
    fake_openai: FakeOpenAIHandle,
) -> None:
    world, models = _worlds(ai_app, client, ai_settings, fake_openai)
    await models.configure(embedding_model="text-embedding-3-small")
    base = await world.create_base(embedding_model="text-embedding-3-small")
    document = await world.add_faq(base["id"], PAIRS)
    await world.until_ready(base["id"], document["id"])

    passages = await world.search(base["id"], "aceitam Pix")
    chunks = await world.chunks(base["id"], document["id"])
    usage = await client.get(
        "/api/v1/ai/usage", params={"group_by": "purpose"}, headers=world.agent.headers
    )

    assert base["dimensions"] == 1536
    assert {chunk["embedding_model"] for chunk in chunks} == {"text-embedding-3-small"}
    assert "Pix" in passages[0]["text"]
    sent = await models.sent()
    assert [body["dimensions"] for body in sent] == [1536, 1536]
    assert sent[0]["input"] == [
        "Vocês aceitam Pix?\nSim, aceitamos Pix, cartão e boleto.",
        "Qual o prazo de entrega?\nEntregamos em até 5 dias úteis.",
    ]
    by_purpose = {point["key"]: point for point in usage.json()["series"]}
    assert by_purpose["embedding"]["calls"] == 2


async def test_changing_the_model_re_embeds_every_chunk_with_a_job(
    ai_app: FastAPI,
    client: httpx.AsyncClient,
    ai_settings: AiAgentSettings,
    fake_openai: FakeOpenAIHandle,
) -> None:
    world, models = _worlds(ai_app, client, ai_settings, fake_openai)
    await models.configure(embedding_model="text-embedding-3-small")
    base = await world.create_base()
    document = await world.add_faq(base["id"], PAIRS)
    await world.until_ready(base["id"], document["id"])

    response = await client.patch(
        f"/api/v1/ai/knowledge-bases/{base['id']}",
        json={"embedding_model": "text-embedding-3-small", "dimensions": 384},
        headers=world.manager.headers,
    )
    assert response.status_code == 200, response.text
    changed = response.json()
    assert changed["status"] == "reembedding"
    assert changed["job"]["kind"] == "reembed"

    async def done() -> dict | None:
        job = await client.get(
            f"/api/v1/ai/knowledge-bases/{base['id']}/jobs/{changed['job']['id']}",
            headers=world.agent.headers,
        )
        return job.json() if job.json()["status"] == "done" else None

    job = await wait_until(done, timeout=30, message="re-embedding done")
    after = await client.get(
        f"/api/v1/ai/knowledge-bases/{base['id']}", headers=world.agent.headers
    )
    chunks = await world.chunks(base["id"], document["id"])

    assert (job["done"], job["total"]) == (2, 2)
    assert after.json()["status"] == "ready"
    assert (after.json()["embedding_model"], after.json()["dimensions"]) == (
        "text-embedding-3-small",
        384,
    )
    assert {chunk["embedding_model"] for chunk in chunks} == {"text-embedding-3-small"}
    assert "Pix" in (await world.search(base["id"], "aceitam Pix"))[0]["text"]


async def test_an_endpoint_that_fails_leaves_the_document_failed_with_the_reason(
    ai_app: FastAPI,
    client: httpx.AsyncClient,
    ai_settings: AiAgentSettings,
    fake_openai: FakeOpenAIHandle,
) -> None:
    world, models = _worlds(ai_app, client, ai_settings, fake_openai)
    await models.configure(embedding_model="text-embedding-3-small")
    base = await world.create_base(embedding_model="text-embedding-3-small")
    await models.script({"endpoint": "embeddings", "error": {"status": 503}})
    document = await world.add_faq(base["id"], PAIRS)

    async def failed() -> dict | None:
        read = await world.document(base["id"], document["id"])
        return read if read["status"] == "failed" else None

    read = await wait_until(failed, timeout=30, message="document failed")

    assert read["error"]
    assert read["job"]["status"] == "failed"


async def test_a_failed_re_embedding_is_resumed_by_asking_for_the_same_model_again(
    ai_app: FastAPI,
    client: httpx.AsyncClient,
    ai_settings: AiAgentSettings,
    fake_openai: FakeOpenAIHandle,
) -> None:
    world, models = _worlds(ai_app, client, ai_settings, fake_openai)
    await models.configure(embedding_model="text-embedding-3-small")
    base = await world.create_base()
    document = await world.add_faq(base["id"], PAIRS)
    await world.until_ready(base["id"], document["id"])
    await models.script({"endpoint": "embeddings", "error": {"status": 503}})
    change = {"embedding_model": "text-embedding-3-small", "dimensions": 384}
    url = f"/api/v1/ai/knowledge-bases/{base['id']}"

    async def job_ends(job_id: str, status: str) -> dict | None:
        job = await client.get(f"{url}/jobs/{job_id}", headers=world.agent.headers)
        return job.json() if job.json()["status"] == status else None

    first = (await client.patch(url, json=change, headers=world.manager.headers)).json()
    failed = await wait_until(lambda: job_ends(first["job"]["id"], "failed"), timeout=30)
    again = await client.patch(url, json=change, headers=world.manager.headers)
    await wait_until(lambda: job_ends(again.json()["job"]["id"], "done"), timeout=30)
    unchanged = await client.patch(url, json=change, headers=world.manager.headers)

    assert failed["error"]
    assert again.json()["job"]["kind"] == "reembed"
    assert unchanged.json()["job"] is None
    chunks = await world.chunks(base["id"], document["id"])
    assert {chunk["embedding_model"] for chunk in chunks} == {"text-embedding-3-small"}
