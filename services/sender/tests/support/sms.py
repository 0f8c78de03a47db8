"""An SMS account on the fake Twilio, made through the sender's API."""

from __future__ import annotations

import httpx

from support.fake_twilio import FakeTwilio
from support.world import Company, customer_phone


async def sms_account(client: httpx.AsyncClient, twilio: FakeTwilio, company: Company) -> str:
    sender = customer_phone()
    fake = twilio.add_account(numbers=[sender])
    created = await client.post(
        "/api/v1/channels/accounts",
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
