"""``GET /{version}/{waba_id}/message_templates``: seeded per WABA, paged with cursors,
guarded by the token, refusable by faults, replaceable through the control API."""

from __future__ import annotations

import time

import httpx

from mia_meta_sandbox.testing import SandboxHandle
from support.constants import ACCESS_TOKEN, GRAPH_VERSION, WABA_ID


def _by_name(data: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    return {str(t["name"]): t for t in data}


async def test_a_registered_numbers_waba_lists_the_seeded_templates_in_metas_shape(
    graph: httpx.AsyncClient,
) -> None:
    response = await graph.get(f"/{WABA_ID}/message_templates", params={"limit": 100})

    assert response.status_code == 200
    answer = response.json()
    templates = _by_name(answer["data"])
    order = templates["atualizacao_pedido"]
    assert order["language"] == "pt_BR"
    assert order["status"] == "APPROVED"
    assert order["category"] == "UTILITY"
    assert str(order["id"]).isdigit()
    kinds = [c["type"] for c in order["components"]]  # type: ignore[attr-defined]
    assert kinds == ["HEADER", "BODY", "FOOTER", "BUTTONS"]
    body = order["components"][1]  # type: ignore[index]
    assert "{{1}}" in body["text"]
    assert "{{2}}" in body["text"]
    assert body["example"] == {"body_text": [["Maria", "#48213"]]}
    assert {t["language"] for t in answer["data"]} == {"pt_BR", "en_US"}
    assert {t["status"] for t in answer["data"]} >= {"APPROVED", "PENDING", "REJECTED", "PAUSED"}
    assert set(answer["paging"]["cursors"]) == {"before", "after"}
    assert "next" not in answer["paging"]


async def test_pages_follow_the_after_cursor_and_next_only_while_more_remain(
    sandbox: SandboxHandle, graph: httpx.AsyncClient
) -> None:
    everything = (await graph.get(f"/{WABA_ID}/message_templates", params={"limit": 100})).json()
    names: list[str] = []
    after: str | None = None
    pages = 0
    while True:
        params: dict[str, str | int] = {"limit": 3, "fields": "name,status"}
        if after:
            params["after"] = after
        page = (await graph.get(f"/{WABA_ID}/message_templates", params=params)).json()
        pages += 1
        names += [t["name"] for t in page["data"]]
        assert all(set(t) == {"name", "status", "id"} for t in page["data"])
        if "next" not in page["paging"]:
            break
        assert page["paging"]["next"].startswith(f"{sandbox.url}/{GRAPH_VERSION}/{WABA_ID}/")
        assert "fields=name%2Cstatus" in page["paging"]["next"]
        after = page["paging"]["cursors"]["after"]

    assert names == [t["name"] for t in everything["data"]]
    assert pages == -(-len(names) // 3)


async def test_the_status_filter_keeps_only_the_named_statuses(graph: httpx.AsyncClient) -> None:
    response = await graph.get(f"/{WABA_ID}/message_templates", params={"status": "APPROVED"})

    statuses = {t["status"] for t in response.json()["data"]}
    assert statuses == {"APPROVED"}


async def test_a_wrong_or_missing_token_and_an_unknown_waba_are_refused_like_graph(
    sandbox: SandboxHandle,
) -> None:
    base = f"{sandbox.url}/{GRAPH_VERSION}"
    async with httpx.AsyncClient() as http:
        wrong = await http.get(
            f"{base}/{WABA_ID}/message_templates", headers={"Authorization": "Bearer nope"}
        )
        missing = await http.get(f"{base}/{WABA_ID}/message_templates")
        unknown = await http.get(
            f"{base}/999999999999999/message_templates",
            headers={"Authorization": f"Bearer {ACCESS_TOKEN}"},
        )

    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == 190
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == 190
    assert unknown.status_code == 400
    assert unknown.json()["error"]["code"] == 100
    assert unknown.json()["error"]["error_subcode"] == 33


async def test_another_numbers_token_of_the_same_waba_reads_its_templates(
    sandbox: SandboxHandle,
) -> None:
    await sandbox.client.register_number(
        phone_number_id="100000000000077",
        access_token="second-token",
        app_secret="s",
        waba_id=WABA_ID,
    )
    async with httpx.AsyncClient() as http:
        response = await http.get(
            f"{sandbox.url}/{GRAPH_VERSION}/{WABA_ID}/message_templates",
            headers={"Authorization": "Bearer second-token"},
        )

    assert response.status_code == 200
    [read] = await sandbox.client.template_requests(WABA_ID)
    assert read.phone_number_id == "100000000000077"


async def test_an_invalid_limit_or_cursor_is_an_invalid_parameter(
    graph: httpx.AsyncClient,
) -> None:
    for params in ({"limit": "0"}, {"limit": "many"}, {"after": "not-a-cursor"}):
        response = await graph.get(f"/{WABA_ID}/message_templates", params=params)
        assert response.status_code == 400, params
        assert response.json()["error"]["code"] == 100


async def test_a_new_waba_is_seeded_and_the_control_api_replaces_and_adds_templates(
    sandbox: SandboxHandle,
) -> None:
    waba = "200000000000555"
    await sandbox.client.register_number(
        phone_number_id="100000000000555", access_token="t-555", app_secret="s", waba_id=waba
    )
    assert len(await sandbox.client.templates(waba)) >= 4

    await sandbox.client.set_templates(
        waba,
        [
            {
                "name": "lembrete",
                "language": "pt_BR",
                "status": "APPROVED",
                "category": "UTILITY",
                "components": [{"type": "BODY", "text": "Oi {{1}}"}],
            }
        ],
    )
    added = await sandbox.client.add_template(waba, name="aviso", body="Aviso: {{1}} {{2}}")
    replaced = await sandbox.client.add_template(
        waba, name="lembrete", body="Olá {{1}}", status="PAUSED"
    )
    # Registering another number of the WABA does not bring the defaults back.
    await sandbox.client.register_number(
        phone_number_id="100000000000556", access_token="t-556", app_secret="s", waba_id=waba
    )

    templates = await sandbox.client.templates(waba)
    assert [(t.name, t.status) for t in templates] == [
        ("lembrete", "PAUSED"),
        ("aviso", "APPROVED"),
    ]
    assert templates[1].id == added.id
    assert templates[0].id == replaced.id
    async with httpx.AsyncClient() as http:
        listed = await http.get(
            f"{sandbox.url}/{GRAPH_VERSION}/{waba}/message_templates",
            headers={"Authorization": "Bearer t-556"},
        )
    assert [t["name"] for t in listed.json()["data"]] == ["lembrete", "aviso"]


async def test_a_template_without_a_body_is_refused(sandbox: SandboxHandle) -> None:
    response = await sandbox.client._http.post(
        f"/sandbox/wabas/{WABA_ID}/templates",
        json={"name": "sem_corpo", "language": "pt_BR", "components": [{"type": "FOOTER"}]},
    )

    assert response.status_code == 422


async def test_faults_aimed_at_template_reads_refuse_them_and_leave_sends_alone(
    sandbox: SandboxHandle, graph: httpx.AsyncClient
) -> None:
    await sandbox.client.add_fault("190", applies_to="message_templates", count=1)
    await sandbox.client.add_fault("500", applies_to="message_templates", count=1)

    expired = await graph.get(f"/{WABA_ID}/message_templates")
    down = await graph.get(f"/{WABA_ID}/message_templates")
    fine = await graph.get(f"/{WABA_ID}/message_templates")

    assert expired.status_code == 401
    assert expired.json()["error"]["code"] == 190
    assert expired.json()["error"]["error_subcode"] == 463
    assert down.status_code == 500
    assert down.json()["error"]["is_transient"] is True
    assert fine.status_code == 200
    reads = await sandbox.client.template_requests(WABA_ID)
    assert [r.http_status for r in reads] == [401, 500, 200]


async def test_a_held_template_read_answers_after_the_hold(
    sandbox: SandboxHandle, graph: httpx.AsyncClient
) -> None:
    await sandbox.client.add_fault(
        "timeout",
        applies_to="message_templates",
        hold_seconds=0.3,
        accept_after_hold=True,
        count=1,
    )

    started = time.monotonic()
    response = await graph.get(f"/{WABA_ID}/message_templates")

    assert response.status_code == 200
    assert time.monotonic() - started >= 0.3


async def test_a_template_fault_must_be_one_a_read_can_meet(sandbox: SandboxHandle) -> None:
    response = await sandbox.client._http.post(
        "/sandbox/faults", json={"code": "131026", "applies_to": "message_templates"}
    )

    assert response.status_code == 422


async def test_reset_forgets_the_reads_but_keeps_the_templates(
    sandbox: SandboxHandle, graph: httpx.AsyncClient
) -> None:
    await graph.get(f"/{WABA_ID}/message_templates")
    before = await sandbox.client.templates(WABA_ID)

    await sandbox.client.reset()

    assert await sandbox.client.template_requests() == []
    assert await sandbox.client.templates(WABA_ID) == before


async def test_the_before_cursor_goes_back_one_page(graph: httpx.AsyncClient) -> None:
    first = (await graph.get(f"/{WABA_ID}/message_templates", params={"limit": 2})).json()
    second = (
        await graph.get(
            f"/{WABA_ID}/message_templates",
            params={"limit": 2, "after": first["paging"]["cursors"]["after"]},
        )
    ).json()

    back = (
        await graph.get(
            f"/{WABA_ID}/message_templates",
            params={"limit": 2, "before": second["paging"]["cursors"]["before"]},
        )
    ).json()

    assert [t["id"] for t in back["data"]] == [t["id"] for t in first["data"]]
    assert [t["id"] for t in second["data"]] != [t["id"] for t in first["data"]]
