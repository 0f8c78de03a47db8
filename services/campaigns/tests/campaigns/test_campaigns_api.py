"""Creating, reading and launching campaigns: validation, roles, tenants, exclusions."""

from __future__ import annotations

import csv
import io
import uuid

from support.fake_crm import member
from support.world import World


async def test_a_draft_is_created_and_read_back_with_its_message(world: World) -> None:
    contacts = world.contacts(3)
    created = await world.create(contacts)

    assert created["status"] == "draft"
    read = await world.read(created["id"])
    assert read["message"]["body"].startswith("Oi {{first_name|cliente}}")
    assert read["counts"] == {}


async def test_a_template_with_broken_variables_is_refused_naming_the_place(world: World) -> None:
    body = world.campaign_body(world.contacts(1), message={"type": "text", "body": "Oi {{nome"})
    response = await world.client.post(
        "/api/v1/campaigns", json=body, headers=world.manager.headers
    )

    assert response.status_code == 422
    assert response.json()["code"] == "campaign_message_invalid"
    assert "offset" in response.json()["detail"] or "{{" in response.json()["detail"]


async def test_an_sms_campaign_must_send_text(world: World) -> None:
    body = world.campaign_body(
        world.contacts(1),
        channel="sms",
        message={"type": "template", "name": "promo", "language": "pt_BR", "body": "Oi"},
    )
    response = await world.client.post(
        "/api/v1/campaigns", json=body, headers=world.manager.headers
    )

    assert response.status_code == 422


async def test_agents_read_campaigns_but_only_managers_create_and_launch(world: World) -> None:
    contacts = world.contacts(2)
    body = world.campaign_body(contacts)
    refused = await world.client.post("/api/v1/campaigns", json=body, headers=world.agent.headers)
    created = await world.create(contacts)
    launch = await world.client.post(
        f"/api/v1/campaigns/{created['id']}/launch", headers=world.agent.headers
    )
    read = await world.client.get(f"/api/v1/campaigns/{created['id']}", headers=world.agent.headers)

    assert refused.status_code == 403
    assert launch.status_code == 403
    assert read.status_code == 200


async def test_another_tenants_campaign_is_not_found_by_any_endpoint(world: World) -> None:
    created = await world.create(world.contacts(2))
    stranger = world.stranger()
    campaign = created["id"]
    answers = [
        await world.client.get(f"/api/v1/campaigns/{campaign}", headers=stranger.headers),
        await world.client.get(
            f"/api/v1/campaigns/{campaign}/recipients", headers=stranger.headers
        ),
        *[
            await world.client.post(
                f"/api/v1/campaigns/{campaign}/{action}", headers=stranger.headers
            )
            for action in ("launch", "pause", "resume", "cancel")
        ],
    ]
    listed = await world.client.get("/api/v1/campaigns", headers=stranger.headers)

    assert [a.status_code for a in answers] == [404] * 6
    assert all(a.json()["code"] == "campaign_not_found" for a in answers)
    assert campaign not in [c["id"] for c in listed.json()["items"]]
    assert (await world.read(campaign))["status"] == "draft"


async def test_launch_freezes_the_audience_and_counts_who_is_left_out(world: World) -> None:
    world.sender.account(world.account_id).mode = "hold"
    reachable = world.contacts(4)
    others = world.crm.add(
        world.tenant_id,
        [
            member(phone=None, name="Sem Telefone"),
            member(phone="+5511988887777", name="Saiu", whatsapp="opted_out"),
            member(phone=reachable[0]["phone"], name="Mesmo Numero"),
        ],
    )
    created = await world.create([*reachable, *others])

    launched = await world.launch(created["id"])

    assert launched["status"] == "running"
    assert launched["excluded"] == {"no_address": 1, "opted_out": 1, "duplicate_address": 1}
    assert launched["counts"]["queued"] + launched["counts"].get("requested", 0) == 4
    # A contact added to the crm after the launch is not in this campaign.
    world.contacts(1)
    await world.sender_count_reaches(4)
    again = await world.read(created["id"])
    assert sum(again["counts"].values()) == 7


async def test_a_tenant_that_requires_consent_reaches_only_those_who_gave_it(world: World) -> None:
    world.crm.tenant(world.tenant_id).requires_consent = True
    world.sender.account(world.account_id).mode = "hold"
    given = world.crm.add(world.tenant_id, [member(phone="+5511977770001", whatsapp="opted_in")])
    never = world.crm.add(world.tenant_id, [member(phone="+5511977770002")])
    created = await world.create([*given, *never])

    launched = await world.launch(created["id"])

    assert launched["excluded"] == {"no_consent": 1}
    await world.sender_count_reaches(1)
    assert world.sent_to() == ["+5511977770001"]


async def test_launching_twice_is_refused_and_freezes_once(world: World) -> None:
    world.sender.account(world.account_id).mode = "hold"
    created = await world.create(world.contacts(3))
    await world.launch(created["id"])

    second = await world.act(created["id"], "launch")

    assert second.status_code == 409
    assert second.json()["code"] == "campaign_state_conflict"
    assert sum((await world.read(created["id"]))["counts"].values()) == 3


async def test_an_unknown_segment_is_a_clear_error_and_the_campaign_stays_a_draft(
    world: World,
) -> None:
    created = await world.create([], audience={"kind": "segment", "segment_id": str(uuid.uuid4())})

    response = await world.act(created["id"], "launch")

    assert response.status_code == 422
    assert response.json()["code"] == "audience_invalid"
    assert (await world.read(created["id"]))["status"] == "draft"


async def test_recipients_are_listed_by_state_and_searched_by_number(world: World) -> None:
    world.sender.account(world.account_id).mode = "hold"
    contacts = world.contacts(12)
    created = await world.create(contacts, in_flight_limit=5)
    await world.launch(created["id"])
    await world.sender_count_reaches(5)

    queued = await world.client.get(
        f"/api/v1/campaigns/{created['id']}/recipients",
        params={"state": "queued", "limit": 4},
        headers=world.agent.headers,
    )
    second = await world.client.get(
        f"/api/v1/campaigns/{created['id']}/recipients",
        params={"state": "queued", "limit": 4, "cursor": queued.json()["next_cursor"]},
        headers=world.agent.headers,
    )
    found = await world.client.get(
        f"/api/v1/campaigns/{created['id']}/recipients",
        params={"q": contacts[7]["phone"][-6:]},
        headers=world.agent.headers,
    )

    assert len(queued.json()["items"]) == 4
    assert len(second.json()["items"]) == 3
    assert [r["contact_id"] for r in found.json()["items"]] == [contacts[7]["id"]]


async def test_the_recipients_export_as_a_spreadsheet_safe_csv(world: World) -> None:
    contacts = world.contacts(3)
    tricky = world.crm.add(world.tenant_id, [member(phone="+5511933330000", name="=HYPERLINK(1)")])
    created = await world.create([*contacts, *tricky])
    await world.launch(created["id"])
    await world.until_status(created["id"], "completed")

    response = await world.client.get(
        f"/api/v1/campaigns/{created['id']}/recipients/export", headers=world.manager.headers
    )
    agent = await world.client.get(
        f"/api/v1/campaigns/{created['id']}/recipients/export", headers=world.agent.headers
    )
    stranger = await world.client.get(
        f"/api/v1/campaigns/{created['id']}/recipients/export", headers=world.stranger().headers
    )

    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 4
    assert {r["state"] for r in rows} == {"accepted"}
    assert {r["phone"] for r in rows} == {c["phone"] for c in [*contacts, *tricky]}
    assert "'=HYPERLINK(1)" in {r["name"] for r in rows}
    assert agent.status_code == 403
    assert stranger.status_code == 404


async def test_a_draft_is_edited_and_deleted_but_a_launched_campaign_is_not(world: World) -> None:
    world.sender.account(world.account_id).mode = "hold"
    contacts = world.contacts(2)
    draft = await world.create(contacts)
    launched = await world.create(contacts)
    await world.launch(launched["id"])
    headers = world.manager.headers

    edited = await world.client.patch(
        f"/api/v1/campaigns/{draft['id']}",
        json={"name": "Natal", "message": {"type": "text", "body": "Feliz Natal {{first_name}}"}},
        headers=headers,
    )
    broken = await world.client.patch(
        f"/api/v1/campaigns/{draft['id']}",
        json={"message": {"type": "text", "body": "{{oops"}},
        headers=headers,
    )
    too_late = await world.client.patch(
        f"/api/v1/campaigns/{launched['id']}", json={"name": "x"}, headers=headers
    )
    by_agent = await world.client.delete(
        f"/api/v1/campaigns/{draft['id']}", headers=world.agent.headers
    )
    by_stranger = await world.client.delete(
        f"/api/v1/campaigns/{draft['id']}", headers=world.stranger().headers
    )
    deleted = await world.client.delete(f"/api/v1/campaigns/{draft['id']}", headers=headers)
    not_deleted = await world.client.delete(f"/api/v1/campaigns/{launched['id']}", headers=headers)
    found = await world.client.get("/api/v1/campaigns", params={"q": "natal"}, headers=headers)

    assert edited.status_code == 200
    assert edited.json()["name"] == "Natal"
    assert edited.json()["message"]["body"] == "Feliz Natal {{first_name}}"
    assert broken.status_code == 422
    assert too_late.status_code == 409
    assert by_agent.status_code == 403
    assert by_stranger.status_code == 404
    assert deleted.status_code == 204
    assert not_deleted.status_code == 409
    assert found.json()["items"] == []
    assert (
        await world.client.get(f"/api/v1/campaigns/{draft['id']}", headers=headers)
    ).status_code == 404


async def test_campaigns_are_searched_by_name(world: World) -> None:
    contacts = world.contacts(1)
    await world.create(contacts, name="Black Friday 50%_off")
    await world.create(contacts, name="Natal")

    found = await world.client.get(
        "/api/v1/campaigns", params={"q": "50%_"}, headers=world.agent.headers
    )
    literal = await world.client.get(
        "/api/v1/campaigns", params={"q": "%"}, headers=world.agent.headers
    )

    assert [c["name"] for c in found.json()["items"]] == ["Black Friday 50%_off"]
    assert [c["name"] for c in literal.json()["items"]] == ["Black Friday 50%_off"]
