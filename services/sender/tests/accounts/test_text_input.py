"""A NUL character (U+0000) in any string of the sender's API input is refused with a 422
naming the field (PostgreSQL could never store it), on every endpoint that takes one,
for the company's own accounts and another company's alike."""

from __future__ import annotations

from typing import Any

import httpx

from support.bodies import sms_body, whatsapp_body
from support.world import Company

ACCOUNTS = "/api/v1/channels/accounts"
NUL = "\x00"


def refused_with_nul(response: httpx.Response) -> list[list[Any]]:
    """Where the NUL was refused (each error's location)."""
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert all("NUL" in error["msg"] or "U+0000" in error["msg"] for error in errors), errors
    return [error["loc"] for error in errors]


async def test_a_nul_in_a_new_accounts_strings_is_refused_naming_the_field(
    client: httpx.AsyncClient,
) -> None:
    company = Company()
    cases = [
        ("whatsapp_cloud", whatsapp_body(display_name=f"Loja{NUL}Centro"), "display_name"),
        ("whatsapp_cloud", whatsapp_body(access_token=f"EAAG{NUL}" + "x" * 20), "access_token"),
        ("whatsapp_cloud", whatsapp_body(app_secret=f"{NUL}" + "s" * 20), "app_secret"),
        ("sms", sms_body(auth_token=f"{NUL}" + "a" * 31), "auth_token"),
    ]
    for channel, body, field in cases:
        response = await client.post(ACCOUNTS, json=body, headers=company.headers())

        assert refused_with_nul(response) == [["body", channel, field]]
    # Patterned fields (numbers, ids) refuse it by their pattern, naming the field too.
    for field in ("phone_number", "phone_number_id", "waba_id"):
        body = whatsapp_body(**{field: whatsapp_body()[field][:4] + NUL + "1234"})
        response = await client.post(ACCOUNTS, json=body, headers=company.headers())
        assert response.status_code == 422
        assert [e["loc"] for e in response.json()["errors"]] == [["body", "whatsapp_cloud", field]]
    listed = await client.get(ACCOUNTS, headers=company.headers())
    assert listed.json()["items"] == [], "nothing was saved"


async def test_a_nul_in_a_change_or_a_pause_reason_is_refused_on_every_companys_account(
    client: httpx.AsyncClient,
) -> None:
    owner, stranger = Company(), Company()
    created = await client.post(ACCOUNTS, json=whatsapp_body(), headers=owner.headers())
    account = created.json()
    url = f"{ACCOUNTS}/{account['id']}"

    for company in (owner, stranger):
        renamed = await client.patch(
            url, json={"display_name": f"x{NUL}"}, headers=company.headers()
        )
        paused = await client.post(
            f"{url}/pause", json={"reason": f"fim{NUL}de semana"}, headers=company.headers()
        )

        assert refused_with_nul(renamed) == [["body", "display_name"]]
        assert refused_with_nul(paused) == [["body", "reason"]]
    still = await client.get(url, headers=owner.headers())
    assert still.json() == account


async def test_a_nul_in_a_query_or_a_path_is_refused_naming_the_parameter(
    client: httpx.AsyncClient,
) -> None:
    company = Company()
    created = await client.post(ACCOUNTS, json=sms_body(), headers=company.headers())
    account_id = created.json()["id"]

    channel = await client.get(ACCOUNTS, params={"channel": NUL}, headers=company.headers())
    status = await client.get(
        f"{ACCOUNTS}/{account_id}/templates", params={"status": NUL}, headers=company.headers()
    )
    path = await client.get(f"{ACCOUNTS}/%00", headers=company.headers())
    webhook = await client.post("/webhooks/twilio/%00/status", data={"MessageSid": "SM1"})

    assert channel.status_code == status.status_code == path.status_code == 422
    assert channel.json()["errors"][0]["loc"] == ["query", "channel"]
    assert status.json()["errors"][0]["loc"] == ["query", "status"]
    assert path.json()["errors"][0]["loc"] == ["path", "account_id"]
    assert refused_with_nul(webhook) == [["path", "account_id"]]
