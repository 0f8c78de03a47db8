"""The sender's API against its own OpenAPI document (schemathesis, bounded, derandomized).

An administrator of a company with a WhatsApp number (on the Meta sandbox) and an SMS
account (on the fake Twilio) sends what the document allows, with those accounts' ids
half the time: no answer is a 5xx, every answer is one the document describes, and
every operation but the probes and Twilio's signed webhooks refuses a call without an
identity with 401. The webhooks refuse what Twilio did not sign.
"""

from __future__ import annotations

import time

import httpx

from mia_common.testing.api_contract import ContractFailure, check_api_contract
from support.fake_twilio import FakeTwilio
from support.world import Company, World, customer_phone

ACCOUNTS = "/api/v1/channels/accounts"
DELETE = f"DELETE {ACCOUNTS}/{{account_id}}"
# Twilio authenticates its webhooks by their X-Twilio-Signature, not by an identity.
WEBHOOKS = [
    "POST /webhooks/twilio/{account_id}/status",
    "POST /webhooks/twilio/{account_id}/inbound",
]
PUBLIC = ["GET /healthz", "GET /readyz", "GET /metrics", *WEBHOOKS]
# Refusals that depend on the stored account, which no request schema can know: a PATCH
# naming a field of the other channel, or clearing the only sender of an SMS account;
# templates for an SMS account, a template whose parts do not fit together (one BODY, an
# example per variable), or one Meta refuses (its own review rules, a name taken).
BY_DESIGN = [
    "invalid_cursor",
    "field_not_for_channel",
    "sms_sender_required",
    "sms_has_no_templates",
    "template_invalid",
    "template_rejected_by_meta",
]


async def sms_account(client: httpx.AsyncClient, twilio: FakeTwilio, company: Company) -> str:
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
    return str(created.json()["id"])


async def test_the_api_answers_what_its_document_says(
    world: World, client: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    company = Company()
    accounts = [str((await world.whatsapp_account(company)).id)]
    accounts.append(await sms_account(client, twilio, company))
    document = (await client.get("/openapi.json")).json()
    operations = [
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    started = time.monotonic()

    failures: list[ContractFailure] = []
    # Each account through every operation; the deletion last, so it does not turn every
    # later request for the account into a 404.
    for skip in ([DELETE], [name for name in operations if name != DELETE]):
        for account_id in accounts:
            failures += await check_api_contract(
                client,
                headers=company.headers(),
                known_ids={"account_id": account_id},
                public=PUBLIC,
                examples=12,
                skip=skip,
                refusals_by_design=BY_DESIGN,
            )

    assert not failures, "\n".join(map(str, failures))
    assert time.monotonic() - started < 30
    gone = await client.get(f"{ACCOUNTS}/{accounts[0]}", headers=company.headers())
    assert gone.status_code == 404, "the deletion was reached with a real account"


async def test_the_twilio_webhooks_refuse_unsigned_calls(
    client: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    account_id = await sms_account(client, twilio, Company())
    form = {"MessageSid": "SM" + "0" * 32, "MessageStatus": "delivered"}

    for path in ("status", "inbound"):
        unsigned = await client.post(f"/webhooks/twilio/{account_id}/{path}", data=form)
        forged = await client.post(
            f"/webhooks/twilio/{account_id}/{path}",
            data=form,
            headers={"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"},
        )

        assert unsigned.status_code == forged.status_code == 403
        assert unsigned.json()["code"] == forged.json()["code"] == "bad_signature"
