"""Pages fetched from a URL: read like an uploaded HTML file; bounded and refused clearly."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from mia_ai_agent.knowledge.errors import DocumentTooLarge, PageUnavailable, UrlRefused
from mia_ai_agent.knowledge.pages import PageFetcher
from support.knowledge import KnowledgeWorld
from support.web_pages import WebSite


@pytest.fixture
async def site() -> AsyncIterator[WebSite]:
    website = WebSite()
    await website.start()
    yield website
    await website.stop()


async def test_a_page_is_fetched_titled_and_indexed(world: KnowledgeWorld, site: WebSite) -> None:
    base = await world.create_base()
    response = await world.client.post(
        f"/api/v1/ai/knowledge-bases/{base['id']}/pages",
        json={"url": f"{site.url}/antiga"},
        headers=world.manager.headers,
    )
    assert response.status_code == 202, response.text
    document = response.json()
    await world.until_ready(base["id"], document["id"])
    chunks = await world.chunks(base["id"], document["id"])

    assert document["kind"] == "url"
    assert document["title"] == "Loja Girassol - Entregas"
    assert document["source"] == f"{site.url}/antiga"
    assert [(c["heading"], c["text"]) for c in chunks] == [
        ("Entregas", "Enviamos para todo o Brasil pelos Correios."),
        ("Entregas > Prazos", "Capitais recebem em 2 a 5 dias uteis."),
    ]


@pytest.mark.parametrize(
    ("path", "code"),
    [("/foto.png", "page_unavailable"), ("/sumiu", "page_unavailable")],
)
async def test_what_is_not_a_page_is_refused(
    world: KnowledgeWorld, site: WebSite, path: str, code: str
) -> None:
    base = await world.create_base()
    response = await world.client.post(
        f"/api/v1/ai/knowledge-bases/{base['id']}/pages",
        json={"url": site.url + path},
        headers=world.manager.headers,
    )

    assert response.status_code == 422
    assert response.json()["code"] == code


@pytest.mark.parametrize("url", ["ftp://example.com/a.html", "not a url", "file:///etc/passwd"])
async def test_an_address_that_is_not_http_is_refused(world: KnowledgeWorld, url: str) -> None:
    base = await world.create_base()
    response = await world.client.post(
        f"/api/v1/ai/knowledge-bases/{base['id']}/pages",
        json={"url": url},
        headers=world.manager.headers,
    )

    assert response.status_code == 422
    assert response.json()["code"] == "url_refused"


async def test_private_addresses_are_refused_outside_tests_redirects_included(
    site: WebSite,
) -> None:
    fetcher = PageFetcher(timeout_seconds=5, max_bytes=1_000_000, allow_private_networks=False)

    with pytest.raises(UrlRefused):
        await fetcher.fetch(f"{site.url}/entregas")
    with pytest.raises(UrlRefused):
        await fetcher.fetch("http://169.254.169.254/latest/meta-data/")


async def test_a_page_larger_than_the_cap_is_abandoned_while_reading(site: WebSite) -> None:
    fetcher = PageFetcher(timeout_seconds=5, max_bytes=16_000, allow_private_networks=True)

    with pytest.raises(DocumentTooLarge):
        await fetcher.fetch(f"{site.url}/enorme")


async def test_a_page_that_does_not_answer_in_time_is_given_up(site: WebSite) -> None:
    fetcher = PageFetcher(timeout_seconds=0.3, max_bytes=16_000, allow_private_networks=True)

    with pytest.raises(PageUnavailable, match="did not answer"):
        await fetcher.fetch(f"{site.url}/lenta")
