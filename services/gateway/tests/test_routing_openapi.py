"""The public document: ``/api/openapi.json`` describes every area at the one door.

The crm and the sender are their real apps (built as ``dashboard/scripts/export_openapi.py``
builds them: their lifespans never run, so they connect nowhere), served on uvicorn like
the routing tests' echo service; the gateway fetches their ``/openapi.json`` over HTTP.
``down`` is routed to a port nobody listens on, ``late`` to one that starts listening
during a test. The merging rules themselves are checked on small documents at the end.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import schemathesis
import uvicorn
from fastapi import FastAPI
from schemathesis.core.result import Err

from mia_common.settings import PlatformSettings
from mia_common.testing import wait_until
from mia_common.testing.lifespan import running
from mia_crm.config import CrmSettings
from mia_crm.main import create_app as create_crm_app
from mia_gateway.config import GatewaySettings
from mia_gateway.main import create_app
from mia_gateway.routing.openapi import merge_service_document
from mia_sender.config import SenderSettings
from mia_sender.main import create_app as create_sender_app
from support.fake_service import serving

CACHE_SECONDS = 0.3
HTTP_METHODS = {"get", "put", "post", "delete", "patch"}


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _QuietServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # pytest owns SIGINT; uvicorn would otherwise take it over while it runs.
        yield


@pytest.fixture(scope="module")
def late_socket() -> Iterator[socket.socket]:
    """A bound port that refuses connections until a test serves on it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    yield sock
    sock.close()


def _service_settings(platform: PlatformSettings) -> dict[str, Any]:
    return {**platform.model_dump(), "log_json": True}


@pytest.fixture(scope="module")
async def upstreams(platform_settings: PlatformSettings) -> AsyncIterator[dict[str, str]]:
    crm = create_crm_app(CrmSettings(**_service_settings(platform_settings)))
    sender = create_sender_app(SenderSettings(**_service_settings(platform_settings)))
    async with serving(crm) as crm_url, serving(sender) as sender_url:
        yield {"crm": crm_url, "sender": sender_url}


@pytest.fixture(scope="module")
async def door(
    gateway_settings: GatewaySettings,
    upstreams: dict[str, str],
    late_socket: socket.socket,
) -> AsyncIterator[FastAPI]:
    settings = gateway_settings.model_copy(
        update={
            # As deploy/local/services.py routes them: each service's areas to its URL.
            "routes": {
                "inbox": upstreams["crm"],
                "contacts": upstreams["crm"],
                "channels": upstreams["sender"],
                "down": f"http://127.0.0.1:{_closed_port()}",
                "late": f"http://127.0.0.1:{late_socket.getsockname()[1]}",
            },
            "openapi_cache_seconds": CACHE_SECONDS,
            "openapi_fetch_timeout_seconds": 2.0,
        }
    )
    app = create_app(settings)
    async with running(app):
        yield app


@pytest.fixture
async def integrator(door: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=door)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
        yield http


async def _document(integrator: httpx.AsyncClient) -> dict[str, Any]:
    response = await integrator.get("/api/openapi.json")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    document: dict[str, Any] = response.json()
    return document


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            elif key == "mapping" and isinstance(value, dict):
                yield from (ref for ref in value.values() if isinstance(ref, str))
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


async def test_an_integrator_finds_the_crms_and_the_senders_paths_at_the_one_door(
    integrator: httpx.AsyncClient,
) -> None:
    document = await _document(integrator)
    paths = document["paths"]

    # The gateway's own ...
    for path in ("/api/v1/auth/login", "/api/v1/me", "/api/v1/users", "/api/v1/api-keys"):
        assert path in paths, path
    # ... the crm's (two areas of one service) and the sender's.
    for path in (
        "/api/v1/inbox/conversations",
        "/api/v1/inbox/conversations/{conversation_id}/messages",
        "/api/v1/contacts",
        "/api/v1/contacts/{contact_id}",
        "/api/v1/channels/accounts",
        "/api/v1/channels/accounts/{account_id}",
    ):
        assert path in paths, path
    # Only their public areas: not the sender's Twilio webhooks, nor anything internal.
    assert not [path for path in paths if path.startswith(("/webhooks", "/internal"))]


async def test_every_reference_of_the_merged_document_resolves_and_it_reads_as_openapi(
    integrator: httpx.AsyncClient,
) -> None:
    document = await _document(integrator)

    for ref in set(_refs(document)):
        section, name = ref.removeprefix("#/components/").split("/", 1)
        assert name in document["components"].get(section, {}), f"dangling {ref}"
    operation_ids = [op["operationId"] for _, _, op in _operations(document) if "operationId" in op]
    assert len(operation_ids) == len(set(operation_ids)), "operation ids are unique"
    # A generated client reads every operation (schemathesis parses each one).
    schema = schemathesis.openapi.from_dict(document)
    unreadable = [str(r.err()) for r in schema.get_all_operations() if isinstance(r, Err)]
    assert unreadable == []


async def test_forwarded_operations_keep_their_problem_answers_and_add_the_gateways(
    integrator: httpx.AsyncClient,
) -> None:
    document = await _document(integrator)

    contact = document["paths"]["/api/v1/contacts/{contact_id}"]["get"]
    for status in ("401", "403", "404", "422", "429", "502", "504"):
        content = contact["responses"][status]["content"]
        assert content["application/problem+json"]["schema"] == {
            "$ref": "#/components/schemas/Problem"
        }, status
    # The gateway makes the identity header; a client is never asked for it.
    for path, method, operation in _operations(document):
        names = {p.get("name", "").lower() for p in operation.get("parameters", [])}
        assert "x-mia-identity" not in names, f"{method} {path}"


async def test_answers_document_the_rate_limit_fields(integrator: httpx.AsyncClient) -> None:
    document = await _document(integrator)

    accounts = document["paths"]["/api/v1/channels/accounts"]["get"]["responses"]
    users = document["paths"]["/api/v1/users"]["get"]["responses"]
    for responses in (accounts, users):
        assert {"RateLimit", "RateLimit-Policy"} <= set(responses["200"]["headers"])
        assert {"RateLimit", "RateLimit-Policy", "Retry-After"} <= set(responses["429"]["headers"])
    assert "RateLimit-Policy" in document["components"]["headers"]


async def test_the_docs_page_reads_the_merged_document(integrator: httpx.AsyncClient) -> None:
    page = await integrator.get("/api/docs")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "/api/openapi.json" in page.text


async def test_a_service_that_is_down_is_left_out_and_comes_in_once_it_answers(
    integrator: httpx.AsyncClient, late_socket: socket.socket, caplog: pytest.LogCaptureFixture
) -> None:
    late = FastAPI(title="Master IA late")

    @late.get("/api/v1/late/things")
    async def things() -> dict[str, str]:
        return {}

    # Down now: the document still answers, with every other area, and says why in the log
    # (once its cached absence expired: an earlier test may have asked a moment ago).
    async def answered_without_late_and_warned() -> bool:
        document = await _document(integrator)
        assert "/api/v1/contacts" in document["paths"]
        assert not [path for path in document["paths"] if path.startswith("/api/v1/late")]
        return any(
            isinstance(record.msg, dict)
            and record.msg.get("event") == "service document unavailable: its areas are left out"
            and record.msg.get("areas") == ("late",)
            for record in caplog.records
        )

    await wait_until(answered_without_late_and_warned, timeout=10, message="late left out")

    server = _QuietServer(uvicorn.Config(late, log_config=None, lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[late_socket]))
    try:
        await wait_until(lambda: server.started, timeout=10, message="late service up")

        async def late_paths_listed() -> bool:
            return "/api/v1/late/things" in (await _document(integrator))["paths"]

        # Asked again once the cache of its absence expired.
        await wait_until(late_paths_listed, timeout=10, message="the late area documented")
    finally:
        server.should_exit = True
        await task


async def test_concurrent_readers_during_an_outage_all_get_the_document(
    integrator: httpx.AsyncClient,
) -> None:
    answers = await asyncio.gather(*(integrator.get("/api/openapi.json") for _ in range(20)))

    assert {answer.status_code for answer in answers} == {200}
    assert all("/api/v1/channels/accounts" in answer.json()["paths"] for answer in answers)


# -- the merging rules, on small documents ----------------------------------------------


def _public() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Master IA API", "version": "1"},
        "paths": {
            "/api/v1/users": {"get": {"operationId": "list_users", "responses": {}}},
            "/api/v1/echo/owned-by-gateway": {"get": {"operationId": "own", "responses": {}}},
        },
        "components": {
            "schemas": {
                "Problem": {"type": "object", "title": "Problem"},
                "Item": {"type": "object", "properties": {"name": {"type": "string"}}},
                "Page": {"type": "object", "properties": {"next": {"type": "string"}}},
            }
        },
    }


def _service() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Master IA echo", "version": "1"},
        "paths": {
            "/api/v1/echo/items": {
                "post": {
                    "operationId": "list_users",
                    "parameters": [
                        {"name": "X-Mia-Identity", "in": "header", "required": True},
                        {"name": "Idempotency-Key", "in": "header"},
                    ],
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {
                                    "oneOf": [
                                        {"$ref": "#/components/schemas/Text"},
                                        {"$ref": "#/components/schemas/Media"},
                                    ],
                                    "discriminator": {
                                        "propertyName": "kind",
                                        "mapping": {
                                            "text": "#/components/schemas/Text",
                                            "media": "#/components/schemas/Media",
                                        },
                                    },
                                }
                            }
                        }
                    },
                    "responses": {
                        "200": {
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Page"}
                                }
                            }
                        },
                        "404": {
                            "content": {
                                "application/problem+json": {
                                    "schema": {"$ref": "#/components/schemas/Problem"}
                                }
                            }
                        },
                    },
                }
            },
            "/api/v1/echo/owned-by-gateway": {"get": {"operationId": "theirs", "responses": {}}},
            "/healthz": {"get": {"operationId": "health", "responses": {}}},
            "/internal/v1/things": {"get": {"operationId": "internal", "responses": {}}},
        },
        "components": {
            "schemas": {
                "Problem": {"type": "object", "title": "Problem"},
                # Different from the gateway's Item: renamed. Page is the same text, but it
                # points at the renamed Item, so it is not the gateway's Page: renamed too.
                "Item": {"type": "object", "properties": {"size": {"type": "integer"}}},
                "Page": {
                    "type": "object",
                    "properties": {"next": {"type": "string"}},
                    "items": {"$ref": "#/components/schemas/Item"},
                },
                "Text": {
                    "type": "object",
                    "properties": {"body": {"$ref": "#/components/schemas/Item"}},
                },
                "Media": {"type": "object"},
                "OnlyInternal": {"type": "object"},
            }
        },
    }


def test_clashing_components_are_renamed_and_every_reference_follows() -> None:
    public, service = _public(), _service()
    # The gateway's Page does not point at Item: make the texts differ only by that ref.
    public["components"]["schemas"]["Page"]["items"] = {"$ref": "#/components/schemas/Item"}

    added = merge_service_document(public, service, areas=("echo",))

    schemas = public["components"]["schemas"]
    assert added == ["/api/v1/echo/items"]
    assert schemas["Item"] == {"type": "object", "properties": {"name": {"type": "string"}}}
    assert schemas["echo_Item"] == {"type": "object", "properties": {"size": {"type": "integer"}}}
    assert schemas["echo_Page"]["items"] == {"$ref": "#/components/schemas/echo_Item"}
    assert schemas["Text"]["properties"]["body"] == {"$ref": "#/components/schemas/echo_Item"}
    assert "echo_Problem" not in schemas, "the same Problem is shared"
    assert "OnlyInternal" not in schemas, "only what the public paths reference"
    operation = public["paths"]["/api/v1/echo/items"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body["discriminator"]["mapping"]["text"] == "#/components/schemas/Text"
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/echo_Page"}
    assert [p["name"] for p in operation["parameters"]] == ["Idempotency-Key"]
    assert operation["operationId"] == "echo_list_users", "operation ids stay unique"


def test_the_gateways_own_path_wins_and_nothing_outside_the_areas_comes_in() -> None:
    public = _public()

    merge_service_document(public, _service(), areas=("echo",))

    assert public["paths"]["/api/v1/echo/owned-by-gateway"]["get"]["operationId"] == "own"
    assert "/healthz" not in public["paths"]
    assert "/internal/v1/things" not in public["paths"]


def test_a_shared_component_stays_shared_when_nothing_it_points_at_differs() -> None:
    public = _public()
    service = _service()
    service["components"]["schemas"]["Item"] = public["components"]["schemas"]["Item"]

    merge_service_document(public, service, areas=("echo",))

    assert "echo_Item" not in public["components"]["schemas"]
    assert "echo_Page" in public["components"]["schemas"], "its Page differs (items)"
