"""When Meta will not hand over a media file: each failure is a clear problem, never a 500.

A second meta-ingest whose Graph API is ``support.faulty_graph`` (real HTTP, Graph's error
shapes): the sandbox refuses only as Meta does for a wrong token or an unknown id, this
fake also answers as Meta does when it refuses, limits or is away. That app has a short
Graph timeout, a small size limit and an inbound topic of its own (so its media copier
takes no other test's work).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI

from mia_common.contracts.topics import Topic, dead_letter_topic
from mia_common.identity import IDENTITY_HEADER, Identity, Role, issue_identity_token
from mia_common.messaging.admin import delete_topics, ensure_topics
from mia_common.testing import wait_until
from mia_common.testing.lifespan import running
from mia_meta_ingest.config import MetaIngestSettings
from mia_meta_ingest.context import MetaIngestContext
from mia_meta_ingest.main import create_app
from support import payloads
from support.accounts import Account, register_account
from support.delivery import for_account, records_for, signed
from support.faulty_graph import CONTENT, FaultyGraph, Scripted, graph_error, running_faulty_graph

MAX_BYTES = 4096


@dataclass
class FaultyIngest:
    app: FastAPI
    settings: MetaIngestSettings
    graph: FaultyGraph
    client: httpx.AsyncClient
    account: Account

    def identity(self, tenant_id: uuid.UUID | None = None) -> dict[str, str]:
        token = issue_identity_token(
            Identity(
                tenant_id=tenant_id or self.account.tenant_id,
                user_id=uuid.uuid4(),
                role=Role.agent,
            ),
            secret=self.settings.identity_token_secret,
        )
        return {IDENTITY_HEADER: token}

    async def get(self, media_id: str) -> httpx.Response:
        return await self.client.get(
            f"/api/v1/media/{self.account.id}/{media_id}", headers=self.identity()
        )


@pytest.fixture(scope="module")
async def faulty(
    ingest_app: FastAPI,
    ingest_settings: MetaIngestSettings,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[FaultyIngest]:
    bootstrap = ingest_settings.kafka_bootstrap_servers
    inbound = Topic(f"{ingest_settings.inbound_topic}.faulty", 1, key="conversation")
    await ensure_topics(bootstrap, [inbound])
    try:
        async with running_faulty_graph() as graph:
            settings = ingest_settings.model_copy(
                update={
                    "meta_graph_url": graph.url,
                    "media_graph_timeout_seconds": 0.5,
                    "media_max_bytes": MAX_BYTES,
                    "inbound_topic": inbound.name,
                    "media_dir": tmp_path_factory.mktemp("faulty-media"),
                }
            )
            app = create_app(settings)
            async with running(app):
                account = await register_account(ingest_app, ingest_settings)
                context: MetaIngestContext = app.state.context
                await wait_until(
                    lambda: context.accounts.get(account.id) is not None,
                    message="the account in the second process's directory",
                )
                transport = httpx.ASGITransport(app=app)
                async with httpx.AsyncClient(transport=transport, base_url="http://ingest") as http:
                    yield FaultyIngest(app, settings, graph, http, account)
    finally:
        await delete_topics(bootstrap, [inbound.name, inbound.dead_letter])


def _script(faulty: FaultyIngest, scripted: Scripted) -> str:
    return faulty.graph.script(str(uuid.uuid4().int)[:16], scripted)


def _problem(answer: httpx.Response, status: int, code: str) -> dict[str, object]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    problem: dict[str, object] = answer.json()
    assert problem["code"] == code
    return problem


def _nothing_stored(faulty: FaultyIngest, media_id: str) -> bool:
    account = faulty.account
    folder = faulty.settings.media_dir / str(account.tenant_id) / str(account.id)
    return not (folder / media_id).exists()


async def test_a_file_meta_serves_is_stored_and_served(faulty: FaultyIngest) -> None:
    """The fake's good path, so the failures below are the scripts' doing."""
    answer = await faulty.get(_script(faulty, Scripted()))
    assert answer.status_code == 200
    assert answer.content == CONTENT


async def test_an_expired_token_is_a_502_with_metas_message(faulty: FaultyIngest) -> None:
    expired = graph_error(
        190,
        "Error validating access token: Session has expired on Tuesday, 01-Dec-26.",
        subcode=463,
    )
    media_id = _script(faulty, Scripted(status=401, body=expired))

    problem = _problem(await faulty.get(media_id), 502, "media_provider_refused")

    assert problem["meta_code"] == "190"
    assert "Session has expired on Tuesday" in str(problem["detail"])
    assert "enter a new token" in str(problem["detail"])
    assert _nothing_stored(faulty, media_id)


async def test_a_permission_meta_refuses_is_a_502_naming_it(faulty: FaultyIngest) -> None:
    denied = graph_error(10, "(#10) Application does not have permission for this action")
    media_id = _script(faulty, Scripted(status=403, body=denied))

    problem = _problem(await faulty.get(media_id), 502, "media_provider_refused")

    assert problem["meta_code"] == "10"
    assert "does not have permission" in str(problem["detail"])
    assert "whatsapp_business_messaging" in str(problem["detail"])


async def test_media_meta_does_not_have_is_404_media_gone(faulty: FaultyIngest) -> None:
    at_lookup = _script(faulty, Scripted(status=404, body=graph_error(100, "Unsupported get")))
    at_download = _script(faulty, Scripted(step="download", status=404))

    for media_id in (at_lookup, at_download):
        problem = _problem(await faulty.get(media_id), 404, "media_gone")
        assert f"Meta no longer has media {media_id}" in str(problem["detail"])


async def test_meta_limiting_requests_is_a_503_with_its_retry_after(faulty: FaultyIngest) -> None:
    limited = graph_error(4, "(#4) Application request limit reached", transient=True)
    media_id = _script(faulty, Scripted(status=429, body=limited, headers={"Retry-After": "7"}))

    answer = await faulty.get(media_id)

    problem = _problem(answer, 503, "media_provider_unavailable")
    assert answer.headers["retry-after"] == "7"
    assert "Application request limit reached" in str(problem["detail"])


async def test_meta_down_is_a_503(faulty: FaultyIngest) -> None:
    outage = graph_error(2, "Service temporarily unavailable", transient=True)
    with_body = _script(faulty, Scripted(status=500, body=outage))
    bare = _script(faulty, Scripted(step="download", status=502))
    unreachable = _script(faulty, Scripted(download_url="http://127.0.0.1:9/gone"))

    for media_id in (with_body, bare, unreachable):
        problem = _problem(await faulty.get(media_id), 503, "media_provider_unavailable")
        assert "try again shortly" in str(problem["detail"])
        assert _nothing_stored(faulty, media_id)


async def test_meta_not_answering_in_time_is_a_504(faulty: FaultyIngest) -> None:
    at_lookup = _script(faulty, Scripted(hold=True))
    at_download = _script(faulty, Scripted(step="download", hold=True))

    for media_id in (at_lookup, at_download):
        problem = _problem(await faulty.get(media_id), 504, "media_provider_timeout")
        assert "did not answer in time" in str(problem["detail"])


async def test_a_damaged_download_is_a_502_and_is_not_kept(faulty: FaultyIngest) -> None:
    media_id = _script(faulty, Scripted(wrong_sha256=True))

    problem = _problem(await faulty.get(media_id), 502, "media_provider_error")

    assert "does not match the sha256" in str(problem["detail"])
    assert _nothing_stored(faulty, media_id)


async def test_a_file_over_the_limit_is_refused_before_it_is_downloaded(
    faulty: FaultyIngest,
) -> None:
    media_id = _script(faulty, Scripted(declared_size=MAX_BYTES + 1))

    problem = _problem(await faulty.get(media_id), 403, "media_too_large")

    assert f"over the limit of {MAX_BYTES}" in str(problem["detail"])
    assert faulty.graph.requested.count(media_id) == 1, "the metadata only, not the file"


async def test_another_tenant_gets_404_and_meta_is_never_asked(faulty: FaultyIngest) -> None:
    media_id = _script(faulty, Scripted(status=401, body=graph_error(190, "expired")))

    answer = await faulty.client.get(
        f"/api/v1/media/{faulty.account.id}/{media_id}", headers=faulty.identity(uuid.uuid4())
    )

    _problem(answer, 404, "media_not_found")
    assert media_id not in faulty.graph.requested


async def test_the_copier_dead_letters_media_meta_refuses_without_retrying(
    faulty: FaultyIngest,
) -> None:
    """A refused token will not heal by retrying: the copy is dead-lettered with why."""
    media_id = _script(faulty, Scripted(status=401, body=graph_error(190, "Session expired")))
    message = payloads.image_message()
    message["image"]["id"] = media_id
    raw = for_account(payloads.inbound(message), faulty.account)

    answer = await faulty.client.post(
        "/webhooks/meta", content=raw, headers=signed(raw, faulty.account.app_secret)
    )

    assert answer.status_code == 200
    dlq = dead_letter_topic(faulty.settings.inbound_topic)
    [dead] = await records_for(faulty.settings, dlq, message["id"], 1)
    assert "Session expired" in (dead.header("x-dlq-reason") or "")
    assert dead.header("x-dlq-attempts") == "1", "no retries"
