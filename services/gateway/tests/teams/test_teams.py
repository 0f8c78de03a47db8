"""``/api/v1/teams``: a company's teams, their members, who may change them, and what
another company's ids get."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import httpx
import pytest

from mia_common.identity import Role
from support.actors import Actor, Actors


async def _create(
    client: httpx.AsyncClient, who: Actor, name: str, **fields: Any
) -> dict[str, Any]:
    created = await client.post("/api/v1/teams", json={"name": name, **fields}, headers=who.headers)
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    return body


async def _audit(client: httpx.AsyncClient, owner: Actor, action: str) -> list[dict[str, Any]]:
    answer = await client.get(f"/api/v1/audit?action={action}", headers=owner.headers)
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def _problem(answer: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = answer.json()
    assert body["code"] == code
    return body


async def test_an_admin_creates_a_team_that_every_role_reads(
    client: httpx.AsyncClient, actors: Actors
) -> None:
    team = await actors.tenant()
    admin, manager, agent = team[Role.admin], team[Role.manager], team[Role.agent]

    created = await _create(
        client,
        admin,
        "  Sales   team ",
        description="Leads from the site",
        member_ids=[str(agent.user_id), str(manager.user_id), str(agent.user_id)],
    )

    assert created["name"] == "Sales team", "spaces are collapsed"
    assert created["description"] == "Leads from the site"
    assert created["member_ids"] == sorted([str(agent.user_id), str(manager.user_id)])
    assert set(created) == {"id", "name", "description", "member_ids", "created_at", "updated_at"}
    for reader in team.values():
        read = await client.get(f"/api/v1/teams/{created['id']}", headers=reader.headers)
        assert read.status_code == 200, (reader.role, read.text)
        assert read.json() == created
        listed = await client.get("/api/v1/teams", headers=reader.headers)
        assert listed.json() == {"items": [created], "next_cursor": None}
    [event] = await _audit(client, team[Role.owner], "team.created")
    assert event["actor_id"] == str(admin.user_id)
    assert event["target"] == created["id"]
    assert event["details"]["name"] == "Sales team"
    assert event["details"]["member_ids"] == created["member_ids"]


async def test_a_team_may_start_without_members_or_description(
    client: httpx.AsyncClient, actors: Actors
) -> None:
    owner = (await actors.tenant((Role.owner,)))[Role.owner]

    created = await _create(client, owner, "Support", description="   ")

    assert created["member_ids"] == []
    assert created["description"] is None, "a blank description is none"


async def test_a_name_is_taken_whatever_its_case_in_one_company_only(
    client: httpx.AsyncClient, actors: Actors
) -> None:
    owner_a = (await actors.tenant((Role.owner,)))[Role.owner]
    owner_b = (await actors.tenant((Role.owner,)))[Role.owner]
    sales = await _create(client, owner_a, "Sales")
    support = await _create(client, owner_a, "Support")

    again = await client.post("/api/v1/teams", json={"name": " SALES "}, headers=owner_a.headers)
    renamed = await client.patch(
        f"/api/v1/teams/{support['id']}", json={"name": "sales"}, headers=owner_a.headers
    )

    for answer in (again, renamed):
        assert _problem(answer, 409, "team_name_taken")["team_id"] == sales["id"]
    assert (await client.get(f"/api/v1/teams/{support['id']}", headers=owner_a.headers)).json()[
        "name"
    ] == "Support"
    await _create(client, owner_b, "Sales")  # another company's name is no conflict
    # A team keeps its own name in another case.
    recased = await client.patch(
        f"/api/v1/teams/{sales['id']}", json={"name": "SALES"}, headers=owner_a.headers
    )
    assert recased.status_code == 200, recased.text
    assert recased.json()["name"] == "SALES"


async def test_members_must_be_users_of_the_company(
    client: httpx.AsyncClient, actors: Actors
) -> None:
    team_a, team_b = await actors.tenant(), await actors.tenant()
    owner = team_a[Role.owner]
    stranger, nobody = team_b[Role.agent].user_id, uuid.uuid4()
    kept = await _create(client, owner, "Kept", member_ids=[str(team_a[Role.agent].user_id)])

    created = await client.post(
        "/api/v1/teams",
        json={"name": "Mixed", "member_ids": [str(team_a[Role.agent].user_id), str(stranger)]},
        headers=owner.headers,
    )
    changed = await client.patch(
        f"/api/v1/teams/{kept['id']}",
        json={"member_ids": [str(nobody), str(stranger)]},
        headers=owner.headers,
    )

    assert _problem(created, 422, "member_unknown")["user_ids"] == [str(stranger)]
    assert _problem(changed, 422, "member_unknown")["user_ids"] == sorted(
        [str(nobody), str(stranger)]
    )
    assert str(stranger) in changed.json()["detail"]
    listed = (await client.get("/api/v1/teams", headers=owner.headers)).json()["items"]
    assert [(t["name"], t["member_ids"]) for t in listed] == [
        ("Kept", [str(team_a[Role.agent].user_id)])
    ]
    assert await _audit(client, team_b[Role.owner], "team.created") == []


async def test_member_ids_replace_the_whole_set_and_move_updated_at(
    client: httpx.AsyncClient, actors: Actors
) -> None:
    team = await actors.tenant()
    owner, manager, agent = team[Role.owner], team[Role.manager], team[Role.agent]
    created = await _create(
        client,
        owner,
        "Night shift",
        description="22h-6h",
        member_ids=[str(manager.user_id), str(agent.user_id)],
    )

    replaced = await client.patch(
        f"/api/v1/teams/{created['id']}",
        json={"member_ids": [str(agent.user_id), str(owner.user_id)]},
        headers=owner.headers,
    )

    assert replaced.status_code == 200, replaced.text
    body = replaced.json()
    assert body["member_ids"] == sorted([str(agent.user_id), str(owner.user_id)])
    assert (body["name"], body["description"]) == ("Night shift", "22h-6h")
    assert datetime.fromisoformat(body["updated_at"]) > datetime.fromisoformat(
        created["updated_at"]
    )
    assert body["created_at"] == created["created_at"]
    [event] = await _audit(client, owner, "team.updated")
    assert event["details"] == {
        "members_added": [str(owner.user_id)],
        "members_removed": [str(manager.user_id)],
    }

    renamed = await client.patch(
        f"/api/v1/teams/{created['id']}",
        json={"name": "Late shift", "description": None},
        headers=owner.headers,
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["member_ids"] == body["member_ids"], "absent member_ids: unchanged"
    assert renamed.json()["description"] is None, "null: removed"

    emptied = await client.patch(
        f"/api/v1/teams/{created['id']}", json={"member_ids": []}, headers=owner.headers
    )
    assert emptied.json()["member_ids"] == []
    unchanged = await client.patch(f"/api/v1/teams/{created['id']}", json={}, headers=owner.headers)
    assert unchanged.json() == emptied.json()
    assert len(await _audit(client, owner, "team.updated")) == 3, "an empty change is no event"


async def test_deleting_a_team_keeps_its_users(client: httpx.AsyncClient, actors: Actors) -> None:
    team = await actors.tenant()
    admin, agent = team[Role.admin], team[Role.agent]
    created = await _create(client, admin, "Gone soon", member_ids=[str(agent.user_id)])

    deleted = await client.delete(f"/api/v1/teams/{created['id']}", headers=admin.headers)

    assert deleted.status_code == 204
    _problem(
        await client.get(f"/api/v1/teams/{created['id']}", headers=admin.headers),
        404,
        "team_not_found",
    )
    _problem(
        await client.delete(f"/api/v1/teams/{created['id']}", headers=admin.headers),
        404,
        "team_not_found",
    )
    assert (await client.get("/api/v1/teams", headers=admin.headers)).json()["items"] == []
    user = await client.get(f"/api/v1/users/{agent.user_id}", headers=admin.headers)
    assert user.status_code == 200
    assert (await client.get("/api/v1/me", headers=agent.headers)).status_code == 200
    [event] = await _audit(client, team[Role.owner], "team.deleted")
    assert (event["target"], event["details"]) == (created["id"], {"name": "Gone soon"})
    # The name is free again.
    await _create(client, admin, "gone SOON")


async def test_a_disabled_member_stays_in_the_team(
    client: httpx.AsyncClient, actors: Actors
) -> None:
    team = await actors.tenant()
    owner, agent = team[Role.owner], team[Role.agent]
    created = await _create(client, owner, "Support", member_ids=[str(agent.user_id)])

    disabled = await client.post(f"/api/v1/users/{agent.user_id}/disable", headers=owner.headers)

    assert disabled.status_code == 200
    read = await client.get(f"/api/v1/teams/{created['id']}", headers=owner.headers)
    assert read.json()["member_ids"] == [str(agent.user_id)]
    # ... and may be named again when the set is sent back whole.
    again = await client.patch(
        f"/api/v1/teams/{created['id']}",
        json={"member_ids": [str(agent.user_id)]},
        headers=owner.headers,
    )
    assert again.status_code == 200, again.text


async def test_teams_are_listed_by_name_searched_and_paged(
    client: httpx.AsyncClient, actors: Actors
) -> None:
    agent_team = await actors.tenant((Role.owner, Role.agent))
    owner, agent = agent_team[Role.owner], agent_team[Role.agent]
    for name in ("beta", "Alpha 2", "gamma", "alpha", "Ω|pipe"):
        await _create(client, owner, name)

    first = (await client.get("/api/v1/teams?limit=2", headers=agent.headers)).json()
    second = (
        await client.get(
            f"/api/v1/teams?limit=2&cursor={first['next_cursor']}", headers=agent.headers
        )
    ).json()
    third = (
        await client.get(
            f"/api/v1/teams?limit=2&cursor={second['next_cursor']}", headers=agent.headers
        )
    ).json()

    assert [t["name"] for t in first["items"]] == ["alpha", "Alpha 2"]
    assert [t["name"] for t in second["items"]] == ["beta", "gamma"]
    assert [t["name"] for t in third["items"]] == ["Ω|pipe"]
    assert third["next_cursor"] is None
    found = (await client.get("/api/v1/teams?q=ALP", headers=agent.headers)).json()["items"]
    assert [t["name"] for t in found] == ["alpha", "Alpha 2"]
    literal = (await client.get("/api/v1/teams?q=%25", headers=agent.headers)).json()["items"]
    assert literal == [], "% is a character, not a wildcard"
    _problem(
        await client.get("/api/v1/teams?cursor=not-ours", headers=agent.headers),
        400,
        "invalid_cursor",
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "a\u0000b"}, "name"),
        ({"name": "ok", "description": "d" * 501}, "description"),
        ({"name": "ok", "member_ids": ["not-a-uuid"]}, "member_ids"),
        ({"name": "ok", "member_ids": "everyone"}, "member_ids"),
    ],
)
async def test_bad_input_names_the_field(
    body: dict[str, Any], field: str, client: httpx.AsyncClient, actors: Actors
) -> None:
    owner = (await actors.tenant((Role.owner,)))[Role.owner]
    team = await _create(client, owner, "Existing")

    created = await client.post("/api/v1/teams", json=body, headers=owner.headers)
    changed = await client.patch(
        f"/api/v1/teams/{team['id']}",
        json={k: v for k, v in body.items() if k != "name" or field == "name"},
        headers=owner.headers,
    )

    assert created.status_code == 422, created.text
    assert created.headers["content-type"] == "application/problem+json"
    assert [e["loc"][:2] for e in created.json()["errors"]] == [["body", field]]
    if body:  # PATCH with nothing is no change, not an error
        assert changed.status_code == 422, changed.text
        assert changed.json()["errors"][0]["loc"][:2] == ["body", field]


@pytest.mark.parametrize("role", [Role.manager, Role.agent], ids=lambda role: role.value)
async def test_below_admin_nobody_changes_teams(
    role: Role, client: httpx.AsyncClient, actors: Actors
) -> None:
    team = await actors.tenant()
    who = team[role]
    created = await _create(client, team[Role.admin], "Sales")
    url = f"/api/v1/teams/{created['id']}"

    for answer in (
        await client.post("/api/v1/teams", json={"name": "Mine"}, headers=who.headers),
        await client.patch(url, json={"name": "Mine"}, headers=who.headers),
        await client.patch(url, json={"member_ids": [str(who.user_id)]}, headers=who.headers),
        await client.delete(url, headers=who.headers),
    ):
        _problem(answer, 403, "role_required")
    assert (await client.get(url, headers=who.headers)).json() == created


async def test_an_api_key_of_admin_role_manages_teams(
    client: httpx.AsyncClient, actors: Actors
) -> None:
    owner = (await actors.tenant((Role.owner,)))[Role.owner]
    key = (
        await client.post(
            "/api/v1/api-keys", json={"name": "sync", "role": "admin"}, headers=owner.headers
        )
    ).json()

    created = await client.post(
        "/api/v1/teams", json={"name": "From the ERP"}, headers={"X-Api-Key": key["key"]}
    )

    assert created.status_code == 201, created.text
    [event] = await _audit(client, owner, "team.created")
    assert (event["actor_kind"], event["actor_id"]) == ("api_key", key["id"])


@pytest.mark.parametrize(
    ("method", "body"),
    [
        ("GET", None),
        ("PATCH", {"name": "pwned"}),
        ("PATCH", {"member_ids": []}),
        ("DELETE", None),
    ],
)
async def test_another_companys_team_is_not_found_and_nothing_changes(
    method: str, body: dict[str, Any] | None, client: httpx.AsyncClient, actors: Actors
) -> None:
    team_a, team_b = await actors.tenant(), await actors.tenant()
    owner_a, owner_b = team_a[Role.owner], team_b[Role.owner]
    theirs = await _create(client, owner_b, "Theirs", member_ids=[str(team_b[Role.agent].user_id)])

    foreign = await client.request(
        method, f"/api/v1/teams/{theirs['id']}", json=body, headers=owner_a.headers
    )
    nobody = await client.request(
        method, f"/api/v1/teams/{uuid.uuid4()}", json=body, headers=owner_a.headers
    )

    for answer in (foreign, nobody):
        _problem(answer, 404, "team_not_found")
    assert (
        await client.get(f"/api/v1/teams/{theirs['id']}", headers=owner_b.headers)
    ).json() == theirs
    assert (await client.get("/api/v1/teams", headers=owner_a.headers)).json()["items"] == []
    assert await _audit(client, owner_a, "team.updated") == []
    assert await _audit(client, owner_b, "team.updated") == []


async def test_lists_show_only_the_callers_company(
    client: httpx.AsyncClient, actors: Actors
) -> None:
    owner_a = (await actors.tenant((Role.owner,)))[Role.owner]
    owner_b = (await actors.tenant((Role.owner,)))[Role.owner]
    ours = await _create(client, owner_a, "Support")
    await _create(client, owner_b, "Support")
    await _create(client, owner_b, "Sales")

    listed = (await client.get("/api/v1/teams?limit=200", headers=owner_a.headers)).json()
    searched = (await client.get("/api/v1/teams?q=sa", headers=owner_a.headers)).json()

    assert listed["items"] == [ours]
    assert searched["items"] == []
