"""Another company's knowledge is out of reach: never retrieved, whatever the query, and
not found (404) by any endpoint."""

from __future__ import annotations

from mia_ai_agent.embeddings.directory import EmbedderDirectory
from mia_ai_agent.knowledge.retrieval import retrieve
from mia_common.db import unit_of_work
from support.knowledge import KnowledgeWorld

SECRET = ("Qual é o código do cofre?", "O código do cofre da matriz é 4512.")


async def test_the_exact_text_of_another_tenants_chunk_never_retrieves_it(
    world: KnowledgeWorld, ai_app
) -> None:
    theirs = await world.create_base("Deles")
    document = await world.add_faq(theirs["id"], [SECRET])
    await world.until_ready(theirs["id"], document["id"])
    intruder = world.stranger()
    ours = await world.create_base("Nossa", caller=intruder)
    mine = await world.add_faq(ours["id"], [("Horário?", "Das 9h às 18h.")], caller=intruder)
    await world.until_ready(ours["id"], mine["id"], caller=intruder)
    context = ai_app.state.context

    async with unit_of_work(context.infra.sessions) as session:
        # Even naming the other tenant's base: its id is ignored for this tenant.
        passages = await retrieve(
            session,
            embedders=context.embedders,
            tenant_id=intruder.tenant_id,
            knowledge_base_ids=[theirs["id"], ours["id"]],
            query=f"{SECRET[0]}\n{SECRET[1]}",
            limit=10,
        )
        own = await retrieve(
            session,
            embedders=context.embedders,
            tenant_id=world.tenant_id,
            knowledge_base_ids=[theirs["id"]],
            query=f"{SECRET[0]}\n{SECRET[1]}",
        )

    assert [p.text for p in passages] == ["Horário?\nDas 9h às 18h."]
    assert [p.text for p in own] == [f"{SECRET[0]}\n{SECRET[1]}"]
    assert isinstance(context.embedders, EmbedderDirectory)


async def test_every_endpoint_answers_404_for_another_tenants_ids(world: KnowledgeWorld) -> None:
    base = await world.create_base()
    document = await world.add_faq(base["id"], [SECRET])
    await world.until_ready(base["id"], document["id"])
    job = document["job"]["id"]
    stranger = world.stranger()
    headers = stranger.headers
    kb = f"/api/v1/ai/knowledge-bases/{base['id']}"
    doc = f"{kb}/documents/{document['id']}"
    client = world.client

    answers = {
        "read base": await client.get(kb, headers=headers),
        "patch base": await client.patch(kb, json={"name": "x"}, headers=headers),
        "list documents": await client.get(f"{kb}/documents", headers=headers),
        "upload": await client.post(
            f"{kb}/documents", files={"file": ("a.txt", b"texto", "text/plain")}, headers=headers
        ),
        "faq": await client.post(
            f"{kb}/faq", json={"pairs": [{"question": "q", "answer": "a"}]}, headers=headers
        ),
        "page": await client.post(
            f"{kb}/pages", json={"url": "http://127.0.0.1:9/x"}, headers=headers
        ),
        "read document": await client.get(doc, headers=headers),
        "chunks": await client.get(f"{doc}/chunks", headers=headers),
        "reindex": await client.post(f"{doc}/reindex", headers=headers),
        "job": await client.get(f"{kb}/jobs/{job}", headers=headers),
        "search": await client.post(f"{kb}/search", json={"query": SECRET[0]}, headers=headers),
        "delete document": await client.delete(doc, headers=headers),
        "delete base": await client.delete(kb, headers=headers),
    }
    listed = await client.get("/api/v1/ai/knowledge-bases", headers=headers)

    assert {name: answer.status_code for name, answer in answers.items()} == dict.fromkeys(
        answers, 404
    )
    assert listed.json()["items"] == []
    # and nothing of theirs moved
    still = await world.document(base["id"], document["id"])
    assert still["status"] == "ready"
    assert still["job"]["id"] == job
