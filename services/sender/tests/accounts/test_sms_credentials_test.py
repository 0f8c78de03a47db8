"""``POST .../test`` of an SMS account: one fetch of the Twilio Account resource with the
stored SID and auth token (the fake Twilio), and what is wrong said in words: the
credentials, the account's status at Twilio, Twilio away. Testing never changes the
account, and another company's account is not found (nor is Twilio asked)."""

from __future__ import annotations

import secrets
import uuid

import httpx

from mia_common.identity import Role
from support.fake_twilio import FakeAccount, FakeTwilio
from support.world import Company, World, customer_phone

ACCOUNTS = "/api/v1/channels/accounts"


async def sms_account(
    client: httpx.AsyncClient, twilio: FakeTwilio, company: Company
) -> tuple[uuid.UUID, FakeAccount]:
    sender = customer_phone()
    fake = twilio.add_account(numbers=[sender])
    created = await client.post(
        ACCOUNTS,
        json={
            "channel": "sms",
            "account_sid": fake.sid,
            "auth_token": fake.auth_token,
            "from_number": sender,
        },
        headers=company.headers(),
    )
    assert created.status_code == 201, created.text
    return uuid.UUID(created.json()["id"]), fake


async def test_right_credentials_are_proved_with_twilio(
    client: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    company = Company()
    account_id, fake = await sms_account(client, twilio, company)

    tested = await client.post(f"{ACCOUNTS}/{account_id}/test", headers=company.headers())

    assert tested.status_code == 200
    assert tested.json() == {
        "ok": True,
        "details": {
            "sid": fake.sid,
            "friendly_name": fake.friendly_name,
            "status": "active",
            "type": "Full",
        },
        "error": None,
    }
    assert fake.auth_token not in tested.text
    assert fake.sid in twilio.fetches


async def test_a_wrong_auth_token_is_said_to_be_wrong_and_the_account_is_left_as_it_is(
    client: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    company = Company()
    account_id, _ = await sms_account(client, twilio, company)
    url = f"{ACCOUNTS}/{account_id}"
    changed = await client.patch(
        url, json={"auth_token": secrets.token_hex(16)}, headers=company.headers()
    )
    assert changed.status_code == 200

    tested = await client.post(f"{url}/test", headers=company.headers())

    assert tested.status_code == 200
    assert tested.json()["ok"] is False
    error = tested.json()["error"]
    assert (error["code"], error["http_status"]) == ("20003", 401)
    assert error["title"] == "Twilio did not accept the Account SID and auth token"
    assert "Account info" in error["detail"]
    shown = await client.get(url, headers=company.headers(Role.agent))
    assert shown.json()["status"] == "active", "a test never pauses the account"


async def test_a_suspended_account_is_said_to_be_suspended(
    client: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    company = Company()
    account_id, fake = await sms_account(client, twilio, company)
    twilio.set_status(fake.sid, "suspended")

    tested = await client.post(f"{ACCOUNTS}/{account_id}/test", headers=company.headers())

    assert tested.json()["ok"] is False
    assert tested.json()["error"]["code"] == "account_suspended"
    assert tested.json()["error"]["title"] == "Twilio has suspended this account"


async def test_twilio_not_answering_in_time_is_said_so(
    client: httpx.AsyncClient, twilio: FakeTwilio, world: World
) -> None:
    company = Company()
    account_id, _ = await sms_account(client, twilio, company)
    twilio.stall_next_fetches(1, seconds=world.settings.provider_timeout_seconds + 0.5)

    tested = await client.post(f"{ACCOUNTS}/{account_id}/test", headers=company.headers())

    assert tested.status_code == 200
    assert tested.json()["ok"] is False
    assert tested.json()["error"]["code"] == "timeout"
    assert tested.json()["error"]["title"] == "Twilio did not answer in time; try again shortly"


async def test_another_companys_sms_account_is_not_found_and_twilio_is_not_asked(
    client: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    account_id, fake = await sms_account(client, twilio, Company())

    for role in (Role.admin, Role.owner):
        tested = await client.post(f"{ACCOUNTS}/{account_id}/test", headers=Company().headers(role))
        assert tested.status_code == 404
        assert tested.headers["content-type"] == "application/problem+json"
    assert fake.sid not in twilio.fetches
