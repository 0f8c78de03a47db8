"""Credentials are checked when they are saved, and credentials stored before that which no
provider can take are answered in words by the test, the templates and the dispatcher,
never with a 500."""

from __future__ import annotations

import secrets
import uuid

import httpx
from sqlalchemy import text

from mia_common.identity import Role
from mia_common.testing import wait_until
from mia_common.testing.kafka import TopicReader
from support.bodies import sms_body, whatsapp_body
from support.world import Account, Company, World

ACCOUNTS = "/api/v1/channels/accounts"


def refused_fields(response: httpx.Response) -> dict[str, str]:
    """The last element of each refused field's location, and why."""
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return {error["loc"][-1]: error["msg"] for error in response.json()["errors"]}


async def test_meta_credentials_no_http_header_can_carry_are_refused_when_saved(
    client: httpx.AsyncClient,
) -> None:
    company = Company()
    cases = {
        "access_token": "EAAGtokén" + secrets.token_urlsafe(16),
        "app_secret": "a secret with spaces",
    }
    for field, value in cases.items():
        response = await client.post(
            ACCOUNTS, json=whatsapp_body(**{field: value}), headers=company.headers()
        )

        reasons = refused_fields(response)
        assert list(reasons) == [field]
        assert "paste it again" in reasons[field]
    listed = await client.get(ACCOUNTS, headers=company.headers())
    assert listed.json()["items"] == [], "nothing was saved"


async def test_twilio_credentials_that_cannot_be_twilios_are_refused_when_saved(
    client: httpx.AsyncClient,
) -> None:
    company = Company()
    for field, value in {
        "auth_token": "not-a-twilio-token",
        "account_sid": "AC" + "z" * 32,
    }.items():
        response = await client.post(
            ACCOUNTS, json=sms_body(**{field: value}), headers=company.headers()
        )

        reasons = refused_fields(response)
        assert list(reasons) == [field]
        assert "32 hexadecimal digits" in reasons[field]


async def test_a_credential_update_is_checked_too_and_changes_nothing_when_refused(
    client: httpx.AsyncClient,
) -> None:
    company = Company()
    meta = (await client.post(ACCOUNTS, json=whatsapp_body(), headers=company.headers())).json()
    sms = (await client.post(ACCOUNTS, json=sms_body(), headers=company.headers())).json()

    bad_token = await client.patch(
        f"{ACCOUNTS}/{meta['id']}",
        json={"display_name": "Renamed", "access_token": "tøken-" + "x" * 16},
        headers=company.headers(),
    )
    bad_auth = await client.patch(
        f"{ACCOUNTS}/{sms['id']}", json={"auth_token": "g" * 32}, headers=company.headers()
    )

    assert list(refused_fields(bad_token)) == ["access_token"]
    assert list(refused_fields(bad_auth)) == ["auth_token"]
    assert (await client.get(f"{ACCOUNTS}/{meta['id']}", headers=company.headers())).json() == meta
    assert (await client.get(f"{ACCOUNTS}/{sms['id']}", headers=company.headers())).json() == sms


async def test_required_fields_cannot_be_cleared_and_other_channels_fields_are_named(
    client: httpx.AsyncClient,
) -> None:
    company = Company()
    meta = (await client.post(ACCOUNTS, json=whatsapp_body(), headers=company.headers())).json()
    sms = (await client.post(ACCOUNTS, json=sms_body(), headers=company.headers())).json()

    cleared = await client.patch(
        f"{ACCOUNTS}/{meta['id']}",
        json={"access_token": None, "waba_id": None},
        headers=company.headers(),
    )
    foreign = await client.patch(
        f"{ACCOUNTS}/{sms['id']}", json={"waba_id": "123"}, headers=company.headers()
    )
    no_sender = await client.patch(
        f"{ACCOUNTS}/{sms['id']}", json={"from_number": None}, headers=company.headers()
    )

    assert refused_fields(cleared).keys() == {"access_token", "waba_id"}
    assert "cannot be cleared" in refused_fields(cleared)["waba_id"]
    assert foreign.status_code == no_sender.status_code == 422
    assert (foreign.json()["code"], foreign.json()["fields"]) == (
        "field_not_for_channel",
        ["waba_id"],
    )
    assert no_sender.json()["code"] == "sms_sender_required"


async def store_raw_secret(world: World, account_id: uuid.UUID, column: str, value: str) -> None:
    """What an account saved before the formats were checked holds: ``value`` sealed as
    the sender seals it (or, for ``sealed=...``, a sealed value no key opens)."""
    context = world.app.state.context
    seal = {
        "access_token_sealed": context.secrets.seal_access_token,
        "auth_token_sealed": context.secrets.seal_auth_token,
    }[column]
    sealed = (
        value.removeprefix("sealed=") if value.startswith("sealed=") else seal(account_id, value)
    )
    async with world.session_factory() as session, session.begin():
        await session.execute(
            text(f"UPDATE channel_accounts SET {column} = :sealed WHERE id = :id"),  # noqa: S608
            {"sealed": sealed, "id": account_id},
        )


async def test_a_stored_token_no_provider_can_take_is_answered_in_words(
    world: World, client: httpx.AsyncClient
) -> None:
    account = await world.whatsapp_account()
    await store_raw_secret(world, account.id, "access_token_sealed", "EAAGtokén-" + "x" * 20)
    headers = account.company.headers()

    shown = await client.get(f"{ACCOUNTS}/{account.id}", headers=headers)
    tested = await client.post(f"{ACCOUNTS}/{account.id}/test", headers=headers)
    templates = await client.get(
        f"{ACCOUNTS}/{account.id}/templates", headers=account.company.headers(Role.agent)
    )

    assert shown.status_code == 200
    assert tested.status_code == 200
    assert tested.json()["ok"] is False
    error = tested.json()["error"]
    assert error["code"] == "credentials_invalid"
    assert error["detail"].startswith("The stored access token cannot be used (")
    assert "enter it again" in error["detail"]
    assert templates.status_code == 409
    assert templates.headers["content-type"] == "application/problem+json"
    assert templates.json()["code"] == "credentials_invalid"
    assert "enter it again" in templates.json()["detail"]
    assert await world.sandbox.client.sent(phone_number_id=account.phone_number_id) == []


async def test_a_stored_token_the_key_ring_cannot_open_is_answered_in_words(
    world: World, client: httpx.AsyncClient
) -> None:
    account = await world.whatsapp_account()
    await store_raw_secret(
        world, account.id, "access_token_sealed", "sealed=v1.gone.AAAAAAAAAAAAAAAA.AAAA"
    )
    headers = account.company.headers()

    shown = await client.get(f"{ACCOUNTS}/{account.id}", headers=headers)
    tested = await client.post(f"{ACCOUNTS}/{account.id}/test", headers=headers)
    templates = await client.get(f"{ACCOUNTS}/{account.id}/templates", headers=headers)

    assert shown.status_code == 200
    assert shown.json()["access_token"] == {"configured": True, "last4": None}
    assert tested.json()["ok"] is False
    assert tested.json()["error"]["code"] == "credentials_unreadable"
    assert (templates.status_code, templates.json()["code"]) == (409, "credentials_unreadable")


async def test_another_companys_account_with_unusable_credentials_is_not_found(
    world: World, client: httpx.AsyncClient
) -> None:
    account = await world.whatsapp_account()
    await store_raw_secret(world, account.id, "access_token_sealed", "EAAGtokén-" + "x" * 20)
    stranger = Company().headers()

    answers = [
        await client.post(f"{ACCOUNTS}/{account.id}/test", headers=stranger),
        await client.get(f"{ACCOUNTS}/{account.id}/templates", headers=stranger),
        await client.patch(
            f"{ACCOUNTS}/{account.id}", json={"access_token": "EAAG" + "y" * 20}, headers=stranger
        ),
    ]

    assert [a.status_code for a in answers] == [404, 404, 404]


async def test_sending_with_a_stored_token_no_provider_can_take_pauses_the_account_in_words(
    world: World, alerts: TopicReader, states: TopicReader
) -> None:
    account: Account = await world.whatsapp_account()
    await store_raw_secret(world, account.id, "access_token_sealed", "EAAGtokén-" + "x" * 20)
    request = world.request(account, template="pedido_enviado")

    await world.send(request, tenant_id=account.company.tenant_id)

    [alert] = await alerts.wait_for(
        lambda r: r.data["channel_account_id"] == str(account.id), message="the alert"
    )
    assert alert.data["kind"] == "token_expired"
    assert alert.data["message"].startswith("The stored access token cannot be used (")
    assert alert.data["details"] == {"code": "credentials_invalid"}
    [state] = await states.wait_for(
        lambda r: r.data["channel_account_id"] == str(account.id) and r.data["status"] == "paused"
    )
    assert "enter it again" in state.data["status_reason"]
    assert await world.sent_to_sandbox(request.request_id) == []

    async def waiting() -> bool:
        return (await world.send_row(request.request_id)).state == "queued"

    # Put back after the pause: it waits for new credentials and a resume.
    await wait_until(waiting, message="the send back in the queue")


async def test_a_twilio_callback_for_an_auth_token_that_cannot_be_opened_is_asked_again_later(
    world: World, client: httpx.AsyncClient
) -> None:
    company = Company()
    created = await client.post(ACCOUNTS, json=sms_body(), headers=company.headers())
    account_id = uuid.UUID(created.json()["id"])
    await store_raw_secret(
        world, account_id, "auth_token_sealed", "sealed=v1.gone.AAAAAAAAAAAAAAAA.AAAA"
    )

    callback = await client.post(
        f"/webhooks/twilio/{account_id}/status",
        data={"MessageSid": "SM" + "0" * 32, "MessageStatus": "delivered"},
        headers={"X-Twilio-Signature": "c2lnbmVk"},
    )
    tested = await client.post(f"{ACCOUNTS}/{account_id}/test", headers=company.headers())

    # Twilio retries a 5xx: the callback is checked once the key ring opens the token again.
    assert callback.status_code == 503
    assert callback.json()["code"] == "credentials_unreadable"
    assert tested.json()["error"]["code"] == "credentials_unreadable"
