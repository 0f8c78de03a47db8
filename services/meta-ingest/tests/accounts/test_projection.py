"""Following channels.state.v1: the table that survives restarts, the directory that answers."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import timedelta

import httpx
from fastapi import FastAPI

from mia_common.contracts.topics import Topic
from mia_common.messaging.admin import delete_topics, ensure_topics
from mia_common.testing import wait_until
from mia_common.testing.lifespan import running
from mia_meta_ingest.accounts.repository import ChannelAccountRepository
from mia_meta_ingest.config import MetaIngestSettings
from mia_meta_ingest.context import MetaIngestContext
from mia_meta_ingest.main import create_app
from support import payloads
from support.accounts import delete_account, publish_state, register_account
from support.delivery import for_account, records_for, signed


async def _row_exists(app: FastAPI, account_id: uuid.UUID) -> bool:
    context: MetaIngestContext = app.state.context
    async with context.infra.sessions() as session:
        return await ChannelAccountRepository.from_session(session).get(account_id) is not None


async def test_a_restarted_process_answers_from_the_table_before_reading_the_topic(
    ingest_app: FastAPI, ingest_settings: MetaIngestSettings
) -> None:
    account = await register_account(ingest_app, ingest_settings)
    assert await _row_exists(ingest_app, account.id), "the durable projection has it"
    # A new process on the same database whose channels topic holds nothing: only the
    # table can tell it about the account, and it must answer the very first delivery.
    empty = Topic(f"{ingest_settings.channels_topic}.empty", 1, key="account", compacted=True)
    await ensure_topics(ingest_settings.kafka_bootstrap_servers, [empty])
    restarted = create_app(ingest_settings.model_copy(update={"channels_topic": empty.name}))
    try:
        # A second process joins the first one's consumer groups (media, erasures): its
        # start and stop wait for their rebalances, seconds on a loaded machine.
        async with running(restarted):
            transport = httpx.ASGITransport(app=restarted)
            async with httpx.AsyncClient(transport=transport, base_url="http://ingest") as http:
                raw = for_account(payloads.inbound(payloads.text_message("oi")), account)
                first = await http.post(
                    "/webhooks/meta", content=raw, headers=signed(raw, account.app_secret)
                )
    finally:
        await delete_topics(
            ingest_settings.kafka_bootstrap_servers, [empty.name, empty.dead_letter]
        )
    assert first.status_code == 200


async def test_a_deleted_account_leaves_the_table_and_its_secret_outlives_a_restart(
    client: httpx.AsyncClient, ingest_app: FastAPI, ingest_settings: MetaIngestSettings
) -> None:
    """Its number's deliveries are no longer published, but still known as Meta's (then
    dead-lettered), by a restarted process too."""
    account = await register_account(ingest_app, ingest_settings)
    await delete_account(ingest_app, ingest_settings, account)
    assert not await _row_exists(ingest_app, account.id)
    context: MetaIngestContext = ingest_app.state.context
    async with context.infra.sessions() as session:
        retired = await ChannelAccountRepository.from_session(session).get_retired(account.id)
    assert retired is not None
    assert retired.phone_number_id == account.phone_number_id
    assert account.app_secret not in retired.app_secret_sealed, "sealed at rest"

    empty = Topic(f"{ingest_settings.channels_topic}.empty2", 1, key="account", compacted=True)
    await ensure_topics(ingest_settings.kafka_bootstrap_servers, [empty])
    restarted = create_app(ingest_settings.model_copy(update={"channels_topic": empty.name}))
    raw = for_account(payloads.inbound(payloads.text_message("still there?")), account)
    try:
        # A second process joins the first one's consumer groups (media, erasures): its
        # start and stop wait for their rebalances, seconds on a loaded machine.
        async with running(restarted):
            transport = httpx.ASGITransport(app=restarted)
            async with httpx.AsyncClient(transport=transport, base_url="http://ingest") as http:
                after_restart = await http.post(
                    "/webhooks/meta", content=raw, headers=signed(raw, account.app_secret)
                )
                forged = await http.post(
                    "/webhooks/meta", content=raw, headers=signed(raw, "not-its-secret")
                )
    finally:
        await delete_topics(
            ingest_settings.kafka_bootstrap_servers, [empty.name, empty.dead_letter]
        )
    assert (after_restart.status_code, forged.status_code) == (200, 403)


async def test_an_account_created_again_after_its_deletion_is_live_again(
    client: httpx.AsyncClient, ingest_app: FastAPI, ingest_settings: MetaIngestSettings
) -> None:
    account = await register_account(ingest_app, ingest_settings)
    deletion = await delete_account(ingest_app, ingest_settings, account)
    context: MetaIngestContext = ingest_app.state.context

    await publish_state(
        ingest_app, ingest_settings, account, updated_at=deletion.updated_at + timedelta(1)
    )
    await wait_until(lambda: context.accounts.get(account.id) is not None, message="back")

    assert context.accounts.retired_by_phone_number_id(account.phone_number_id) == []
    async with context.infra.sessions() as session:
        assert await ChannelAccountRepository.from_session(session).get_retired(account.id) is None
    message = payloads.text_message("welcome back")
    raw = for_account(payloads.inbound(message), account)
    response = await client.post(
        "/webhooks/meta", content=raw, headers=signed(raw, account.app_secret)
    )
    assert response.status_code == 200
    published = await records_for(ingest_settings, ingest_settings.inbound_topic, message["id"], 1)
    assert len(published) == 1, "published again, not dead-lettered"


async def test_a_state_older_than_the_one_known_changes_nothing(
    client: httpx.AsyncClient, ingest_app: FastAPI, ingest_settings: MetaIngestSettings
) -> None:
    account = await register_account(ingest_app, ingest_settings)
    context: MetaIngestContext = ingest_app.state.context
    known = context.accounts.get(account.id)
    assert known is not None
    rotated = dataclasses.replace(account, app_secret="rotated-secret")

    # A late replay of an older state with another secret, then a newer one with it.
    await publish_state(
        ingest_app, ingest_settings, rotated, updated_at=known.updated_at - timedelta(hours=1)
    )
    newer = await publish_state(
        ingest_app, ingest_settings, account, updated_at=known.updated_at + timedelta(seconds=1)
    )
    await wait_until(
        lambda: (
            (found := context.accounts.get(account.id)) is not None
            and found.updated_at == newer.updated_at
        ),
        message="the newer state applied",
    )

    raw = for_account(payloads.inbound(payloads.text_message("which secret?")), account)
    response = await client.post(
        "/webhooks/meta", content=raw, headers=signed(raw, account.app_secret)
    )
    assert response.status_code == 200, "the older state's secret never took over"
