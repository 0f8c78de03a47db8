"""Knowledge bases over HTTP: roles, FAQ indexing with progress, re-index, delete, errors."""

from __future__ import annotations

import uuid

from support.knowledge import KnowledgeWorld

PAIRS = [
    ("Qual o prazo de entrega?", "Entregamos em até 5 dias úteis nas capitais."),
    ("Vocês aceitam Pix?", "Sim, aceitamos Pix, cartão de crédito e boleto."),
]


async def test_a_base_is_created_with_the_embedded_model_by_default(world: KnowledgeWorld) -> None:
    base = await world.create_base("Loja", description="perguntas da loja")

    assert base["embedding_model"] == "e5-small"
    assert base["dimensions"] == 384
    assert base["status"] == "ready"
    listed = await world.client.get("/api/v1/ai/knowledge-bases", headers=world.agent.headers)
    assert [item["id"] for item in listed.json()["items"]] == [base["id"]]


async def test_agents_read_and_search_but_only_managers_write(world: KnowledgeWorld) -> None:
    refused = await world.client.post(
        "/api/v1/ai/knowledge-bases", json={"name": "x"}, headers=world.agent.headers
    )
    base = await world.create_base()
    faq = await world.client.post(
        f"/api/v1/ai/knowledge-bases/{base['id']}/faq",
        json={"pairs": [{"question": "q", "answer": "a"}]},
        headers=world.agent.headers,
    )
    read = await world.client.get(
        f"/api/v1/ai/knowledge-bases/{base['id']}", headers=world.agent.headers
    )

    assert refused.status_code == 403
    assert faq.status_code == 403
    assert read.status_code == 200


async def test_a_second_base_of_the_same_name_is_refused(world: KnowledgeWorld) -> None:
    await world.create_base("Suporte")
    response = await world.client.post(
        "/api/v1/ai/knowledge-bases", json={"name": "suporte"}, headers=world.manager.headers
    )

    assert response.status_code == 409
    assert response.json()["code"] == "knowledge_base_name_taken"


async def test_faq_pairs_are_indexed_one_chunk_each_and_the_job_reaches_done(
    world: KnowledgeWorld,
) -> None:
    base = await world.create_base()
    document = await world.add_faq(base["id"], PAIRS)

    assert document["status"] == "pending"
    assert document["job"]["status"] == "pending"
    ready = await world.until_ready(base["id"], document["id"])
    job = await world.client.get(
        f"/api/v1/ai/knowledge-bases/{base['id']}/jobs/{document['job']['id']}",
        headers=world.agent.headers,
    )
    chunks = await world.chunks(base["id"], document["id"])

    assert ready["chunk_count"] == 2
    assert job.json()["status"] == "done"
    assert (job.json()["done"], job.json()["total"], job.json()["progress"]) == (2, 2, 1.0)
    assert [chunk["text"] for chunk in chunks] == [f"{q}\n{a}" for q, a in PAIRS]
    assert all(chunk["embedding_model"] == "e5-small" for chunk in chunks)


async def test_search_finds_the_answer_with_its_scores(world: KnowledgeWorld) -> None:
    base = await world.create_base()
    document = await world.add_faq(base["id"], PAIRS)
    await world.until_ready(base["id"], document["id"])

    passages = await world.search(base["id"], "posso pagar com pix?")

    assert "Pix" in passages[0]["text"]
    assert passages[0]["document_title"] == "FAQ"
    assert passages[0]["vector_rank"] == 1
    assert passages[0]["text_rank"] == 1
    assert 0 < passages[0]["similarity"] <= 1
    assert passages[0]["score"] > passages[1]["score"]


async def test_a_deleted_document_is_searched_no_more(world: KnowledgeWorld) -> None:
    base = await world.create_base()
    kept = await world.add_faq(base["id"], PAIRS[:1], title="entrega")
    dropped = await world.add_faq(base["id"], PAIRS[1:], title="pagamento")
    await world.until_ready(base["id"], kept["id"])
    await world.until_ready(base["id"], dropped["id"])

    deleted = await world.client.delete(
        f"/api/v1/ai/knowledge-bases/{base['id']}/documents/{dropped['id']}",
        headers=world.manager.headers,
    )
    passages = await world.search(base["id"], "Vocês aceitam Pix?")
    gone = await world.client.get(
        f"/api/v1/ai/knowledge-bases/{base['id']}/documents/{dropped['id']}",
        headers=world.manager.headers,
    )

    assert deleted.status_code == 204
    assert gone.status_code == 404
    assert {p["document_id"] for p in passages} == {kept["id"]}


async def test_a_reindex_cuts_the_document_again_with_a_new_job(world: KnowledgeWorld) -> None:
    base = await world.create_base()
    document = await world.add_faq(base["id"], PAIRS)
    await world.until_ready(base["id"], document["id"])
    before = {chunk["id"] for chunk in await world.chunks(base["id"], document["id"])}

    response = await world.client.post(
        f"/api/v1/ai/knowledge-bases/{base['id']}/documents/{document['id']}/reindex",
        headers=world.manager.headers,
    )
    assert response.status_code == 202, response.text
    assert response.json()["job"]["kind"] == "reindex"
    ready = await world.until_ready(base["id"], document["id"])
    after = await world.chunks(base["id"], document["id"])

    assert ready["job"]["id"] == response.json()["job"]["id"]
    assert ready["job"]["status"] == "done"
    assert len(after) == 2
    assert not before & {chunk["id"] for chunk in after}
    assert (await world.search(base["id"], "prazo de entrega"))[0]["document_id"] == document["id"]


async def test_documents_are_listed_by_status_and_searched_by_title(world: KnowledgeWorld) -> None:
    base = await world.create_base()
    first = await world.add_faq(base["id"], PAIRS[:1], title="Entregas e prazos")
    second = await world.add_faq(base["id"], PAIRS[1:], title="Pagamentos")
    await world.until_ready(base["id"], first["id"])
    await world.until_ready(base["id"], second["id"])
    url = f"/api/v1/ai/knowledge-bases/{base['id']}/documents"

    by_title = await world.client.get(url, params={"q": "prazo"}, headers=world.agent.headers)
    ready = await world.client.get(url, params={"status": "ready"}, headers=world.agent.headers)
    failed = await world.client.get(url, params={"status": "failed"}, headers=world.agent.headers)
    paged = await world.client.get(url, params={"limit": 1}, headers=world.agent.headers)

    assert [d["id"] for d in by_title.json()["items"]] == [first["id"]]
    assert {d["id"] for d in ready.json()["items"]} == {first["id"], second["id"]}
    assert failed.json()["items"] == []
    assert len(paged.json()["items"]) == 1
    assert paged.json()["next_cursor"] is not None


async def test_deleting_a_base_takes_its_documents(world: KnowledgeWorld) -> None:
    base = await world.create_base()
    document = await world.add_faq(base["id"], PAIRS)
    await world.until_ready(base["id"], document["id"])

    deleted = await world.client.delete(
        f"/api/v1/ai/knowledge-bases/{base['id']}", headers=world.manager.headers
    )
    read = await world.client.get(
        f"/api/v1/ai/knowledge-bases/{base['id']}", headers=world.manager.headers
    )

    assert deleted.status_code == 204
    assert read.status_code == 404


async def test_an_unknown_base_is_not_found(world: KnowledgeWorld) -> None:
    response = await world.client.get(
        f"/api/v1/ai/knowledge-bases/{uuid.uuid4()}", headers=world.agent.headers
    )

    assert response.status_code == 404
    assert response.json()["code"] == "knowledge_base_not_found"
