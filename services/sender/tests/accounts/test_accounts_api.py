"""The channel accounts API: create, read, change, pause, resume, test, delete; secrets
sealed at rest and never shown; every change published as the account's state."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

import httpx
from sqlalchemy import text

from mia_common.contracts.channels import (
    access_token_associated_data,
    app_secret_associated_data,
)
from mia_common.crypto import KeyRing
from mia_common.identity import Role
from mia_common.testing.kafka import TopicReader
from support.bodies import sms_body, whatsapp_body
from support.world import Company, World

ACCOUNTS = "/api/v1/channels/accounts"


async def create(client: httpx.AsyncClient, company: Company, body: dict[str, Any]) -> Any:
    response = await client.post(ACCOUNTS, json=body, headers=company.headers())
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_whatsapp_account_is_created_with_defaults_and_its_secrets_hidden(
    client: httpx.AsyncClient,
) -> None:
    company = Company()
    body = whatsapp_body()

    account = await create(client, company, body)

    assert account["channel"] == "whatsapp_cloud"
    assert account["status"] == "active"
    assert account["throughput_per_second"] == 80
    assert account["messaging_tier"] == "250"
    assert account["access_token"] == {"configured": True, "last4": body["access_token"][-4:]}
    assert account["app_secret"] == {"configured": True, "last4": body["app_secret"][-4:]}
    assert account["auth_token"] is None
    shown = await client.get(f"{ACCOUNTS}/{account['id']}", headers=company.headers(Role.agent))
    assert shown.json() == account
    assert body["access_token"] not in shown.text
    assert body["app_secret"] not in shown.text


async def test_secrets_are_sealed_at_rest_bound_to_the_account(
    client: httpx.AsyncClient, world: World
) -> None:
    body = whatsapp_body()
    account = await create(client, Company(), body)

    async with world.session_factory() as session:
        row = (
            await session.execute(
                text(
                    "SELECT access_token_sealed, app_secret_sealed FROM channel_accounts "
                    "WHERE id = :id"
                ),
                {"id": uuid.UUID(account["id"])},
            )
        ).one()
    assert body["access_token"] not in row.access_token_sealed
    assert body["app_secret"] not in row.app_secret_sealed
    assert row.access_token_sealed.startswith("v1.")
    ring = KeyRing.from_settings(world.settings)
    account_id = uuid.UUID(account["id"])
    assert (
        ring.decrypt_text(
            row.access_token_sealed, associated_data=access_token_associated_data(account_id)
        )
        == body["access_token"]
    )
    assert (
        ring.decrypt_text(
            row.app_secret_sealed, associated_data=app_secret_associated_data(account_id)
        )
        == body["app_secret"]
    )


async def test_every_change_publishes_the_state_with_secrets_that_unseal(
    client: httpx.AsyncClient, world: World, states: TopicReader
) -> None:
    company = Company()
    body = whatsapp_body()
    account = await create(client, company, body)
    account_id = uuid.UUID(account["id"])
    new_token = "EAAG" + secrets.token_urlsafe(24)

    await client.patch(
        f"{ACCOUNTS}/{account_id}",
        json={"display_name": "Loja Sul", "access_token": new_token},
        headers=company.headers(),
    )
    await client.post(f"{ACCOUNTS}/{account_id}/pause", headers=company.headers())
    await client.post(f"{ACCOUNTS}/{account_id}/resume", headers=company.headers())
    await client.delete(f"{ACCOUNTS}/{account_id}", headers=company.headers())

    published = await states.wait_for(
        lambda r: r.data["channel_account_id"] == str(account_id), count=5
    )
    assert [r.data["status"] for r in published] == [
        "active",
        "active",
        "paused",
        "active",
        "deleted",
    ]
    assert all(r.key == str(account_id).encode() for r in published)
    assert all(r.envelope["tenantid"] == str(company.tenant_id) for r in published)
    times = [r.data["updated_at"] for r in published]
    assert times == sorted(times)
    assert len(set(times)) == 5  # strictly newer each time
    ring = KeyRing.from_settings(world.settings)
    created, renamed = published[0].data, published[1].data
    assert created["phone_number_id"] == body["phone_number_id"]
    assert created["waba_id"] == body["waba_id"]
    assert renamed["display_name"] == "Loja Sul"
    assert (
        ring.decrypt_text(
            created["app_secret_sealed"], associated_data=app_secret_associated_data(account_id)
        )
        == body["app_secret"]
    )
    assert (
        ring.decrypt_text(
            renamed["access_token_sealed"],
            associated_data=access_token_associated_data(account_id),
        )
        == new_token
    )
    deleted = published[-1].data
    assert deleted["app_secret_sealed"] is None
    assert deleted["access_token_sealed"] is None


async def test_an_sms_account_keeps_its_auth_token_sealed_and_the_webhooks_can_open_it(
    client: httpx.AsyncClient, world: World
) -> None:
    company = Company()
    body = sms_body()

    account = await create(client, company, body)

    assert account["channel"] == "sms"
    assert account["provider"] == "twilio"
    assert account["account_sid"] == body["account_sid"]
    assert account["auth_token"] == {"configured": True, "last4": body["auth_token"][-4:]}
    assert account["access_token"] is None
    assert account["throughput_per_second"] is None
    lookup = world.app.state.context.sms_accounts
    credentials = await lookup(uuid.UUID(account["id"]))
    assert credentials.auth_token == body["auth_token"]
    assert credentials.tenant_id == company.tenant_id
    assert credentials.from_number == body["from_number"]
    assert credentials.status == "active"
    assert await lookup(uuid.uuid4()) is None


async def test_invalid_bodies_are_refused_with_problem_details(
    client: httpx.AsyncClient,
) -> None:
    company = Company()
    cases = [
        whatsapp_body(phone_number="11999990000"),  # not E.164
        whatsapp_body(phone_number_id="abc"),
        whatsapp_body(access_token=None),
        whatsapp_body(messaging_tier="500"),
        whatsapp_body(throughput_per_second=0),
        whatsapp_body(channel="telegram"),
        whatsapp_body(unexpected="field"),
        sms_body(from_number=None),  # neither a number nor a messaging service
        sms_body(account_sid="not-a-sid"),
    ]
    for body in cases:
        response = await client.post(ACCOUNTS, json=body, headers=company.headers())
        assert response.status_code == 422, body
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"]


async def test_a_meta_number_belongs_to_one_live_account(client: httpx.AsyncClient) -> None:
    owner, other = Company(), Company()
    body = whatsapp_body()
    first = await create(client, owner, body)
    number = {"phone_number_id": body["phone_number_id"]}

    taken = await client.post(ACCOUNTS, json=whatsapp_body(**number), headers=other.headers())
    mine = await create(client, other, whatsapp_body())
    moved = await client.patch(f"{ACCOUNTS}/{mine['id']}", json=number, headers=other.headers())

    assert taken.status_code == 409
    assert taken.headers["content-type"] == "application/problem+json"
    assert moved.status_code == 409
    # Once the first account is deleted, the number may be connected again.
    await client.delete(f"{ACCOUNTS}/{first['id']}", headers=owner.headers())
    moved = await client.patch(f"{ACCOUNTS}/{mine['id']}", json=number, headers=other.headers())
    assert moved.status_code == 200


async def test_updates_name_only_what_applies_to_the_channel(client: httpx.AsyncClient) -> None:
    company = Company()
    account = await create(client, company, whatsapp_body())
    url = f"{ACCOUNTS}/{account['id']}"

    changed = await client.patch(
        url,
        json={"throughput_per_second": 250, "messaging_tier": "10000"},
        headers=company.headers(),
    )
    wrong_channel = await client.patch(
        url, json={"auth_token": "x" * 16}, headers=company.headers()
    )
    cleared = await client.patch(url, json={"waba_id": None}, headers=company.headers())
    optional_cleared = await client.patch(
        url, json={"business_id": None}, headers=company.headers()
    )

    assert changed.status_code == 200
    assert (changed.json()["throughput_per_second"], changed.json()["messaging_tier"]) == (
        250,
        "10000",
    )
    assert wrong_channel.status_code == 422
    assert cleared.status_code == 422
    assert optional_cleared.status_code == 200
    assert optional_cleared.json()["business_id"] is None


async def test_accounts_are_listed_in_pages_and_deleted_ones_disappear(
    client: httpx.AsyncClient,
) -> None:
    company = Company()
    made = [await create(client, company, whatsapp_body()) for _ in range(3)]
    sms = await create(client, company, sms_body())

    first = await client.get(ACCOUNTS, params={"limit": 2}, headers=company.headers(Role.agent))
    second = await client.get(
        ACCOUNTS,
        params={"limit": 2, "cursor": first.json()["next_cursor"]},
        headers=company.headers(Role.agent),
    )
    only_sms = await client.get(ACCOUNTS, params={"channel": "sms"}, headers=company.headers())

    ids = [a["id"] for a in first.json()["items"] + second.json()["items"]]
    assert ids == [a["id"] for a in [*made, sms]]
    assert second.json()["next_cursor"] is None
    assert [a["id"] for a in only_sms.json()["items"]] == [sms["id"]]

    deleted = await client.delete(f"{ACCOUNTS}/{made[0]['id']}", headers=company.headers())
    assert deleted.status_code == 204
    after = await client.get(ACCOUNTS, headers=company.headers())
    assert made[0]["id"] not in [a["id"] for a in after.json()["items"]]
    gone = await client.get(f"{ACCOUNTS}/{made[0]['id']}", headers=company.headers())
    assert gone.status_code == 404


async def test_the_test_call_proves_the_credentials_with_meta(
    client: httpx.AsyncClient, world: World
) -> None:
    account = await world.whatsapp_account()
    url = f"{ACCOUNTS}/{account.id}"
    headers = account.company.headers()

    good = await client.post(f"{url}/test", headers=headers)
    await client.patch(url, json={"access_token": "EAAG-revoked-token"}, headers=headers)
    bad = await client.post(f"{url}/test", headers=headers)

    assert good.status_code == 200
    assert good.json()["ok"] is True
    assert good.json()["details"]["id"] == account.phone_number_id
    assert bad.status_code == 200
    assert bad.json()["ok"] is False
    assert bad.json()["error"]["code"] == "190"


async def test_limits_of_a_fresh_number_show_its_whole_tier(
    client: httpx.AsyncClient, world: World
) -> None:
    account = await world.whatsapp_account(tier="2000")

    limits = await client.get(
        f"{ACCOUNTS}/{account.id}/limits", headers=account.company.headers(Role.agent)
    )

    assert limits.status_code == 200
    assert limits.json() | {"portfolio": None} == {
        "channel_account_id": str(account.id),
        "portfolio": None,
        "tier": "2000",
        "limit": 2000,
        "used": 0,
        "remaining": 2000,
        "resets_at": None,
    }
    assert limits.json()["portfolio"] == f"business:{account.body['business_id']}"


async def test_another_companys_account_is_not_found_on_every_endpoint(
    client: httpx.AsyncClient,
) -> None:
    owner, stranger = Company(), Company()
    account = await create(client, owner, whatsapp_body())
    url = f"{ACCOUNTS}/{account['id']}"
    headers = stranger.headers()

    answers = [
        await client.get(url, headers=headers),
        await client.patch(url, json={"display_name": "mine now"}, headers=headers),
        await client.post(f"{url}/pause", headers=headers),
        await client.post(f"{url}/resume", headers=headers),
        await client.post(f"{url}/test", headers=headers),
        await client.get(f"{url}/limits", headers=headers),
        await client.delete(url, headers=headers),
    ]

    assert [a.status_code for a in answers] == [404] * len(answers)
    assert all(a.headers["content-type"] == "application/problem+json" for a in answers)
    listed = await client.get(ACCOUNTS, headers=headers)
    assert listed.json()["items"] == []
    still = await client.get(url, headers=owner.headers())
    assert (still.json()["display_name"], still.json()["status"]) == ("Loja Centro", "active")


async def test_agents_and_managers_may_look_but_only_admins_change(
    client: httpx.AsyncClient,
) -> None:
    company = Company()
    account = await create(client, company, whatsapp_body())
    url = f"{ACCOUNTS}/{account['id']}"

    for role in (Role.agent, Role.manager):
        headers = company.headers(role)
        assert (await client.get(ACCOUNTS, headers=headers)).status_code == 200
        assert (await client.get(url, headers=headers)).status_code == 200
        assert (await client.get(f"{url}/limits", headers=headers)).status_code == 200
        assert (await client.get("/api/v1/channels/alerts", headers=headers)).status_code == 200
        refused = [
            await client.post(ACCOUNTS, json=whatsapp_body(), headers=headers),
            await client.patch(url, json={"display_name": "x"}, headers=headers),
            await client.post(f"{url}/pause", headers=headers),
            await client.post(f"{url}/resume", headers=headers),
            await client.post(f"{url}/test", headers=headers),
            await client.delete(url, headers=headers),
        ]
        assert [r.status_code for r in refused] == [403] * len(refused), role
    owner = company.headers(Role.owner)
    assert (await client.patch(url, json={"display_name": "y"}, headers=owner)).status_code == 200
    assert (await client.get(ACCOUNTS)).status_code == 401


async def test_alerts_are_listed_newest_first_per_company(
    client: httpx.AsyncClient, world: World
) -> None:
    company = Company()
    account = await create(client, company, whatsapp_body())
    url = f"{ACCOUNTS}/{account['id']}"
    for _ in range(3):
        await client.post(f"{url}/pause", headers=company.headers())
        await client.post(f"{url}/resume", headers=company.headers())  # raises "resumed"
    stranger = Company()
    await create(client, stranger, whatsapp_body())

    first = await client.get(
        "/api/v1/channels/alerts", params={"limit": 2}, headers=company.headers(Role.agent)
    )
    rest = await client.get(
        "/api/v1/channels/alerts",
        params={"limit": 2, "cursor": first.json()["next_cursor"]},
        headers=company.headers(Role.agent),
    )
    theirs = await client.get("/api/v1/channels/alerts", headers=stranger.headers())
    filtered = await client.get(
        "/api/v1/channels/alerts",
        params={"channel_account_id": account["id"], "kind": "spam_limit"},
        headers=company.headers(),
    )

    items = first.json()["items"] + rest.json()["items"]
    assert [a["kind"] for a in items] == ["resumed"] * 3
    assert [a["occurred_at"] for a in items] == sorted(
        (a["occurred_at"] for a in items), reverse=True
    )
    assert rest.json()["next_cursor"] is None
    assert theirs.json()["items"] == []
    assert filtered.json()["items"] == []
