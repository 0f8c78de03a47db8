"""Uploads of every format become chunks under their headings; refusals are problem+json."""

from __future__ import annotations

import pytest

from mia_ai_agent.knowledge.parsing import DOCX
from support.documents import docx_bytes, pdf_bytes
from support.knowledge import KnowledgeWorld

MARKDOWN = b"""# Loja Girassol

Somos uma loja de eletronicos.

## Entregas

### Prazos

Entregamos em 5 dias uteis nas capitais.

## Trocas

Voce tem 7 dias para trocar.

| Plano | Preco |
|-------|-------|
| Ouro  | R$ 99 |
"""

HTML = b"""<html><head><title>Politica de garantia</title><script>var x = 1;</script></head>
<body><nav>Menu Inicio Contato</nav>
<h1>Garantia</h1><p>Eletronicos tem <b>12 meses</b> de garantia.</p>
<h2>Como acionar</h2><ul><li><p>Abra um chamado no site.</p></li><li>Envie o produto.</li></ul>
<footer>Todos os direitos reservados</footer></body></html>"""


async def _indexed(world: KnowledgeWorld, name: str, data: bytes, content_type: str) -> list:
    base = await world.create_base()
    response = await world.upload(base["id"], name, data, content_type)
    assert response.status_code == 202, response.text
    document = response.json()
    assert document["kind"] == "file"
    assert document["source"] == name
    assert document["bytes"] == len(data)
    ready = await world.until_ready(base["id"], document["id"])
    chunks = await world.chunks(base["id"], document["id"])
    assert ready["chunk_count"] == len(chunks)
    return [(chunk["heading"], chunk["text"]) for chunk in chunks]


async def test_plain_text_is_cut_into_paragraphs(world: KnowledgeWorld) -> None:
    text = b"Primeiro paragrafo sobre entregas.\n\nSegundo paragrafo sobre trocas.\n"
    chunks = await _indexed(world, "notas.txt", text, "text/plain")

    assert chunks == [("", "Primeiro paragrafo sobre entregas. Segundo paragrafo sobre trocas.")]


async def test_markdown_chunks_know_their_heading_path(world: KnowledgeWorld) -> None:
    chunks = await _indexed(world, "loja.md", MARKDOWN, "text/markdown")

    assert chunks == [
        ("Loja Girassol", "Somos uma loja de eletronicos."),
        ("Loja Girassol > Entregas > Prazos", "Entregamos em 5 dias uteis nas capitais."),
        ("Loja Girassol > Trocas", "Voce tem 7 dias para trocar. Plano | Preco Ouro | R$ 99"),
    ]


async def test_html_is_read_without_scripts_navigation_or_footer(world: KnowledgeWorld) -> None:
    chunks = await _indexed(world, "garantia.html", HTML, "text/html")

    assert chunks == [
        ("Garantia", "Eletronicos tem 12 meses de garantia."),
        ("Garantia > Como acionar", "Abra um chamado no site. Envie o produto."),
    ]


async def test_a_pdf_is_read_page_by_page(world: KnowledgeWorld) -> None:
    data = pdf_bytes(["Garantia de 12 meses para eletronicos.", "Troca em ate 7 dias."])
    chunks = await _indexed(world, "garantia.pdf", data, "application/pdf")

    assert chunks == [("", "Garantia de 12 meses para eletronicos. Troca em ate 7 dias.")]


async def test_a_docx_keeps_its_heading_styles_and_tables(world: KnowledgeWorld) -> None:
    data = docx_bytes(
        [("Entrega", 1, ["Chega em 5 dias."]), ("Prazos", 2, ["Capitais: 2 dias."])],
        title="Manual",
    )
    chunks = await _indexed(world, "manual.docx", data, DOCX)

    assert chunks == [
        ("Manual > Entrega", "Chega em 5 dias."),
        ("Manual > Entrega > Prazos", "Capitais: 2 dias."),
        ("", "Plano Ouro | R$ 99 por mês"),
    ]


async def test_a_type_it_cannot_read_is_refused_with_415(world: KnowledgeWorld) -> None:
    base = await world.create_base()
    response = await world.upload(base["id"], "foto.png", b"\x89PNG\r\n\x1a\n....", "image/png")

    assert response.status_code == 415
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "unsupported_document_type"


async def test_a_file_over_the_size_limit_is_refused_with_413(world: KnowledgeWorld) -> None:
    base = await world.create_base()
    too_big = b"a" * (world.settings.knowledge_max_document_bytes + 1)
    response = await world.upload(base["id"], "grande.txt", too_big, "text/plain")

    assert response.status_code == 413
    assert response.json()["code"] == "document_too_large"


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("vazio.txt", b"  \n\n \t", "text/plain"),
        ("vazio.html", b"<html><body><script>x()</script></body></html>", "text/html"),
    ],
)
async def test_a_document_without_text_is_refused(
    world: KnowledgeWorld, name: str, data: bytes, content_type: str
) -> None:
    base = await world.create_base()
    response = await world.upload(base["id"], name, data, content_type)

    assert response.status_code == 422
    assert response.json()["code"] == "document_empty"


async def test_a_broken_pdf_is_refused_as_unreadable(world: KnowledgeWorld) -> None:
    base = await world.create_base()
    response = await world.upload(
        base["id"], "quebrado.pdf", b"%PDF-1.4\n garbage", "application/pdf"
    )

    assert response.status_code == 422
    assert response.json()["code"] == "document_unreadable"


async def test_the_same_file_twice_is_refused_naming_the_first(world: KnowledgeWorld) -> None:
    base = await world.create_base()
    first = await world.upload(base["id"], "loja.md", MARKDOWN, "text/markdown")
    again = await world.upload(base["id"], "copia.md", MARKDOWN, "text/markdown")
    elsewhere = await world.upload(
        (await world.create_base())["id"], "loja.md", MARKDOWN, "text/markdown"
    )

    assert again.status_code == 409
    assert again.json()["code"] == "document_duplicate"
    assert again.json()["document_id"] == first.json()["id"]
    assert elsewhere.status_code == 202
