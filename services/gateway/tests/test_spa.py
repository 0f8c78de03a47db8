"""The gateway serves the dashboard's build at / and leaves /api to the API."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from mia_common.testing.lifespan import running
from mia_gateway.config import GatewaySettings
from mia_gateway.main import create_app
from mia_gateway.spa import IMMUTABLE, REVALIDATE

INDEX = "<!doctype html><title>Master IA</title><div id=root></div>"
ASSET = "console.log('dashboard')"
# Big enough to be worth compressing, as every real chunk of the build is.
BUNDLE = "".join(f"export const label{n} = 'conversation {n}';\n" for n in range(400))


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dist")
    (root / "index.html").write_text(INDEX)
    (root / "assets").mkdir()
    (root / "assets" / "x.js").write_text(ASSET)
    (root / "assets" / "index-abc123.js").write_text(BUNDLE)
    (root / "favicon.svg").write_text("<svg/>")
    (root / "manifest.webmanifest").write_text('{"name": "Master IA", "display": "standalone"}')
    (root / "sw.js").write_text("self.addEventListener('fetch', () => {})")
    return root


@pytest.fixture(scope="module")
async def spa_app(gateway_settings: GatewaySettings, dist: Path) -> AsyncIterator[FastAPI]:
    app = create_app(gateway_settings.model_copy(update={"dashboard_dir": dist}))
    async with running(app):
        yield app


@pytest.fixture
async def browser(spa_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    # An address of its own keeps the per-address login throttle (in Redis, shared with
    # other test sessions) out of the way.
    address = f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"
    transport = httpx.ASGITransport(app=spa_app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
        yield http


async def test_the_root_is_the_dashboard_revalidated_on_each_load(
    browser: httpx.AsyncClient,
) -> None:
    response = await browser.get("/")

    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == REVALIDATE


async def test_a_dashboard_route_gets_the_index_so_a_reload_works(
    browser: httpx.AsyncClient,
) -> None:
    for path in ("/inbox", "/contacts/42", "/settings/api-keys?tab=1"):
        response = await browser.get(path)

        assert response.status_code == 200, path
        assert response.text == INDEX
        assert response.headers["cache-control"] == REVALIDATE


async def test_hashed_assets_are_cached_for_good(browser: httpx.AsyncClient) -> None:
    response = await browser.get("/assets/x.js")

    assert response.status_code == 200
    assert response.text == ASSET
    assert "javascript" in response.headers["content-type"]
    assert response.headers["cache-control"] == IMMUTABLE


async def test_unhashed_files_are_revalidated(browser: httpx.AsyncClient) -> None:
    response = await browser.get("/favicon.svg")

    assert response.status_code == 200
    assert response.headers["cache-control"] == REVALIDATE


async def test_the_installable_app_files_are_typed_and_checked_on_each_visit(
    browser: httpx.AsyncClient,
) -> None:
    manifest = await browser.get("/manifest.webmanifest")
    worker = await browser.get("/sw.js")

    assert manifest.headers["content-type"].startswith("application/manifest+json")
    assert manifest.json()["display"] == "standalone"
    assert "javascript" in worker.headers["content-type"]
    # A cached service worker would keep an installed app on the old build.
    assert worker.headers["cache-control"] == REVALIDATE
    assert manifest.headers["cache-control"] == REVALIDATE


async def test_scripts_go_out_gzipped_to_browsers_that_accept_it(
    browser: httpx.AsyncClient,
) -> None:
    zipped = await browser.get("/assets/index-abc123.js", headers={"Accept-Encoding": "gzip"})
    plain = await browser.get("/assets/index-abc123.js", headers={"Accept-Encoding": "identity"})

    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.text == BUNDLE  # httpx decodes it, as a browser does
    assert zipped.num_bytes_downloaded < len(BUNDLE) / 3
    assert "javascript" in zipped.headers["content-type"]
    assert zipped.headers["cache-control"] == IMMUTABLE
    assert "content-encoding" not in plain.headers
    assert plain.text == BUNDLE
    # Caches keep the two apart.
    assert zipped.headers["vary"] == plain.headers["vary"] == "Accept-Encoding"


async def test_a_path_leaving_the_build_never_gets_the_file(
    browser: httpx.AsyncClient, dist: Path
) -> None:
    (dist.parent / "secret.txt").write_text("not for browsers")

    response = await browser.get("/assets/%2e%2e/%2e%2e/secret.txt")

    assert response.status_code == 404
    assert "not for browsers" not in response.text


@pytest.mark.parametrize(
    "path", ["/x.js", "/assets/index-old999.js", "/contacts/photo.png", "/favicon.ico"]
)
async def test_a_missing_file_is_a_404_problem_not_the_page(
    browser: httpx.AsyncClient, path: str
) -> None:
    # A script tag naming a chunk of an older build must fail as a missing file, not get
    # the page as JavaScript.
    response = await browser.get(path)

    assert response.status_code == 404, path
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "file_unknown"
    assert INDEX not in response.text


async def test_an_integrator_guessing_the_document_at_the_root_is_pointed_to_it(
    browser: httpx.AsyncClient,
) -> None:
    response = await browser.get("/openapi.json")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert "/api/openapi.json" in response.json()["detail"]


async def test_an_app_route_with_a_trailing_slash_still_gets_the_index(
    browser: httpx.AsyncClient,
) -> None:
    response = await browser.get("/contacts/42/")

    assert response.status_code == 200
    assert response.text == INDEX


@pytest.mark.parametrize("path", ["/api/v1/unknown", "/api/nothing-here", "/api"])
async def test_an_unknown_api_path_is_a_problem_never_the_page(
    browser: httpx.AsyncClient, gateway_settings: GatewaySettings, path: str
) -> None:
    # With the first-run admin's token: /api/v1/<area> belongs to the router, which knows no
    # "unknown" area; without a token it would be a 401 before the area is looked at.
    login = await browser.post(
        "/api/v1/auth/login",
        json={
            "email": gateway_settings.admin_email,
            "password": gateway_settings.admin_password.get_secret_value(),
        },
    )
    assert login.status_code == 200, login.text
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}

    response = await browser.get(path, headers=headers)

    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 404


async def test_the_health_endpoints_are_not_the_page(browser: httpx.AsyncClient) -> None:
    response = await browser.get("/healthz")

    assert response.headers["content-type"].startswith("application/json")


async def test_without_a_build_nothing_is_served_at_the_root(
    gateway_settings: GatewaySettings, tmp_path: Path
) -> None:
    app = create_app(gateway_settings.model_copy(update={"dashboard_dir": tmp_path / "none"}))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
        response = await http.get("/inbox")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
