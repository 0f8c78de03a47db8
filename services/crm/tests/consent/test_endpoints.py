"""The consent ledger through the API: who changed it, how, the event campaigns read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mia_common.identity import Role
from support.consent import consent_marker, contact_events, is_marker, set_consent
from support.world import World


async def contact_of(world: World, **fields: object) -> str:
    message = await world.deliver(**fields)
    return str((await world.conversation_of(message))["contact"]["id"])


async def test_a_contact_nobody_asked_has_no_consent_on_any_channel(world: World) -> None:
    contact_id = await contact_of(world)

    consent = await world.get(f"/api/v1/contacts/{contact_id}/consent")

    assert consent["marketing_requires_consent"] is True
    assert [c["channel"] for c in consent["channels"]] == ["whatsapp", "sms", "email"]
    assert all(c["status"] is None and c["may_market"] is False for c in consent["channels"])
    assert consent["history"] == {"items": [], "next_cursor": None}


async def test_an_agent_records_an_opt_in_which_is_published_for_campaigns(world: World) -> None:
    contact_id = await contact_of(world)

    change = await set_consent(
        world, contact_id, {"channel": "whatsapp", "status": "opted_in", "note": "asked by phone"}
    )

    assert change["changed"] is True
    assert change["consent"]["status"] == "opted_in"
    assert change["consent"]["source"] == "agent"
    assert change["consent"]["actor_user_id"] == str(world.agent.user_id)
    assert change["consent"]["may_market"] is True
    assert change["event"]["note"] == "asked by phone"
    consent = await world.get(f"/api/v1/contacts/{contact_id}/consent")
    assert consent["channels"][0]["status"] == "opted_in"
    [entry] = consent["history"]["items"]
    assert entry["source"] == "agent"
    assert entry["actor_user_id"] == str(world.agent.user_id)

    def published(envelope: dict[str, object]) -> bool:
        data = envelope["data"]
        assert isinstance(data, dict)
        return data["contact_id"] == contact_id and data["status"] == "opted_in"

    events = await contact_events(world, until=published)
    [event] = [e for e in events if published(e)]
    assert event["type"] == "contact.consent_changed"
    assert event["subject"] == contact_id
    assert event["data"] == {
        "type": "contact.consent_changed",
        "contact_id": contact_id,
        "channel": "whatsapp",
        "status": "opted_in",
        "source": "agent",
        "actor_user_id": str(world.agent.user_id),
        "occurred_at": event["data"]["occurred_at"],
    }


async def test_an_api_key_records_with_source_api_and_names_no_user(world: World) -> None:
    contact_id = await contact_of(world)
    integration = world.api_key()

    change = await set_consent(
        world, contact_id, {"channel": "sms", "status": "opted_out"}, caller=integration
    )

    assert change["consent"]["source"] == "api"
    assert change["consent"]["actor_user_id"] is None
    assert change["event"]["actor_api_key_id"] == str(integration.user_id)


async def test_a_form_consent_keeps_its_source_and_time(world: World) -> None:
    contact_id = await contact_of(world)
    signed = datetime.now(UTC) - timedelta(days=3)

    change = await set_consent(
        world,
        contact_id,
        {
            "channel": "email",
            "status": "opted_in",
            "source": "form",
            "occurred_at": signed.isoformat(),
        },
        caller=world.api_key(),
    )

    assert change["consent"]["source"] == "form"
    assert datetime.fromisoformat(change["consent"]["occurred_at"]) == signed


async def test_the_same_state_again_records_and_publishes_nothing(world: World) -> None:
    contact_id = await contact_of(world)
    await set_consent(world, contact_id, {"channel": "whatsapp", "status": "opted_out"})

    again = await set_consent(world, contact_id, {"channel": "whatsapp", "status": "opted_out"})

    assert again["changed"] is False
    assert again["event"] is None
    consent = await world.get(f"/api/v1/contacts/{contact_id}/consent")
    assert len(consent["history"]["items"]) == 1
    events = await contact_events(world, until=is_marker(await consent_marker(world, contact_id)))
    whatsapp = [e for e in events if e["data"].get("channel") == "whatsapp"]
    assert len(whatsapp) == 1


async def test_a_change_older_than_the_recorded_state_does_not_override_it(world: World) -> None:
    contact_id = await contact_of(world)
    await set_consent(world, contact_id, {"channel": "whatsapp", "status": "opted_out"})
    earlier = (datetime.now(UTC) - timedelta(days=30)).isoformat()

    change = await set_consent(
        world, contact_id, {"channel": "whatsapp", "status": "opted_in", "occurred_at": earlier}
    )

    assert change["changed"] is False
    assert change["consent"]["status"] == "opted_out"


async def test_the_history_is_newest_first_and_paged(world: World) -> None:
    contact_id = await contact_of(world)
    for status in ("opted_in", "opted_out", "opted_in"):
        await set_consent(world, contact_id, {"channel": "whatsapp", "status": status})

    first = await world.get(f"/api/v1/contacts/{contact_id}/consent", limit=2)
    second = await world.get(
        f"/api/v1/contacts/{contact_id}/consent", limit=2, cursor=first["history"]["next_cursor"]
    )

    statuses = [e["status"] for e in first["history"]["items"] + second["history"]["items"]]
    assert statuses == ["opted_in", "opted_out", "opted_in"]
    assert second["history"]["next_cursor"] is None


async def test_without_consent_required_a_contact_nobody_asked_may_be_marketed_to(
    world: World,
) -> None:
    contact_id = await contact_of(world)
    response = await world.client.put(
        "/api/v1/crm/settings",
        json={"marketing_requires_consent": False},
        headers=world.manager.headers,
    )
    assert response.status_code == 200
    await set_consent(world, contact_id, {"channel": "sms", "status": "opted_out"})

    consent = await world.get(f"/api/v1/contacts/{contact_id}/consent")

    assert [c["may_market"] for c in consent["channels"]] == [True, False, True]


@pytest.mark.parametrize(
    ("method", "body"),
    [("GET", None), ("POST", {"channel": "whatsapp", "status": "opted_out"})],
)
async def test_another_tenants_contact_is_not_found_and_keeps_its_consent(
    world: World, method: str, body: dict[str, str] | None
) -> None:
    contact_id = await contact_of(world)
    stranger = world.stranger(Role.owner)

    response = await world.client.request(
        method, f"/api/v1/contacts/{contact_id}/consent", json=body, headers=stranger.headers
    )

    assert response.status_code == 404, response.text
    assert response.json()["code"] == "contact_not_found"
    consent = await world.get(f"/api/v1/contacts/{contact_id}/consent")
    assert consent["history"]["items"] == []


async def test_a_consent_change_is_refused_when_the_gateway_cannot_say_who_called(
    world: World,
) -> None:
    contact_id = await contact_of(world)

    async with world.gateway.failing():
        response = await world.client.post(
            f"/api/v1/contacts/{contact_id}/consent",
            json={"channel": "whatsapp", "status": "opted_in"},
            headers=world.agent.headers,
        )

    assert response.status_code == 503
    consent = await world.get(f"/api/v1/contacts/{contact_id}/consent")
    assert consent["history"]["items"] == []
