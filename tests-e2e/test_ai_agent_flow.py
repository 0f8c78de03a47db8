"""A persona answers a customer end to end, every service its own process: the customer
writes on WhatsApp (the sandbox), the crm stores it, the ai-agent answers from the
company's FAQ, the crm records the bot's reply in the thread and the sender delivers it,
the customer seeing "typing…" meanwhile; asking for a person hands the conversation over
to the persona's team (the gateway's), and the bot then stays quiet."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mia_common.testing import wait_until
from mia_meta_sandbox.client import SandboxClient
from support.browser import Company, DashboardStack, new_company
from support.channels import connect_through
from support.personas import persona_on_the_number

FAQ = [
    {
        "question": "Qual é o prazo de entrega?",
        "answer": "Entregamos em 2 a 5 dias úteis nas capitais.",
    },
    {
        "question": "Quais formas de pagamento vocês aceitam?",
        "answer": "Aceitamos Pix, boleto e cartão de crédito.",
    },
]


async def _log_in(gateway: httpx.AsyncClient, company: Company) -> None:
    answer = await gateway.post(
        "/api/v1/auth/login", json={"email": company.email, "password": company.password}
    )
    assert answer.status_code == 200, answer.text
    gateway.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"


@pytest.mark.timeout(300)  # with the shared stack's start, when this runs first
async def test_a_persona_answers_a_customer_and_hands_over_on_request(
    shared_dashboard: DashboardStack,
) -> None:
    stack = shared_dashboard.stack
    company = await new_company(shared_dashboard, "AI Company")
    sandbox = SandboxClient(stack["meta-sandbox"].url)
    async with httpx.AsyncClient(base_url=stack["gateway"].url, trust_env=False) as gateway:
        await _log_in(gateway, company)
        connected = await connect_through(gateway, stack, sandbox)
        phone_number_id = connected.phone_number_id
        team = await gateway.post("/api/v1/teams", json={"name": "Atendimento"})
        assert team.status_code == 201, team.text
        await persona_on_the_number(
            gateway,
            account_id=connected.account["id"],
            faq=FAQ,
            name="Sofia",
            # Long enough for "typing…" (none is shown for a reply due within a second).
            min_delay_seconds=1.5,
            max_delay_seconds=2,
            handoff_team_id=team.json()["id"],
        )

        question = await sandbox.customer_message(
            phone_number_id=phone_number_id,
            from_="+5511977776666",
            name="Bia",
            text="Em quantos dias chega o meu pedido?",
            await_delivery=True,
        )

        async def bot_messages() -> list[dict[str, Any]] | None:
            conversations = (await gateway.get("/api/v1/inbox/conversations")).json()["items"]
            if not conversations:
                return None
            page = await gateway.get(
                f"/api/v1/inbox/conversations/{conversations[0]['id']}/messages"
            )
            mine = [m for m in page.json()["items"] if m.get("sent_by_persona_name")]
            return mine or None

        [reply] = await wait_until(bot_messages, timeout=60, message="the bot's reply stored")
        assert reply["sent_by_persona_name"] == "Sofia"
        assert "2 a 5 dias úteis" in reply["text"]
        why = await gateway.get(f"/api/v1/ai/runs/{reply['ai_run_id']}")
        assert why.status_code == 200, why.text
        assert why.json()["reason"] == "extractive_match"
        assert why.json()["sources"][0]["document_title"] == "FAQ"

        async def delivered_to_the_customer() -> list[Any] | None:
            sent = await sandbox.sent(phone_number_id=phone_number_id)
            return sent or None

        [sent] = await wait_until(delivered_to_the_customer, timeout=60, message="sent to Meta")
        assert "2 a 5 dias úteis" in sent.body["text"]["body"]
        [receipt] = await sandbox.read_receipts(message_id=question.wamid)
        assert receipt.typing, "the customer saw typing… against their question"
        assert receipt.at <= sent.accepted_at

        await sandbox.customer_message(
            phone_number_id=phone_number_id,
            from_="+5511977776666",
            name="Bia",
            text="quero falar com um atendente",
            await_delivery=True,
        )

        async def handed_over() -> dict[str, Any] | None:
            conversations = (await gateway.get("/api/v1/inbox/conversations")).json()["items"]
            notes = await gateway.get(f"/api/v1/inbox/conversations/{conversations[0]['id']}/notes")
            items = notes.json()["items"]
            return items[0] if items else None

        note = await wait_until(handed_over, timeout=60, message="the handoff note")
        assert note["author_persona_name"] == "Sofia"
        queue = await gateway.get(
            "/api/v1/inbox/conversations",
            params={"team_id": team.json()["id"], "unassigned": "true"},
        )
        assert [c["assigned_team_id"] for c in queue.json()["items"]] == [team.json()["id"]]
        assert "quero falar com um atendente" in note["text"]
        told = await wait_until(
            lambda: _sent_count(sandbox, phone_number_id, 2), timeout=60, message="told"
        )
        assert "equipe" in told[-1].body["text"]["body"]
    await sandbox.aclose()


async def _sent_count(sandbox: SandboxClient, phone_number_id: str, count: int) -> list[Any] | None:
    sent = await sandbox.sent(phone_number_id=phone_number_id)
    return sent if len(sent) >= count else None
