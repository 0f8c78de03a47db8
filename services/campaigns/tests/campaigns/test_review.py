"""The review before launch: counts, the 24-hour window, the daily limit, time and cost,
read as a launch would read the audience, and nothing written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from support.fake_crm import member
from support.world import World, ledger_counts


async def _review(world: World, campaign_id: str) -> dict[str, object]:
    response = await world.client.get(
        f"/api/v1/campaigns/{campaign_id}/review", headers=world.agent.headers
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_the_review_counts_who_gets_it_who_is_left_out_and_the_window(
    world: World,
) -> None:
    recently = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
    long_ago = (datetime.now(UTC) - timedelta(days=3)).isoformat()
    wrote = world.crm.add(
        world.tenant_id,
        [member(phone=f"+551197777000{i}", last_inbound_at=recently) for i in range(2)],
    )
    silent = world.crm.add(
        world.tenant_id,
        [
            *[member(phone=f"+551196666000{i}", last_inbound_at=long_ago) for i in range(2)],
            *[member(phone=f"+551195555000{i}") for i in range(2)],
        ],
    )
    left_out = world.crm.add(
        world.tenant_id,
        [
            member(phone=None),
            member(phone="+5511944440000", whatsapp="opted_out"),
            # The same number as one who wrote (whichever of the two comes first stays).
            member(phone=wrote[0]["phone"], last_inbound_at=recently),
        ],
    )
    world.crm.limits[str(world.account_id)] = {
        "tier": "250",
        "limit": 250,
        "remaining": 3,
        "used": 247,
        "resets_at": None,
    }
    created = await world.create([*wrote, *silent, *left_out])

    review = await _review(world, created["id"])

    assert review["members"] == 9
    assert review["recipients"] == 6
    assert review["excluded"] == {"no_address": 1, "opted_out": 1, "duplicate_address": 1}
    assert review["outside_window"] == 4
    assert review["template_required"] is True
    assert review["daily_limit"] == {
        "tier": "250",
        "limit": 250,
        "remaining": 3,
        "over_by": 1,
        "resets_at": None,
    }
    assert set(review["warnings"]) == {"template_required", "daily_limit_exceeded"}  # type: ignore[arg-type]
    assert review["duration_seconds"] == pytest.approx(6 / 80, abs=0.1)
    assert review["cost"] == {
        "currency": "USD",
        "category": "free",
        "total": 0.0,
        "by_country": {"BR": 0.0},
    }
    # Nothing was frozen: the campaign is a draft with an empty ledger.
    assert (await world.read(created["id"]))["status"] == "draft"
    assert await ledger_counts(world.settings, created["id"]) == {}


async def test_a_template_campaign_is_priced_by_category_and_country(world: World) -> None:
    brazil = world.contacts(4)
    abroad = world.crm.add(world.tenant_id, [member(phone="+14155550100")])
    created = await world.create(
        [*brazil, *abroad],
        message={
            "type": "template",
            "name": "promo_dezembro",
            "language": "pt_BR",
            "category": "marketing",
            "body": "Oi {{1}}, temos ofertas",
            "body_mapping": {"1": "first_name|cliente"},
        },
        rate_per_second=2,
    )

    review = await _review(world, created["id"])

    assert review["template_required"] is False
    assert review["by_country"] == {"BR": 4, "US": 1}
    assert review["cost"]["by_country"] == {"BR": 0.25, "US": 0.025}  # type: ignore[index]
    assert review["cost"]["total"] == pytest.approx(0.28, abs=0.01)  # type: ignore[index]
    assert review["duration_seconds"] == 2.5
    # The sender had no answer for this account: the limit is unknown, and said so.
    assert review["daily_limit"] is None
    assert review["warnings"] == ["daily_limit_unknown"]


async def test_an_sms_campaign_is_priced_by_segment(world: World) -> None:
    contacts = world.contacts(3)
    created = await world.create(
        contacts,
        channel="sms",
        message={"type": "text", "body": "Promoção de dezembro: até 50% em tudo! " * 5},
    )

    review = await _review(world, created["id"])

    # 200 characters with "ç" and "ã" (UCS-2): 67 a segment, so 3 segments a message.
    assert review["cost"]["category"] == "sms_segment"  # type: ignore[index]
    assert review["cost"]["by_country"] == {"BR": round(3 * 3 * 0.012, 4)}  # type: ignore[index]
    assert review["daily_limit"] is None
    assert review["warnings"] == []


async def test_another_tenants_campaign_has_no_review(world: World) -> None:
    created = await world.create(world.contacts(1))

    response = await world.client.get(
        f"/api/v1/campaigns/{created['id']}/review", headers=world.stranger().headers
    )

    assert response.status_code == 404
