"""``/api/v1/cadences``: what a manager writes is checked, moves follow the lifecycle, and
nobody reaches another company's cadences or enrollments."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from support.cadences import Drip, send, wait
from support.world import World


async def _refused(world: World, body: dict[str, Any]) -> dict[str, Any]:
    response = await world.client.post("/api/v1/cadences", json=body, headers=world.manager.headers)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return dict(response.json())


@pytest.mark.parametrize(
    ("steps", "overrides", "says"),
    [
        ([wait(5)], {}, "sends at least one message"),
        (
            [
                send("Oi"),
                {
                    "type": "branch",
                    "condition": {"kind": "replied"},
                    "then_step": 1,
                    "else_step": 2,
                },
            ],
            {},
            "a branch goes on at a later step",
        ),
        (
            [
                send("Oi"),
                {
                    "type": "branch",
                    "condition": {"kind": "replied"},
                    "then_step": 2,
                    "else_step": 7,
                },
            ],
            {},
            "not 7",
        ),
        ([send("Oi")], {"time_zone": "Mars/Olympus"}, "unknown time zone"),
        (
            [
                {
                    "type": "send",
                    "message": {
                        "type": "template",
                        "name": "promo",
                        "language": "pt_BR",
                        "body": "Oi {{1}}",
                    },
                }
            ],
            {"channel": "sms"},
            "SMS cadence sends text",
        ),
        (
            [
                send("Oi"),
                {"type": "branch", "condition": {"kind": "filter"}, "then_step": 2, "else_step": 2},
            ],
            {},
            "a filter condition, and only it, has a filter",
        ),
        ([{"type": "wait_until", "days": [0], "time": "09:00"}, send("Oi")], {}, "ISO weekdays"),
    ],
)
async def test_a_cadence_that_could_not_run_is_refused_saying_why(
    world: World, steps: list[dict[str, Any]], overrides: dict[str, Any], says: str
) -> None:
    problem = await _refused(world, Drip(world).body(steps, **overrides))

    assert says in str(problem), problem


async def test_a_message_that_cannot_render_is_refused_naming_the_step(world: World) -> None:
    problem = await _refused(world, Drip(world).body([wait(1), send("Oi {{first_name")]))

    assert problem["code"] == "cadence_invalid"
    assert problem["detail"].startswith("steps[1]: ")


async def test_a_cadence_moves_draft_active_paused_active_archived_and_no_other_way(
    world: World,
) -> None:
    drip = Drip(world)
    cadence = await drip.create([send("Oi")], activate=False)
    assert cadence["status"] == "draft"

    enroll_draft = await world.client.post(
        f"/api/v1/cadences/{cadence['id']}/enrollments",
        json={"contact_ids": [str(uuid.uuid4())]},
        headers=world.manager.headers,
    )
    assert enroll_draft.status_code == 409
    assert enroll_draft.json()["code"] == "cadence_state_conflict"

    statuses = [
        (await drip.act(cadence["id"], action))["status"]
        for action in ("activate", "pause", "resume", "archive")
    ]
    assert statuses == ["active", "paused", "active", "archived"]
    for action in ("activate", "pause", "resume", "archive"):
        refused = await world.client.post(
            f"/api/v1/cadences/{cadence['id']}/{action}", headers=world.manager.headers
        )
        assert refused.status_code == 409, action
        assert refused.json()["current_status"] == "archived"


async def test_agents_read_cadences_and_only_managers_write_them(world: World) -> None:
    drip = Drip(world)
    cadence = await drip.create([send("Oi")])

    written = await world.client.post(
        "/api/v1/cadences", json=drip.body([send("Oi")]), headers=world.agent.headers
    )
    paused = await world.client.post(
        f"/api/v1/cadences/{cadence['id']}/pause", headers=world.agent.headers
    )
    read = await world.client.get(f"/api/v1/cadences/{cadence['id']}", headers=world.agent.headers)

    assert (written.status_code, paused.status_code, read.status_code) == (403, 403, 200)


async def test_cadences_list_newest_first_by_status_and_name_in_pages(world: World) -> None:
    drip = Drip(world)
    first = await drip.create([send("Oi")], name="Reativação 100%")
    second = await drip.create([send("Oi")], name="Boas-vindas", activate=False)
    third = await drip.create([send("Oi")], name="Pós-venda")

    async def names(**params: Any) -> list[str]:
        response = await world.client.get(
            "/api/v1/cadences", params=params, headers=world.manager.headers
        )
        assert response.status_code == 200, response.text
        return [c["name"] for c in response.json()["items"]]

    page = await world.client.get(
        "/api/v1/cadences", params={"limit": 2}, headers=world.manager.headers
    )
    rest = await world.client.get(
        "/api/v1/cadences",
        params={"limit": 2, "cursor": page.json()["next_cursor"]},
        headers=world.manager.headers,
    )

    assert [c["id"] for c in page.json()["items"]] == [third["id"], second["id"]]
    assert [c["id"] for c in rest.json()["items"]] == [first["id"]]
    assert await names(status="draft") == ["Boas-vindas"]
    await Drip(world).enroll(first["id"], world.contacts(2))
    listed = await world.client.get(
        "/api/v1/cadences", params={"q": "100%"}, headers=world.manager.headers
    )
    counts = listed.json()["items"][0]["counts"]
    assert sum(counts.values()) == 2  # each list item counts its enrollments
    assert set(counts) <= {"active", "completed"}
    assert await names(q="100%") == ["Reativação 100%"]
    assert await names(q="_") == []


async def test_while_people_are_enrolled_texts_change_but_not_the_steps_kinds(
    world: World,
) -> None:
    drip = Drip(world)
    cadence = await drip.create([send("Oi"), wait(3600), send("Ainda por aí?")])
    await drip.enroll(cadence["id"], world.contacts(1))

    reshaped = await world.client.patch(
        f"/api/v1/cadences/{cadence['id']}",
        json={"steps": [send("Oi"), send("Ainda por aí?")]},
        headers=world.manager.headers,
    )
    reworded = await world.client.patch(
        f"/api/v1/cadences/{cadence['id']}",
        json={"steps": [send("Olá!"), wait(7200), send("Ainda por aí?")], "name": "Novo"},
        headers=world.manager.headers,
    )

    assert reshaped.status_code == 409
    assert reshaped.json()["code"] == "cadence_steps_locked"
    assert reworded.status_code == 200, reworded.text
    assert reworded.json()["name"] == "Novo"
    assert reworded.json()["steps"][1]["amount"] == 7200


async def test_a_cadence_is_deleted_only_while_nobody_was_ever_enrolled(world: World) -> None:
    drip = Drip(world)
    unused = await drip.create([send("Oi")], activate=False)
    used = await drip.create([send("Oi")])
    await drip.enroll(used["id"], world.contacts(1))

    deleted = await world.client.delete(
        f"/api/v1/cadences/{unused['id']}", headers=world.manager.headers
    )
    kept = await world.client.delete(
        f"/api/v1/cadences/{used['id']}", headers=world.manager.headers
    )
    gone = await world.client.get(f"/api/v1/cadences/{unused['id']}", headers=world.manager.headers)

    assert deleted.status_code == 204
    assert kept.status_code == 409
    assert "archive it instead" in kept.json()["detail"]
    assert gone.status_code == 404


async def test_enrolling_counts_the_new_the_already_enrolled_and_the_left_out(
    world: World,
) -> None:
    drip = Drip(world)
    cadence = await drip.create([send("Oi"), wait(3600), send("Tchau")])
    people = world.contacts(3)
    (opted_out,) = world.contacts(1, whatsapp="opted_out")
    (no_phone,) = world.crm.add(
        world.tenant_id, [{**people[0], "id": str(uuid.uuid4()), "phone": None}]
    )

    first = await drip.enroll(cadence["id"], people[:2])
    second = await drip.enroll(cadence["id"], [*people, opted_out, no_phone])

    assert first == {"enrolled": 2, "enrolled_again": 0, "already_enrolled": 0, "excluded": {}}
    assert second == {
        "enrolled": 1,
        "enrolled_again": 0,
        "already_enrolled": 2,
        "excluded": {"opted_out": 1, "no_address": 1},
    }
    read = await world.client.get(f"/api/v1/cadences/{cadence['id']}", headers=world.agent.headers)
    assert read.json()["counts"] == {"active": 3}


async def test_another_companys_cadences_and_enrollments_are_not_found(world: World) -> None:
    drip = Drip(world)
    cadence = await drip.create([send("Oi"), wait(3600), send("Tchau")])
    (person,) = world.contacts(1)
    await drip.enroll(cadence["id"], [person])
    enrollment = await drip.of(cadence["id"], person)
    stranger = world.stranger()
    base = f"/api/v1/cadences/{cadence['id']}"
    one = f"{base}/enrollments/{enrollment['id']}"

    calls = [
        ("GET", base, None),
        ("PATCH", base, {"name": "Minha"}),
        ("DELETE", base, None),
        ("POST", f"{base}/pause", None),
        ("POST", f"{base}/archive", None),
        ("POST", f"{base}/enrollments", {"contact_ids": [person["id"]]}),
        ("GET", f"{base}/enrollments", None),
        ("GET", one, None),
        ("POST", f"{one}/stop", None),
    ]
    for method, path, body in calls:
        response = await world.client.request(method, path, json=body, headers=stranger.headers)
        assert response.status_code == 404, (method, path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    listed = await world.client.get("/api/v1/cadences", headers=stranger.headers)
    assert listed.json()["items"] == []
    # Nothing of ours moved.
    assert (await drip.of(cadence["id"], person))["state"] == "active"
    still = await world.client.get(base, headers=world.manager.headers)
    assert (still.json()["status"], still.json()["name"]) == ("active", "Boas-vindas")


async def test_a_manager_stops_one_persons_enrollment(world: World) -> None:
    drip = Drip(world)
    cadence = await drip.create([send("Oi"), wait(3600), send("Tchau")])
    people = world.contacts(2)
    await drip.enroll(cadence["id"], people)
    enrollment = await drip.of(cadence["id"], people[0])

    stopped = await world.client.post(
        f"/api/v1/cadences/{cadence['id']}/enrollments/{enrollment['id']}/stop",
        headers=world.manager.headers,
    )
    again = await world.client.post(
        f"/api/v1/cadences/{cadence['id']}/enrollments/{enrollment['id']}/stop",
        headers=world.manager.headers,
    )

    assert stopped.status_code == 200, stopped.text
    assert (stopped.json()["state"], stopped.json()["reason"]) == ("stopped", "stopped_by_user")
    assert again.status_code == 409
    assert (await drip.of(cadence["id"], people[1]))["state"] == "active"
    only_stopped = await drip.enrollments(cadence["id"], state="stopped")
    assert [e["contact_id"] for e in only_stopped] == [people[0]["id"]]
