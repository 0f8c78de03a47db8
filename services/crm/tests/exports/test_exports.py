"""Exports of contacts as CSV: streamed, or written by a job and downloaded."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

from sqlalchemy import insert

from mia_common.identity import Role
from mia_crm.models import ContactTag, CustomField, Segment, Tag
from support.bulk_jobs import finished, start
from support.contact_rows import add_contact, add_contacts
from support.world import World

BOM = b"\xef\xbb\xbf"


def rows_of(body: bytes, delimiter: str = ",") -> list[dict[str, str]]:
    assert body.startswith(BOM), "Excel needs the byte order mark to read UTF-8"
    text = body[len(BOM) :].decode("utf-8")
    assert "\r\n" in text
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


async def define_fields(world: World) -> None:
    async with world.app.state.context.infra.sessions() as session, session.begin():
        await session.execute(
            insert(CustomField),
            [
                {
                    "tenant_id": world.tenant_id,
                    "key": "city",
                    "label": "Cidade",
                    "kind": "text",
                    "position": 0,
                },
                {
                    "tenant_id": world.tenant_id,
                    "key": "interests",
                    "label": "Interesses",
                    "kind": "multi_select",
                    "options": ["vinho", "café"],
                    "position": 1,
                },
            ],
        )


async def tag_contact(world: World, contact_id: uuid.UUID, name: str) -> uuid.UUID:
    async with world.app.state.context.infra.sessions() as session, session.begin():
        tag_id = await session.scalar(
            insert(Tag)
            .values(tenant_id=world.tenant_id, name=name, color="#00aa00")
            .returning(Tag.id)
        )
        await session.execute(
            insert(ContactTag).values(
                tenant_id=world.tenant_id, contact_id=contact_id, tag_id=tag_id
            )
        )
    assert tag_id is not None
    return tag_id


async def export(world: World, params: dict[str, Any] | None = None, **kwargs: Any) -> bytes:
    response = await world.client.get(
        "/api/v1/exports/contacts.csv", params=params or {}, headers=world.manager.headers
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    return response.content


async def test_the_export_is_utf8_with_a_bom_and_holds_profile_tags_and_chosen_fields(
    world: World,
) -> None:
    await define_fields(world)
    joao = await add_contact(
        world,
        name="João Ávila",
        phone="+5511987650501",
        email="joao@example.com",
        lifecycle_stage="customer",
        fields={"city": "São Paulo", "interests": ["vinho", "café"], "secret": "x"},
    )
    await tag_contact(world, joao, "Clientes ações")
    await add_contact(world, name='=HYPERLINK("http://evil")', phone="+5521987650502")

    rows = rows_of(await export(world, {"field_keys": ["city", "interests"]}))

    by_name = {row["name"]: row for row in rows}
    assert set(by_name) == {"João Ávila", '\'=HYPERLINK("http://evil")'}
    row = by_name["João Ávila"]
    assert row["id"] == str(joao)
    assert row["phone"] == "+5511987650501", "a phone number is data, not a formula"
    assert (row["email"], row["lifecycle_stage"]) == ("joao@example.com", "customer")
    assert row["time_zone"] == "America/Sao_Paulo"
    assert row["tags"] == "Clientes ações"
    assert (row["city"], row["interests"]) == ("São Paulo", "vinho; café")
    assert "secret" not in row, "only the fields asked for"


async def test_semicolons_for_excel_in_portuguese(world: World) -> None:
    await add_contact(world, name="Ana; Bia", phone="+5511987650503")

    rows = rows_of(await export(world, {"delimiter": "semicolon"}), delimiter=";")

    assert [row["name"] for row in rows] == ["Ana; Bia"]


async def test_a_segments_export_holds_only_its_members_in_batches(world: World) -> None:
    customers = await add_contacts(
        world, *({"lifecycle_stage": "customer", "name": f"c{n}"} for n in range(2_345))
    )
    await add_contacts(world, {"lifecycle_stage": "lead", "name": "not a member"})
    async with world.app.state.context.infra.sessions() as session, session.begin():
        segment_id = await session.scalar(
            insert(Segment)
            .values(
                tenant_id=world.tenant_id,
                name="Customers",
                filter={"condition": "lifecycle_stage", "stages": ["customer"]},
            )
            .returning(Segment.id)
        )

    rows = rows_of(await export(world, {"segment_id": str(segment_id)}))

    assert [row["id"] for row in rows] == [str(c) for c in sorted(customers)]


async def test_a_selection_is_exported_without_another_tenants_contacts(world: World) -> None:
    mine = await add_contact(world, name="Mine")
    stranger = world.stranger(Role.owner)
    stranger_world = World(world.app, world.settings, world.client, world.gateway)
    stranger_world.tenant_id = stranger.tenant_id
    theirs = await add_contact(stranger_world, name="Theirs")

    response = await world.client.post(
        "/api/v1/exports/contacts.csv",
        json={"selection": [str(mine), str(theirs)]},
        headers=world.manager.headers,
    )

    assert response.status_code == 200, response.text
    assert [row["name"] for row in rows_of(response.content)] == ["Mine"]


async def test_another_tenants_segment_and_export_job_are_not_found(world: World) -> None:
    await add_contact(world, name="Ana")
    job = await finished(
        world,
        (
            await start(
                world,
                {
                    "action": "export",
                    "filter": {"condition": "lifecycle_stage", "stages": ["lead"]},
                },
            )
        )["id"],
    )
    stranger = world.stranger(Role.owner)

    for method, path, params in [
        ("GET", "/api/v1/exports/contacts.csv", {"segment_id": str(uuid.uuid4())}),
        ("GET", f"/api/v1/exports/{job['id']}/contacts.csv", {}),
    ]:
        response = await world.client.request(method, path, params=params, headers=stranger.headers)
        assert response.status_code == 404, (path, response.text)
        assert response.headers["content-type"] == "application/problem+json"


async def test_an_agent_may_not_export(world: World) -> None:
    response = await world.client.get("/api/v1/exports/contacts.csv", headers=world.agent.headers)

    assert response.status_code == 403


async def test_an_export_job_writes_a_file_to_download(world: World) -> None:
    await define_fields(world)
    ids = await add_contacts(
        world, *({"name": f"Zé {n}", "fields": {"city": "Recife"}} for n in range(2_100))
    )

    job = await start(
        world,
        {
            "action": "export",
            "selection": [str(i) for i in ids],
            "params": {"field_keys": ["city"], "delimiter": "semicolon"},
        },
    )
    assert job["kind"] == "contacts.export"
    done = await finished(world, job["id"])

    assert (done["total"], done["succeeded"]) == (2_100, 2_100)
    assert done["result"]["rows"] == 2_100
    download = await world.client.get(done["result"]["download"], headers=world.manager.headers)
    assert download.status_code == 200, download.text
    rows = rows_of(download.content, delimiter=";")
    assert [row["id"] for row in rows] == [str(i) for i in sorted(ids)]
    assert {row["city"] for row in rows} == {"Recife"}
    assert rows[0]["name"].startswith("Zé")


async def test_an_unknown_field_column_is_refused(world: World) -> None:
    response = await world.client.get(
        "/api/v1/exports/contacts.csv",
        params={"field_keys": ["nope"]},
        headers=world.manager.headers,
    )

    assert response.status_code == 422
