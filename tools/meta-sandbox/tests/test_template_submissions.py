"""``POST /{version}/{waba_id}/message_templates``: checked as Meta checks a create,
answered PENDING, reviewed by rule, decided through a signed
``message_template_status_update`` webhook; the control API lists and forces decisions."""

from __future__ import annotations

from typing import Any

import httpx

from mia_meta_sandbox.config import SandboxSettings
from mia_meta_sandbox.template_review import ReviewRules, review
from mia_meta_sandbox.templates import MessageTemplate
from mia_meta_sandbox.testing import SandboxHandle, running_sandbox
from support.constants import ACCESS_TOKEN, APP_SECRET, GRAPH_VERSION, WABA_ID
from support.receiver import Received, WebhookReceiver


def _create(name: str = "pedido_enviado", body: str = "Olá {{1}}, pedido {{2}}.", **more: Any):
    template: dict[str, Any] = {
        "name": name,
        "language": "pt_BR",
        "category": "UTILITY",
        "allow_category_change": True,
        "components": [
            {
                "type": "HEADER",
                "format": "TEXT",
                "text": "Pedido {{1}}",
                "example": {"header_text": ["#123"]},
            },
            {
                "type": "BODY",
                "text": body,
                "example": {"body_text": [["Maria", "#48213"][: body.count("{{")]]},
            },
            {"type": "FOOTER", "text": "Responda SAIR para sair."},
            {
                "type": "BUTTONS",
                "buttons": [
                    {"type": "QUICK_REPLY", "text": "Falar com atendente"},
                    {
                        "type": "URL",
                        "text": "Acompanhar",
                        "url": "https://loja.example.com/pedido/{{1}}",
                        "example": ["https://loja.example.com/pedido/48213"],
                    },
                    {"type": "PHONE_NUMBER", "text": "Ligar", "phone_number": "+5511999990000"},
                ],
            },
        ],
    }
    template.update(more)
    return template


def _decisions(receiver: WebhookReceiver) -> list[Received]:
    return [
        r
        for r in receiver.accepted()
        if r.body["entry"][0]["changes"][0]["field"] == "message_template_status_update"
    ]


async def test_a_submission_is_pending_then_approved_by_a_signed_status_update_webhook(
    sandbox: SandboxHandle, graph: httpx.AsyncClient, receiver: WebhookReceiver
) -> None:
    response = await graph.post(f"/{WABA_ID}/message_templates", json=_create())

    assert response.status_code == 200
    answer = response.json()
    assert set(answer) == {"id", "status", "category"}
    assert answer["status"] == "PENDING"
    assert answer["category"] == "UTILITY"
    decisions = await sandbox.client.wait_for(lambda: _decisions(receiver), message="decision")
    decision = decisions[0]
    assert decision.signed_with(APP_SECRET)
    assert decision.body["entry"][0]["id"] == WABA_ID
    assert decision.value == {
        "event": "APPROVED",
        "message_template_id": int(answer["id"]),
        "message_template_name": "pedido_enviado",
        "message_template_language": "pt_BR",
        "reason": "NONE",
    }
    listed = (await graph.get(f"/{WABA_ID}/message_templates", params={"limit": 100})).json()
    mine = [t for t in listed["data"] if t["id"] == answer["id"]]
    assert mine[0]["status"] == "APPROVED"
    assert [c["type"] for c in mine[0]["components"]] == ["HEADER", "BODY", "FOOTER", "BUTTONS"]
    submissions = await sandbox.client.template_submissions(WABA_ID)
    assert [(s.name, s.decision, s.forced) for s in submissions] == [
        ("pedido_enviado", "APPROVED", False)
    ]


async def test_a_reject_name_a_listed_word_or_a_url_shortener_is_rejected_with_a_reason(
    sandbox: SandboxHandle, graph: httpx.AsyncClient, receiver: WebhookReceiver
) -> None:
    for name, body in [
        ("reject_me", "Olá {{1}}."),
        ("oferta", "Olá {{1}}, 100% FREE hoje."),
        ("link_curto", "Olá {{1}}, veja bit.ly/abc."),
    ]:
        response = await graph.post(f"/{WABA_ID}/message_templates", json=_create(name, body))
        assert response.status_code == 200, response.text

    # Other tests may have registered more numbers of this WABA: one webhook per URL+secret.
    decisions = await sandbox.client.wait_for(
        lambda: (
            len({d.value["message_template_name"] for d in _decisions(receiver)}) == 3
            and _decisions(receiver)
        ),
        message="3 decisions",
    )
    found = {d.value["message_template_name"]: d.value for d in decisions}
    assert found["reject_me"]["event"] == "REJECTED"
    assert found["reject_me"]["reason"] == "INVALID_FORMAT"
    assert found["oferta"]["event"] == "REJECTED"
    assert found["oferta"]["reason"] == "PROMOTIONAL"
    assert found["link_curto"]["reason"] == "PROMOTIONAL"
    statuses = {t.name: t.status for t in await sandbox.client.templates(WABA_ID)}
    assert statuses["reject_me"] == statuses["oferta"] == "REJECTED"


def test_the_review_rules_approve_plain_text_and_ignore_lookalike_domains() -> None:
    rules = ReviewRules(words=("grátis garantido",), shortener_domains=("bit.ly", "t.co"))

    def template(text: str) -> MessageTemplate:
        return MessageTemplate(
            name="x",
            language="pt_BR",
            status="PENDING",
            category="UTILITY",
            components=[{"type": "BODY", "text": text}],
        )

    assert review(template("Veja https://loja.example.com/t.com"), rules)[0] == "APPROVED"
    assert review(template("Seu pedido saiu"), rules) == ("APPROVED", "NONE")
    assert review(template("É GRÁTIS GARANTIDO"), rules) == ("REJECTED", "PROMOTIONAL")
    assert review(template("veja t.co/x"), rules) == ("REJECTED", "PROMOTIONAL")


async def _refused(graph: httpx.AsyncClient, body: Any) -> dict[str, Any]:
    response = await graph.post(f"/{WABA_ID}/message_templates", json=body)
    assert response.status_code == 400, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == 100
    assert error["type"] == "OAuthException"
    assert error["fbtrace_id"]
    return error


async def test_bad_bodies_are_refused_in_metas_error_shape(graph: httpx.AsyncClient) -> None:
    name = await _refused(graph, _create("Pedido-Enviado"))
    assert "lowercase alphanumeric" in name["error_data"]["details"]
    no_example = _create()
    no_example["components"][1].pop("example")
    missing = await _refused(graph, no_example)
    assert "example" in missing["error_data"]["details"]
    header = _create()
    header["components"][0].pop("example")
    assert "header_text" in (await _refused(graph, header))["error_data"]["details"]
    url = _create()
    url["components"][3]["buttons"][1].pop("example")
    assert "URL button" in (await _refused(graph, url))["error_data"]["details"]
    assert "category" in (await _refused(graph, _create(category="SPAM")))["error_data"]["details"]
    await _refused(graph, [])
    await _refused(graph, _create(components=[]))
    await _refused(graph, _create(components=[{"type": "FOOTER", "text": "só rodapé"}]))


async def test_a_name_and_language_that_exist_are_refused_but_another_language_is_taken(
    graph: httpx.AsyncClient,
) -> None:
    first = await graph.post(f"/{WABA_ID}/message_templates", json=_create("duplo"))
    assert first.status_code == 200
    again = await _refused(graph, _create("duplo"))
    assert again["error_subcode"] == 2388024
    assert "already exists" in again["error_data"]["details"]
    seeded = await _refused(graph, _create("atualizacao_pedido"))
    assert seeded["error_subcode"] == 2388024
    other = await graph.post(
        f"/{WABA_ID}/message_templates", json=_create("duplo", language="en_US")
    )
    assert other.status_code == 200


async def test_a_create_needs_the_wabas_token(sandbox: SandboxHandle) -> None:
    async with httpx.AsyncClient(base_url=f"{sandbox.url}/{GRAPH_VERSION}") as http:
        anonymous = await http.post(f"/{WABA_ID}/message_templates", json=_create())
        wrong = await http.post(
            f"/{WABA_ID}/message_templates",
            json=_create(),
            headers={"Authorization": "Bearer nope"},
        )
        unknown = await http.post(
            "/999/message_templates",
            json=_create(),
            headers={"Authorization": f"Bearer {ACCESS_TOKEN}"},
        )
    assert anonymous.status_code == wrong.status_code == 401
    assert unknown.status_code == 400
    assert unknown.json()["error"]["error_subcode"] == 33


async def test_delete_by_name_removes_the_template(graph: httpx.AsyncClient) -> None:
    created = await graph.post(f"/{WABA_ID}/message_templates", json=_create("apagar"))
    assert created.status_code == 200

    deleted = await graph.delete(f"/{WABA_ID}/message_templates", params={"name": "apagar"})
    again = await graph.delete(f"/{WABA_ID}/message_templates", params={"name": "apagar"})

    assert deleted.json() == {"success": True}
    assert again.status_code == 400
    listed = (await graph.get(f"/{WABA_ID}/message_templates", params={"limit": 100})).json()
    assert "apagar" not in {t["name"] for t in listed["data"]}


async def test_a_forced_decision_comes_before_the_review_and_the_review_does_not_overrule_it(
    receiver: WebhookReceiver,
) -> None:
    settings = SandboxSettings(
        webhook_url=receiver.url,
        verify_webhook_on_start=False,
        template_review_delay_seconds=0.5,
    )
    async with running_sandbox(settings) as slow:
        async with httpx.AsyncClient(
            base_url=f"{slow.url}/{GRAPH_VERSION}",
            headers={"Authorization": f"Bearer {ACCESS_TOKEN}"},
        ) as http:
            created = (await http.post(f"/{WABA_ID}/message_templates", json=_create())).json()
        forced = await slow.client.decide_template(created["id"], "REJECTED", reason="SCAM")
        assert forced.status == "REJECTED"
        assert forced.forced
        decisions = await slow.client.wait_for(lambda: _decisions(receiver), message="decision")
        await slow.client.wait_for(
            lambda: slow.sandbox.dispatcher.in_flight == 0, message="review done"
        )
        assert [d.value["event"] for d in _decisions(receiver)] == ["REJECTED"]
        assert decisions[0].value["reason"] == "SCAM"
        assert (await slow.client.template_submissions())[0].decision == "REJECTED"
