"""Live events: the WebSocket at /api/v1/live, fed from the real Kafka, and its hub.

End-to-end tests run the session's gateway app (its lifespan already started the live
consumer) on a real port, publish CloudEvents to the live topics and read them with a
WebSocket client. Events are keyed by tenant, so one tenant's events stay in order.

"Nothing else arrived" is never checked by waiting a while: a connection's queue is
first in, first out, so once a sentinel event published after the others arrives,
anything wrongly queued before it would have arrived too.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from faststream.kafka import KafkaBroker
from prometheus_client import REGISTRY
from pydantic import BaseModel

from mia_common.contracts.campaigns import (
    EVENT_TYPE_HEADER,
    CampaignProgress,
    CampaignRecipientsUpdated,
    CampaignStatus,
    CampaignStatusChanged,
    RecipientOutcome,
    RecipientState,
)
from mia_common.contracts.envelope import Envelope
from mia_common.contracts.leads import ColumnRebalanced, LeadEvent, LeadSnapshot, RebalancedLead
from mia_common.contracts.topics import CAMPAIGNS_EVENTS, LEADS_EVENTS, Topic
from mia_common.identity import Role
from mia_common.messaging import PermanentError, create_broker
from mia_common.messaging.admin import ensure_topics
from mia_common.settings import PlatformSettings
from mia_common.testing import wait_until
from mia_common.testing.plugin import TopicReaderFactory
from mia_gateway.live import handlers as live_handlers
from mia_gateway.live.connection import LiveConnection
from mia_gateway.live.events import (
    AUTHENTICATED_FRAME,
    PING_FRAME,
    RESYNC_FRAME,
    LiveEvent,
    parse_event,
)
from mia_gateway.live.hub import LiveHub
from support.actors import Actors
from support.live_server import open_live, serve_app
from support.topics import LIVE_ALERTS, LIVE_INBOX, LIVE_TOPICS, RAW_INBOUND, session_topic

INBOX = LIVE_INBOX
ALERTS = LIVE_ALERTS


class Probe(BaseModel):
    label: str


def envelope(tenant_id: uuid.UUID, label: str, topic: str = INBOX) -> dict[str, Any]:
    return Envelope[Probe](
        type=topic, source="/tests/gateway/live", tenantid=tenant_id, data=Probe(label=label)
    ).to_json_dict()


def live_event(tenant_id: uuid.UUID, label: str, topic: str = INBOX) -> LiveEvent:
    return parse_event(envelope(tenant_id, label, topic), topic=topic)


@pytest.fixture(scope="session")
async def live_url(gateway_app: FastAPI) -> AsyncIterator[str]:
    async with serve_app(gateway_app) as url:
        yield url


@pytest.fixture
async def hub(gateway_app: FastAPI) -> LiveHub:
    """The gateway's hub, once its consumer reads from the latest offsets."""
    live_hub: LiveHub = gateway_app.state.context.live
    async with asyncio.timeout(60):
        await live_hub.wait_ready()
    return live_hub


@pytest.fixture(scope="session")
async def kafka(platform_settings: PlatformSettings) -> AsyncIterator[KafkaBroker]:
    broker = create_broker(platform_settings, client_id="test-gateway-live")
    await broker.start()
    yield broker
    await broker.stop()


@pytest.fixture
def publish(kafka: KafkaBroker) -> Callable[..., Any]:
    async def publish(tenant_id: uuid.UUID, label: str, topic: str = INBOX) -> str:
        body = envelope(tenant_id, label, topic)
        await kafka.publish(body, topic, key=str(tenant_id).encode())
        return str(body["id"])

    return publish


# -- end to end: Kafka → gateway → WebSocket -------------------------------------------


async def test_a_tenants_client_never_receives_another_tenants_events(
    actors: Actors, live_url: str, hub: LiveHub, publish: Callable[..., Any]
) -> None:
    team_a = await actors.tenant((Role.owner, Role.agent))
    team_b = await actors.tenant((Role.owner, Role.agent))
    tenant_a, tenant_b = team_a[Role.agent].tenant_id, team_b[Role.agent].tenant_id
    async with (
        open_live(live_url, team_a[Role.agent].token) as client_a,
        open_live(live_url, team_b[Role.agent].token) as client_b,
    ):
        sent_a: list[str] = []
        sent_b: list[str] = []
        for n in range(10):
            sent_a.append(await publish(tenant_a, f"a-{n}"))
            sent_b.append(await publish(tenant_b, f"b-{n}"))
        await client_a.wait_for_events(len(sent_a))
        await client_b.wait_for_events(len(sent_b))

        # Each tenant's events all went through the hub; a sentinel published now reaches
        # each client after anything of the other tenant's the hub could have queued.
        sentinel_a = await publish(tenant_a, "a-sentinel")
        sentinel_b = await publish(tenant_b, "b-sentinel")
        await client_a.wait_for_event(sentinel_a)
        await client_b.wait_for_event(sentinel_b)

        assert client_a.event_ids == [*sent_a, sentinel_a]
        assert client_b.event_ids == [*sent_b, sentinel_b]
        assert {event["tenantid"] for event in client_a.events} == {str(tenant_a)}
        assert {event["tenantid"] for event in client_b.events} == {str(tenant_b)}


async def test_a_lead_event_reaches_the_boards_of_its_tenant_only(
    actors: Actors, live_url: str, hub: LiveHub, kafka: KafkaBroker, publish: Callable[..., Any]
) -> None:
    leads_topic = session_topic(LEADS_EVENTS.name)
    team_a = await actors.tenant((Role.owner, Role.agent))
    team_b = await actors.tenant((Role.owner, Role.agent))
    tenant_a, tenant_b = team_a[Role.agent].tenant_id, team_b[Role.agent].tenant_id
    lead_id = uuid.uuid4()
    moved = Envelope[LeadEvent](
        type=LEADS_EVENTS.name,
        source="/services/crm",
        tenantid=tenant_a,
        subject=str(lead_id),
        data=LeadEvent(
            type="lead.stage_changed",
            lead=LeadSnapshot(
                id=lead_id,
                pipeline_id=uuid.uuid4(),
                stage_id=uuid.uuid4(),
                title="Deal",
                position="a0",
                version=3,
            ),
            from_stage_id=uuid.uuid4(),
            occurred_at=datetime.now(UTC),
        ),
    ).to_json_dict()
    async with (
        open_live(live_url, team_a[Role.agent].token) as client_a,
        open_live(live_url, team_b[Role.agent].token) as client_b,
    ):
        # The crm keys lead events by the lead id, not the tenant.
        await kafka.publish(moved, leads_topic, key=str(lead_id).encode())
        [frame] = await client_a.wait_for_events(1)
        # A has it, so the hub fanned it out; B's queue is first in, first out: a sentinel
        # published now reaches B after anything the lead's event could have queued there.
        sentinel_b = await publish(tenant_b, "b-sentinel", leads_topic)
        await client_b.wait_for_event(sentinel_b)

    assert frame["topic"] == leads_topic
    assert frame["tenantid"] == str(tenant_a)
    assert frame["data"]["type"] == "lead.stage_changed"
    assert frame["data"]["lead"]["id"] == str(lead_id)
    assert client_b.event_ids == [sentinel_b]


async def test_a_column_rebalance_reaches_the_boards_of_its_tenant_with_every_card(
    actors: Actors, live_url: str, hub: LiveHub, kafka: KafkaBroker, publish: Callable[..., Any]
) -> None:
    leads_topic = session_topic(LEADS_EVENTS.name)
    team_a = await actors.tenant((Role.owner, Role.agent))
    team_b = await actors.tenant((Role.owner, Role.agent))
    tenant_a, tenant_b = team_a[Role.agent].tenant_id, team_b[Role.agent].tenant_id
    stage_id = uuid.uuid4()
    cards = [RebalancedLead(id=uuid.uuid4(), position=key, version=2) for key in ("a0", "a1", "a2")]
    rebalanced = Envelope[ColumnRebalanced](
        type=LEADS_EVENTS.name,
        source="/services/crm",
        tenantid=tenant_a,
        subject=str(stage_id),
        data=ColumnRebalanced(
            pipeline_id=uuid.uuid4(),
            stage_id=stage_id,
            leads=cards,
            occurred_at=datetime.now(UTC),
        ),
    ).to_json_dict()
    async with (
        open_live(live_url, team_a[Role.agent].token) as client_a,
        open_live(live_url, team_b[Role.agent].token) as client_b,
    ):
        # Keyed by the column: a rebalance names no single lead.
        await kafka.publish(rebalanced, leads_topic, key=str(stage_id).encode())
        [frame] = await client_a.wait_for_events(1)
        sentinel_b = await publish(tenant_b, "b-sentinel", leads_topic)
        await client_b.wait_for_event(sentinel_b)

    assert frame["topic"] == leads_topic
    assert frame["data"]["type"] == "lead.column_rebalanced"
    assert frame["data"]["stage_id"] == str(stage_id)
    assert [card["id"] for card in frame["data"]["leads"]] == [str(card.id) for card in cards]
    assert [card["version"] for card in frame["data"]["leads"]] == [2, 2, 2]
    assert client_b.event_ids == [sentinel_b]


def campaign_event(
    tenant_id: uuid.UUID,
    data: CampaignProgress | CampaignStatusChanged | CampaignRecipientsUpdated,
) -> dict[str, Any]:
    return Envelope[CampaignProgress | CampaignStatusChanged | CampaignRecipientsUpdated](
        type=CAMPAIGNS_EVENTS.name,
        source="/services/campaigns",
        tenantid=tenant_id,
        subject=str(data.campaign_id),
        data=data,
    ).to_json_dict()


async def publish_campaign_event(
    kafka: KafkaBroker, body: dict[str, Any], *, header: bool = True
) -> str:
    """As the campaigns outbox publishes: keyed by the campaign, its type in a header."""
    await kafka.publish(
        body,
        session_topic(CAMPAIGNS_EVENTS.name),
        key=str(body["data"]["campaign_id"]).encode(),
        headers={EVENT_TYPE_HEADER: body["data"]["type"]} if header else None,
    )
    return str(body["id"])


async def test_a_campaigns_progress_reaches_its_tenants_browsers_only(
    actors: Actors, live_url: str, hub: LiveHub, kafka: KafkaBroker
) -> None:
    campaigns_topic = session_topic(CAMPAIGNS_EVENTS.name)
    team_a = await actors.tenant((Role.owner, Role.agent))
    team_b = await actors.tenant((Role.owner, Role.agent))
    tenant_a, tenant_b = team_a[Role.agent].tenant_id, team_b[Role.agent].tenant_id
    campaign_id = uuid.uuid4()
    progress = CampaignProgress(
        campaign_id=campaign_id,
        status=CampaignStatus.RUNNING,
        counts={RecipientState.ACCEPTED: 40, RecipientState.QUEUED: 60},
        failures={"131026": 2},
        as_of=datetime.now(UTC),
    )
    paused = CampaignStatusChanged(
        campaign_id=campaign_id,
        name="Black Friday",
        status=CampaignStatus.PAUSED,
        previous=CampaignStatus.RUNNING,
        reason="paused_by_user",
        occurred_at=datetime.now(UTC),
    )
    async with (
        open_live(live_url, team_a[Role.agent].token, topics=campaigns_topic) as client_a,
        open_live(live_url, team_b[Role.agent].token, topics=campaigns_topic) as client_b,
    ):
        progress_id = await publish_campaign_event(kafka, campaign_event(tenant_a, progress))
        paused_id = await publish_campaign_event(kafka, campaign_event(tenant_a, paused))
        [first, second] = await client_a.wait_for_events(2)
        # A has both, so the hub fanned them out; B's queue is first in, first out: its own
        # campaign's event published now reaches B after anything A's could have queued.
        own = CampaignProgress(
            campaign_id=uuid.uuid4(),
            status=CampaignStatus.RUNNING,
            counts={RecipientState.QUEUED: 1},
            as_of=datetime.now(UTC),
        )
        sentinel_b = await publish_campaign_event(kafka, campaign_event(tenant_b, own))
        await client_b.wait_for_event(sentinel_b)

    assert [first["id"], second["id"]] == [progress_id, paused_id]
    assert first["topic"] == campaigns_topic
    assert first["tenantid"] == str(tenant_a)
    assert first["data"]["type"] == "campaign.progress"
    assert first["data"]["campaign_id"] == str(campaign_id)
    assert first["data"]["counts"] == {"accepted": 40, "queued": 60}
    assert first["data"]["failures"] == {"131026": 2}
    assert second["data"]["type"] == "campaign.status_changed"
    assert second["data"]["status"] == "paused"
    assert client_b.event_ids == [sentinel_b]


async def test_a_campaigns_recipient_batches_never_reach_the_hub(
    actors: Actors,
    live_url: str,
    hub: LiveHub,
    kafka: KafkaBroker,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    agent = (await actors.tenant((Role.owner, Role.agent)))[Role.agent]
    campaign_id = uuid.uuid4()
    batch = CampaignRecipientsUpdated(
        campaign_id=campaign_id,
        recipients=[
            RecipientOutcome(contact_id=uuid.uuid4(), state=RecipientState.ACCEPTED)
            for _ in range(500)
        ],
        occurred_at=datetime.now(UTC),
    )
    reached_hub: list[LiveEvent] = []
    publish_to_hub = hub.publish

    def recording(event: LiveEvent) -> int:
        reached_hub.append(event)
        return publish_to_hub(event)

    parsed: list[LiveEvent] = []

    def parsing(body: Any, *, topic: str) -> LiveEvent:
        parsed.append(parse_event(body, topic=topic))
        return parsed[-1]

    monkeypatch.setattr(hub, "publish", recording)
    monkeypatch.setattr(live_handlers, "parse_event", parsing)
    async with open_live(live_url, agent.token) as client:
        flagged = await publish_campaign_event(kafka, campaign_event(agent.tenant_id, batch))
        # An older producer's record, without the header: dropped once its data is read.
        unflagged = await publish_campaign_event(
            kafka, campaign_event(agent.tenant_id, batch), header=False
        )
        # The marker, on the same partition (same campaign) after them.
        marker = await publish_campaign_event(
            kafka,
            campaign_event(
                agent.tenant_id,
                CampaignProgress(
                    campaign_id=campaign_id,
                    status=CampaignStatus.COMPLETED,
                    counts={RecipientState.ACCEPTED: 1000},
                    as_of=datetime.now(UTC),
                ),
            ),
        )
        await client.wait_for_event(marker)

    assert client.event_ids == [marker]
    assert not {flagged, unflagged} & {event.id for event in reached_hub}
    # The header was enough: the flagged batch was not even parsed.
    assert [event.id for event in parsed] == [unflagged, marker]


async def test_event_frame_carries_id_type_topic_tenant_time_and_data(
    actors: Actors, live_url: str, hub: LiveHub, kafka: KafkaBroker
) -> None:
    agent = (await actors.tenant((Role.owner, Role.agent)))[Role.agent]
    body = envelope(agent.tenant_id, "hello")
    async with open_live(live_url, agent.token) as client:
        await kafka.publish(body, INBOX, key=str(agent.tenant_id).encode())
        [frame] = await client.wait_for_events(1)
    assert frame == {
        "id": body["id"],
        "type": INBOX,
        "topic": INBOX,
        "tenantid": str(agent.tenant_id),
        "time": body["time"],
        "data": {"label": "hello"},
    }


@pytest.mark.parametrize("token", [None, "not-a-token", "mia_0123abcd_not-a-real-secret"])
async def test_connection_without_valid_credentials_is_refused(
    live_url: str, token: str | None
) -> None:
    async with open_live(live_url, token) as client:
        code, _ = await client.wait_closed()
    assert code == 4401
    assert client.frames == []


async def test_token_in_the_bearer_subprotocol_is_accepted_and_echoed(
    actors: Actors, live_url: str, hub: LiveHub, publish: Callable[..., Any]
) -> None:
    agent = (await actors.tenant((Role.owner, Role.agent)))[Role.agent]
    async with open_live(live_url, agent.token, in_subprotocol=True) as client:
        assert client.websocket.subprotocol == "bearer"
        event_id = await publish(agent.tenant_id, "via-subprotocol")
        await client.wait_for_event(event_id)


async def test_api_key_needs_the_live_scope(
    actors: Actors,
    client: httpx.AsyncClient,
    live_url: str,
    hub: LiveHub,
    publish: Callable[..., Any],
) -> None:
    owner = (await actors.tenant((Role.owner,)))[Role.owner]

    async def key(scopes: list[str]) -> str:
        response = await client.post(
            "/api/v1/api-keys",
            json={"name": f"live {scopes}", "scopes": scopes},
            headers=owner.headers,
        )
        assert response.status_code == 201, response.text
        return str(response.json()["key"])

    async with open_live(live_url, await key(["crm"])) as refused:
        code, reason = await refused.wait_closed()
    assert (code, reason) == (4403, "scope_required: live")

    async with open_live(live_url, await key(["live"])) as accepted:
        event_id = await publish(owner.tenant_id, "for-the-key")
        await accepted.wait_for_event(event_id)


async def test_resume_with_last_event_id_replays_only_the_missed_events(
    actors: Actors, live_url: str, hub: LiveHub, publish: Callable[..., Any]
) -> None:
    team = await actors.tenant((Role.owner, Role.agent))
    agent, tenant = team[Role.agent], team[Role.agent].tenant_id
    # The owner stays connected throughout: once it has an event, so has the hub's buffer.
    async with open_live(live_url, team[Role.owner].token) as witness:
        async with open_live(live_url, agent.token) as first:
            seen = [await publish(tenant, f"seen-{n}") for n in range(3)]
            await first.wait_for_events(3)
        missed = [await publish(tenant, f"missed-{n}") for n in range(2)]
        await witness.wait_for_event(missed[-1])

        async with open_live(live_url, agent.token, last_event_id=seen[-1]) as resumed:
            await resumed.wait_for_events(len(missed))
            after = await publish(tenant, "after")
            await resumed.wait_for_event(after)
            assert resumed.frames[0]["id"] == missed[0]  # no resync: it resumed
            assert resumed.event_ids == [*missed, after]


async def test_unknown_last_event_id_gets_resync_first_then_live_events(
    actors: Actors, live_url: str, hub: LiveHub, publish: Callable[..., Any]
) -> None:
    agent = (await actors.tenant((Role.owner, Role.agent)))[Role.agent]
    async with open_live(live_url, agent.token, last_event_id=str(uuid.uuid4())) as client:
        event_id = await publish(agent.tenant_id, "after-resync")
        await client.wait_for_event(event_id)
    assert client.frames[0] == {"type": "resync"}
    assert client.event_ids == [event_id]


async def test_topics_filter_delivers_only_those_topics(
    actors: Actors, live_url: str, hub: LiveHub, publish: Callable[..., Any]
) -> None:
    team = await actors.tenant((Role.owner, Role.agent))
    tenant = team[Role.agent].tenant_id
    async with (
        open_live(live_url, team[Role.owner].token) as everything,
        open_live(live_url, team[Role.agent].token, topics=ALERTS) as alerts_only,
    ):
        inbox = await publish(tenant, "inbox", INBOX)
        alert = await publish(tenant, "alert", ALERTS)
        await everything.wait_for_event(inbox)
        await everything.wait_for_event(alert)
        # Both went through the hub; this sentinel reaches the filtered client after them.
        sentinel = await publish(tenant, "sentinel", ALERTS)
        await alerts_only.wait_for_event(sentinel)
    assert alerts_only.event_ids == [alert, sentinel]


async def test_raw_inbound_messages_never_reach_the_hub_while_inbox_events_do(
    actors: Actors,
    live_url: str,
    hub: LiveHub,
    gateway_app: FastAPI,
    publish: Callable[..., Any],
    platform_settings: PlatformSettings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The session's topics are the default live topics renamed: were messages.inbound.v1
    # among the defaults, RAW_INBOUND would be among the topics the gateway reads.
    await ensure_topics(
        platform_settings.kafka_bootstrap_servers,
        [Topic(RAW_INBOUND, 3, key="tenant")],
    )
    # The live relay's subscriber; the gateway's other one (erasures) reads the contacts topic.
    [subscriber] = [
        subscriber
        for subscriber in gateway_app.state.context.infra.broker.subscribers
        if set(subscriber.topic_names) & set(LIVE_TOPICS)
    ]
    assigned = {partition.topic for partition in subscriber.consumer.assignment()}
    assert RAW_INBOUND not in assigned
    assert assigned == set(LIVE_TOPICS)

    reached_hub: list[LiveEvent] = []
    publish_to_hub = hub.publish

    def recording(event: LiveEvent) -> int:
        reached_hub.append(event)
        return publish_to_hub(event)

    monkeypatch.setattr(hub, "publish", recording)
    agent = (await actors.tenant((Role.owner, Role.agent)))[Role.agent]
    async with open_live(live_url, agent.token) as client:
        raw = await publish(agent.tenant_id, "raw inbound message", RAW_INBOUND)
        # The marker, published after it: once it is through, so is whatever came before.
        marker = await publish(agent.tenant_id, "inbox event", INBOX)
        await client.wait_for_event(marker)

    assert client.event_ids == [marker]
    assert raw not in {event.id for event in reached_hub}
    assert {event.topic for event in reached_hub} == {INBOX}


async def test_unknown_topic_in_the_filter_is_refused(
    actors: Actors, live_url: str, hub: LiveHub
) -> None:
    agent = (await actors.tenant((Role.owner, Role.agent)))[Role.agent]
    async with open_live(live_url, agent.token, topics="no.such.topic.v1") as client:
        code, reason = await client.wait_closed()
    assert (code, reason) == (1008, "unknown topics: no.such.topic.v1")


async def test_idle_connection_receives_pings(
    actors: Actors, live_url: str, hub: LiveHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hub, "ping_seconds", 0.2)
    agent = (await actors.tenant((Role.owner, Role.agent)))[Role.agent]
    async with open_live(live_url, agent.token) as client:
        await client.wait_for_frame(json.loads(PING_FRAME))


async def test_disabled_users_connection_is_closed_on_revalidation(
    actors: Actors,
    client: httpx.AsyncClient,
    live_url: str,
    hub: LiveHub,
    publish: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(hub, "revalidate_seconds", 0.2)
    team = await actors.tenant((Role.owner, Role.agent))
    owner, agent = team[Role.owner], team[Role.agent]
    async with (
        open_live(live_url, owner.token) as owners,
        open_live(live_url, agent.token) as agents,
    ):
        response = await client.post(
            f"/api/v1/users/{agent.user_id}/disable", headers=owner.headers
        )
        assert response.status_code == 200, response.text

        code, reason = await agents.wait_closed()
        assert code == 4401
        assert reason in {"session_revoked", "user_disabled"}
        # The owner, still allowed, keeps receiving.
        event_id = await publish(owner.tenant_id, "after-disable")
        await owners.wait_for_event(event_id)
        assert owners.websocket.close_code is None


async def test_token_sent_on_the_socket_is_the_one_revalidated_from_then_on(
    actors: Actors,
    client: httpx.AsyncClient,
    live_url: str,
    hub: LiveHub,
    publish: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(hub, "revalidate_seconds", 0.2)
    agent = (await actors.tenant((Role.owner, Role.agent)))[Role.agent]
    async with open_live(live_url, agent.token) as live:
        [connection] = hub.connections_of(agent.tenant_id)
        fresh = await actors.login(agent.email)  # a second session, as a refresh gives
        await live.websocket.send(json.dumps({"type": "auth", "access_token": fresh}))
        await live.wait_for_frame(json.loads(AUTHENTICATED_FRAME))

        # Ending the first session no longer matters to this connection.
        response = await client.post("/api/v1/auth/logout", headers=agent.headers)
        assert response.status_code == 204
        checked = connection.revalidations
        await wait_until(lambda: connection.revalidations >= checked + 2, message="revalidated")
        event_id = await publish(agent.tenant_id, "still-live")
        await live.wait_for_event(event_id)
        assert live.websocket.close_code is None


async def test_invalid_token_sent_on_the_socket_closes_it(
    actors: Actors, live_url: str, hub: LiveHub
) -> None:
    agent = (await actors.tenant((Role.owner, Role.agent)))[Role.agent]
    async with open_live(live_url, agent.token) as live:
        await live.websocket.send(json.dumps({"type": "auth", "access_token": "forged"}))
        code, reason = await live.wait_closed()
    assert (code, reason) == (4401, "token_invalid")


async def test_slow_client_is_closed_with_1013_and_others_of_the_tenant_keep_receiving(
    actors: Actors, live_url: str, hub: LiveHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    team = await actors.tenant((Role.owner, Role.agent))
    tenant = team[Role.agent].tenant_id
    async with open_live(live_url, team[Role.owner].token) as healthy:
        monkeypatch.setattr(hub, "queue_size", 1)  # only connections opened from now on
        async with open_live(live_url, team[Role.agent].token) as slow:
            # A burst with no await in between: the slow connection's sender cannot drain.
            burst = [live_event(tenant, f"burst-{n}") for n in range(5)]
            for event in burst:
                hub.publish(event)
            code, reason = await slow.wait_closed()
            await healthy.wait_for_events(len(burst))
    assert (code, reason) == (1013, "too slow")
    assert healthy.event_ids == [event.id for event in burst]


async def test_malformed_event_is_dead_lettered_and_the_stream_goes_on(
    actors: Actors,
    live_url: str,
    hub: LiveHub,
    kafka: KafkaBroker,
    publish: Callable[..., Any],
    topic_reader: TopicReaderFactory,
) -> None:
    agent = (await actors.tenant((Role.owner, Role.agent)))[Role.agent]
    marker = f"malformed-{uuid.uuid4().hex}"
    dead_letters = await topic_reader(f"{LIVE_INBOX}.dlq", start="end")
    async with open_live(live_url, agent.token) as client:
        await kafka.publish({"id": marker, "type": INBOX}, INBOX, key=marker.encode())
        event_id = await publish(agent.tenant_id, "after-malformed")
        await client.wait_for_event(event_id)
    assert client.event_ids == [event_id]
    await dead_letters.wait_for(
        lambda record: marker.encode() in (record.value or b""),
        timeout=30,
        message="malformed event dead-lettered",
    )


# -- the hub on its own ----------------------------------------------------------------


def slow_clients_dropped() -> float:
    return REGISTRY.get_sample_value("mia_gateway_live_slow_clients_dropped_total") or 0.0


def drain(connection: LiveConnection) -> list[str]:
    frames = []
    while not connection.queue.empty():
        frames.append(connection.queue.get_nowait())
    return frames


async def test_hub_drops_a_client_that_does_not_drain_and_keeps_serving_the_others() -> None:
    hub = LiveHub(queue_size=2, resume_seconds=60)
    tenant = uuid.uuid4()
    never_drains = hub.connect(tenant)
    drains = hub.connect(tenant)
    dropped_before = slow_clients_dropped()

    events = [live_event(tenant, f"n-{n}") for n in range(5)]
    received: list[str] = []
    for event in events:
        hub.publish(event)  # returns at once: nothing here can wait on a client
        received.extend(drain(drains))

    assert never_drains.closed.is_set()
    assert (never_drains.close_code, never_drains.close_reason) == (1013, "too slow")
    assert never_drains.queue.empty()  # what it held is freed at once
    assert received == [event.frame for event in events]
    assert slow_clients_dropped() == dropped_before + 1


async def test_hub_never_delivers_to_another_tenant() -> None:
    hub = LiveHub(queue_size=10, resume_seconds=60)
    tenant_a, tenant_b = uuid.uuid4(), uuid.uuid4()
    connection_a, connection_b = hub.connect(tenant_a), hub.connect(tenant_b)
    hub.publish(live_event(tenant_a, "a"))
    hub.publish(live_event(tenant_b, "b"))
    assert [json.loads(frame)["tenantid"] for frame in drain(connection_a)] == [str(tenant_a)]
    assert [json.loads(frame)["tenantid"] for frame in drain(connection_b)] == [str(tenant_b)]


async def test_hub_resume_window_expires_into_resync() -> None:
    now = [0.0]
    hub = LiveHub(queue_size=10, resume_seconds=30, clock=lambda: now[0])
    tenant = uuid.uuid4()
    first, second = live_event(tenant, "first"), live_event(tenant, "second")
    hub.publish(first)
    hub.publish(second)

    assert hub.connect(tenant, last_event_id=first.id).initial_frames == [second.frame]
    assert hub.connect(tenant, last_event_id=second.id).initial_frames == []
    # Another tenant's id is as unknown as an invented one.
    assert hub.connect(uuid.uuid4(), last_event_id=first.id).initial_frames == [RESYNC_FRAME]

    now[0] = 31.0
    assert hub.connect(tenant, last_event_id=first.id).initial_frames == [RESYNC_FRAME]


async def test_hub_ignores_an_event_kafka_delivers_twice() -> None:
    hub = LiveHub(queue_size=10, resume_seconds=60)
    tenant = uuid.uuid4()
    connection = hub.connect(tenant)
    event = live_event(tenant, "once")
    assert hub.publish(event) == 1
    assert hub.publish(event) == 0
    assert drain(connection) == [event.frame]


async def test_hub_disconnect_stops_delivery() -> None:
    hub = LiveHub(queue_size=10, resume_seconds=60)
    tenant = uuid.uuid4()
    connection = hub.connect(tenant)
    hub.disconnect(connection)
    assert hub.publish(live_event(tenant, "nobody")) == 0
    assert hub.connections_of(tenant) == frozenset()


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        [1, 2],
        {"type": INBOX, "tenantid": str(uuid.uuid4())},
        {"id": "e1", "tenantid": str(uuid.uuid4())},
        {"id": "e1", "type": INBOX},
        {"id": "e1", "type": INBOX, "tenantid": "not-a-uuid"},
    ],
)
def test_record_without_id_type_or_tenant_is_a_permanent_error(body: Any) -> None:
    with pytest.raises(PermanentError):
        parse_event(body, topic=INBOX)
