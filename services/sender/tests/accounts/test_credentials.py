"""Credentials are checked when they are saved, with a refusal that names the field and says
what is wrong; an update names only what it changes."""

from __future__ import annotations

import secrets

import httpx

from support.bodies import sms_body, whatsapp_body
from support.world import Company

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
