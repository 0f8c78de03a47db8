"""An import's owner column (``owner_user_id``) under the owner rule: managers and above
only (an agent's start is refused, 403 ``owner_not_allowed``); each distinct user it names
is asked of the gateway once, at the start, and a row naming an unknown or deactivated
user is rejected with its column and why, as any other bad row."""

from __future__ import annotations

import uuid

import pytest
from imports.importer import Importer

from mia_common.identity import Role
from support.world import World

MAPPING = [
    {"column": 0, "field": "name"},
    {"column": 1, "field": "phone"},
    {"column": 2, "field": "owner_user_id"},
]


def _file(*rows: tuple[str, str, str]) -> bytes:
    lines = ["Nome,Telefone,Responsável"] + [",".join(row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


async def test_an_agent_may_not_import_an_owner_column(world: World, importer: Importer) -> None:
    agent = world.agent
    uploaded = await importer.upload(
        _file(("Ana", "+5511987650001", str(agent.user_id))), caller=agent
    )
    asked_before = len(world.gateway.calls)

    response = await world.client.post(
        f"/api/v1/imports/{uploaded['id']}/start",
        json={"mapping": MAPPING},
        headers=agent.headers,
    )

    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "owner_not_allowed"
    assert "owner column" in problem["detail"]
    assert len(world.gateway.calls) == asked_before
    after = await world.get(f"/api/v1/imports/{uploaded['id']}")
    assert (after["status"], after["job_id"]) == ("ready", None), "not started"
    assert await importer.contacts() == {}


async def test_an_agent_imports_the_same_file_without_the_owner_column(
    world: World, importer: Importer
) -> None:
    agent = world.agent
    uploaded = await importer.upload(
        _file(("Ana", "+5511987650001", str(world.caller(Role.agent).user_id))), caller=agent
    )

    started = await importer.start(uploaded["id"], {"mapping": MAPPING[:2]}, caller=agent)
    job = await importer.finished(started["job_id"])

    assert job["status"] == "succeeded", job
    assert (await importer.contacts())["+5511987650001"].owner_user_id is None


@pytest.mark.parametrize("role", [Role.manager, Role.admin, Role.owner])
async def test_managers_import_owners_the_gateway_knows_and_rows_naming_others_are_rejected(
    world: World, importer: Importer, role: Role
) -> None:
    boss = world.caller(role)
    colleague, former = world.caller(Role.agent), world.caller(Role.agent)
    world.gateway.deactivate(former.user_id)
    nobody = uuid.uuid4()
    stranger = world.stranger(Role.agent)  # another tenant's user: nobody here
    uploaded = await importer.upload(
        _file(
            ("Ana", "+5511987650001", str(colleague.user_id)),
            ("Bia", "+5511987650002", str(nobody)),
            ("Caio", "+5511987650003", str(colleague.user_id)),
            ("Duda", "+5511987650004", str(former.user_id)),
            ("Edu", "+5511987650005", ""),
            ("Fabi", "+5511987650006", str(stranger.user_id)),
            ("Gabi", "+5511987650007", f" {str(colleague.user_id).upper()} "),
        ),
        caller=boss,
    )

    started = await importer.start(uploaded["id"], {"mapping": MAPPING}, caller=boss)
    job = await importer.finished(started["job_id"])

    assert job["status"] == "succeeded", job
    contacts = await importer.contacts()
    assert {phone: contact.owner_user_id for phone, contact in contacts.items()} == {
        "+5511987650001": colleague.user_id,
        "+5511987650003": colleague.user_id,
        "+5511987650005": None,
        "+5511987650007": colleague.user_id,
    }
    counts = (await world.get(f"/api/v1/imports/{uploaded['id']}"))["counts"]
    assert (counts["created"], counts["rejected"]) == (4, 3)
    report = await importer.report(uploaded["id"])
    reasons = {line[0]: (line[1], line[2]) for line in report[1:]}
    assert reasons == {
        "3": ("Responsável", f"no user {nobody} in this tenant"),
        "5": ("Responsável", f"user {former.user_id} is deactivated and cannot own contacts"),
        "7": ("Responsável", f"no user {stranger.user_id} in this tenant"),
    }
    for user in (colleague.user_id, nobody, former.user_id):
        assert len(world.gateway.calls_about(user)) == 1, "each distinct id asked once"
    assert all(call.token == boss.headers["X-Mia-Identity"] for call in world.gateway.calls[-4:])


async def test_an_import_whose_owners_cannot_be_checked_is_not_started(
    world: World, importer: Importer
) -> None:
    boss = world.manager
    uploaded = await importer.upload(
        _file(("Ana", "+5511987650001", str(world.agent.user_id))), caller=boss
    )

    async with world.gateway.failing():
        response = await world.client.post(
            f"/api/v1/imports/{uploaded['id']}/start",
            json={"mapping": MAPPING},
            headers=boss.headers,
        )

    assert response.status_code == 503, response.text
    assert response.json()["code"] == "gateway_unavailable"
    after = await world.get(f"/api/v1/imports/{uploaded['id']}")
    assert after["job_id"] is None
    started = await importer.start(uploaded["id"], {"mapping": MAPPING}, caller=boss)
    assert (await importer.finished(started["job_id"]))["status"] == "succeeded"
    contacts = await importer.contacts()
    assert contacts["+5511987650001"].owner_user_id == world.agent.user_id
