"""Indexing jobs live in their rows: one a crashed process left half done is finished by
the next round, without cutting the document again or counting a chunk twice."""

from __future__ import annotations

import uuid

from fastapi import FastAPI
from sqlalchemy import text

from mia_common.db import unit_of_work
from mia_common.testing import wait_until
from support.knowledge import KnowledgeWorld

PAIRS = [(f"Pergunta {i}?", f"Resposta número {i}.") for i in range(3)]


async def test_a_job_left_running_by_a_crash_is_finished_where_it_stopped(
    world: KnowledgeWorld, ai_app: FastAPI
) -> None:
    base = await world.create_base()
    document = await world.add_faq(base["id"], PAIRS)
    await world.until_ready(base["id"], document["id"])
    before = [chunk["id"] for chunk in await world.chunks(base["id"], document["id"])]
    context = ai_app.state.context
    # What a process dying after its first batch leaves: the job running, one chunk done.
    async with unit_of_work(context.infra.sessions) as session:
        await session.execute(
            text(
                "UPDATE knowledge_chunks SET embedding = NULL, dimensions = NULL,"
                " embedding_model = NULL WHERE document_id = :doc AND ordinal > 0"
            ),
            {"doc": uuid.UUID(document["id"])},
        )
        await session.execute(
            text(
                "UPDATE knowledge_jobs SET status = 'running', done = 1, finished_at = NULL"
                " WHERE id = :job"
            ),
            {"job": uuid.UUID(document["job"]["id"])},
        )
        await session.execute(
            text("UPDATE knowledge_documents SET status = 'indexing' WHERE id = :doc"),
            {"doc": uuid.UUID(document["id"])},
        )
    context.indexing.wake()

    async def finished() -> dict | None:
        response = await world.client.get(
            f"/api/v1/ai/knowledge-bases/{base['id']}/jobs/{document['job']['id']}",
            headers=world.agent.headers,
        )
        return response.json() if response.json()["status"] == "done" else None

    job = await wait_until(finished, timeout=30, message="job finished")
    after = await world.chunks(base["id"], document["id"])

    assert (job["done"], job["total"]) == (3, 3)
    assert [chunk["id"] for chunk in after] == before
    assert all(chunk["embedding_model"] == "e5-small" for chunk in after)
    assert (await world.document(base["id"], document["id"]))["status"] == "ready"


async def test_a_model_the_company_has_no_endpoint_for_is_refused(world: KnowledgeWorld) -> None:
    base = await world.create_base()
    created = await world.client.post(
        "/api/v1/ai/knowledge-bases",
        json={"name": "openai", "embedding_model": "text-embedding-3-small"},
        headers=world.manager.headers,
    )
    patched = await world.client.patch(
        f"/api/v1/ai/knowledge-bases/{base['id']}",
        json={"embedding_model": "text-embedding-3-small"},
        headers=world.manager.headers,
    )
    odd_size = await world.client.post(
        "/api/v1/ai/knowledge-bases",
        json={"name": "odd", "dimensions": 768},
        headers=world.manager.headers,
    )

    assert created.status_code == 409
    assert created.json()["code"] == "embedding_model_unavailable"
    assert patched.status_code == 409
    assert odd_size.status_code == 422
    assert odd_size.json()["code"] == "dimensions_not_offered"
    assert (
        await world.client.get(
            f"/api/v1/ai/knowledge-bases/{base['id']}", headers=world.agent.headers
        )
    ).json()["embedding_model"] == "e5-small"


async def test_jobs_take_turns_so_a_small_one_is_not_queued_behind_a_big_one(
    world: KnowledgeWorld,
) -> None:
    base = await world.create_base()
    big = await world.add_faq(
        base["id"], [(f"Pergunta longa {i}?", f"Resposta {i}.") for i in range(100)], title="big"
    )
    small = await world.add_faq(base["id"], [("Horário?", "Das 9h às 18h.")], title="small")

    await world.until_ready(base["id"], small["id"])
    big_now = await world.document(base["id"], big["id"])

    # 100 chunks are four batches of 32: the small job's two steps came between them.
    assert big_now["status"] != "ready", big_now["job"]
    await world.until_ready(base["id"], big["id"])
