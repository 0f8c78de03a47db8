"""The messaging core end to end, the way a company uses it, through the gateway only.

A customer writes on WhatsApp (the sandbox); the message shows in the inbox; an agent
replies; the reply goes out through the sender and its ticks come back: sent, delivered,
read. Every service runs as its own process on a broker of their own: the session's shared
stack, where the test signs up a company of its own and logs its owner in.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mia_common.testing import wait_until
from mia_meta_sandbox.client import SandboxClient
from support.browser import Company, DashboardStack, new_company
from support.channels import connect_through
from support.stack import Stack


async def _log_in(gateway: httpx.AsyncClient, company: Company) -> None:
    answer = await gateway.post(
        "/api/v1/auth/login", json={"email": company.email, "password": company.password}
    )
    assert answer.status_code == 200, answer.text
    gateway.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"


async def _connect_number(gateway: httpx.AsyncClient, stack: Stack, sandbox: SandboxClient) -> str:
    connected = await connect_through(gateway, stack, sandbox)
    assert connected.account["access_token"]["configured"] is True
    assert connected.access_token not in str(connected.account)
    assert connected.app_secret not in str(connected.account)
    return connected.phone_number_id


@pytest.mark.timeout(300)  # with the shared stack's start, when this runs first
async def test_a_customer_writes_an_agent_replies_and_the_reply_is_read(
    shared_dashboard: DashboardStack,
) -> None:
    stack = shared_dashboard.stack
    company = await new_company(shared_dashboard, "Messaging Company")
    sandbox = SandboxClient(stack["meta-sandbox"].url)
    async with httpx.AsyncClient(base_url=stack["gateway"].url, trust_env=False) as gateway:
        await _log_in(gateway, company)
        phone_number_id = await _connect_number(gateway, stack, sandbox)

        await sandbox.customer_message(
            phone_number_id=phone_number_id,
            from_="+5511987654321",
            name="Ana Souza",
            text="Hi, is my order on its way?",
            await_delivery=True,
        )

        async def conversation() -> dict[str, Any] | None:
            page = await gateway.get("/api/v1/inbox/conversations")
            assert page.status_code == 200, page.text
            items = page.json()["items"]
            return items[0] if items else None

        found = await wait_until(conversation, timeout=30, message="the conversation")
        assert found["contact"]["name"] == "Ana Souza"
        assert found["contact"]["phone"] == "+5511987654321"
        assert found["unread_count"] == 1
        assert found["window"]["open"] is True
        assert found["last_message"]["preview"] == "Hi, is my order on its way?"

        # Assigning: the crm asks the gateway whether the user is one of the company's.
        me = (await gateway.get("/api/v1/me")).json()
        assigned = await gateway.post(
            f"/api/v1/inbox/conversations/{found['id']}/assign",
            json={"user_id": me["user"]["id"]},
        )
        assert assigned.status_code == 200, assigned.text
        nobody = await gateway.post(
            f"/api/v1/inbox/conversations/{found['id']}/assign",
            json={"user_id": "00000000-0000-4000-8000-000000000000"},
        )
        assert nobody.status_code == 422, nobody.text
        assert nobody.json()["code"] == "assignee_unknown"

        reply = await gateway.post(
            f"/api/v1/inbox/conversations/{found['id']}/messages",
            json={"type": "text", "text": "Yes! It arrives tomorrow."},
        )
        assert reply.status_code == 202, reply.text
        message_id = reply.json()["id"]

        async def read_by_the_customer() -> dict[str, Any] | None:
            page = await gateway.get(f"/api/v1/inbox/conversations/{found['id']}/messages")
            mine = [m for m in page.json()["items"] if m["id"] == message_id]
            return mine[0] if mine and mine[0]["status"] == "read" else None

        read = await wait_until(read_by_the_customer, timeout=60, message="the reply read")
        timeline = [step["status"] for step in read["status_timeline"]]
        assert {"sent", "delivered", "read"} <= set(timeline)

        sent = await sandbox.sent(phone_number_id=phone_number_id)
        assert [m.body.get("text", {}).get("body") for m in sent] == ["Yes! It arrives tomorrow."]
        assert sent[0].biz_opaque_callback_data == message_id
    await sandbox.aclose()
