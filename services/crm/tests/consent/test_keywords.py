"""Opt-out and opt-in keywords in customers' messages: whole messages only, recorded,
published, and confirmed once when the tenant set a reply."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select

from mia_common.contracts import SendOrigin
from mia_common.contracts.contacts import ConsentStatus
from mia_common.testing import wait_until
from mia_crm.consent.keywords import KeywordCache, TenantKeywords
from mia_crm.consent.words import normalize_keyword
from mia_crm.models import ConsentEvent
from mia_crm.tenant_settings.service import TenantCrmSettings
from support import events
from support.consent import consent_marker, contact_events, is_marker, put_settings
from support.world import World

MARKER = {"type": "template", "name": "marker", "language": "en"}


async def consent_of(world: World, contact_id: str) -> dict[str, Any]:
    return dict(await world.get(f"/api/v1/contacts/{contact_id}/consent"))


@pytest.mark.parametrize("text", ["PARAR", " Stop! ", "descadastrar.", "🛑 Sair 🛑", "Baja"])
async def test_a_whole_message_keyword_opts_the_contact_out_of_the_channel(
    world: World, text: str
) -> None:
    message = await world.deliver(phone="+5511988887777", text=text)
    contact_id = (await world.conversation_of(message))["contact"]["id"]

    events = await contact_events(world, until=lambda e: e["data"].get("contact_id") == contact_id)

    [event] = [e for e in events if e["data"]["contact_id"] == contact_id]
    assert event["data"]["status"] == "opted_out"
    assert event["data"]["channel"] == "whatsapp"
    assert event["data"]["source"] == "keyword"
    assert event["data"]["actor_user_id"] is None
    whatsapp = (await consent_of(world, contact_id))["channels"][0]
    assert whatsapp["status"] == "opted_out"
    assert whatsapp["source"] == "keyword"


@pytest.mark.parametrize(
    "text", ["não quero parar", "Pode parar de mandar? obrigado", "stop by tomorrow", "PARAR" * 30]
)
async def test_a_keyword_inside_a_sentence_is_no_opt_out(world: World, text: str) -> None:
    message = await world.deliver(text=text)
    contact_id = (await world.conversation_of(message))["contact"]["id"]

    events = await contact_events(world, until=is_marker(await consent_marker(world, contact_id)))

    assert [e for e in events if e["data"]["channel"] == "whatsapp"] == []
    assert (await consent_of(world, contact_id))["channels"][0]["status"] is None


async def test_an_opt_in_keyword_after_an_opt_out_opts_back_in(world: World) -> None:
    await world.deliver(text="STOP")
    message = await world.deliver(text="Voltar!")
    contact_id = (await world.conversation_of(message))["contact"]["id"]

    consent = await consent_of(world, contact_id)

    assert consent["channels"][0]["status"] == "opted_in"
    assert [e["status"] for e in consent["history"]["items"]] == ["opted_in", "opted_out"]


async def test_the_confirmation_is_sent_once_even_when_the_keyword_is_redelivered(
    world: World,
) -> None:
    await put_settings(world, {"opt_out_reply": "Você não receberá mais mensagens."})
    keyword = world.inbound(text="PARAR")
    await world.publish(world.settings.inbound_topic, keyword)
    stored = await world.stored(keyword.data.external_message_id)
    # The same event again, and the same channel message under a new event id.
    await world.publish(world.settings.inbound_topic, keyword)
    await world.publish(
        world.settings.inbound_topic,
        world.inbound(text="PARAR", external_id=keyword.data.external_message_id),
    )
    await world.deliver(text="depois")  # handled after the redeliveries (same partition)

    marker = await world.reply(stored.conversation_id, MARKER)
    assert marker.status_code == 202, marker.text
    sent = await world.send_requests(stored.conversation_id, until=marker.json()["id"])

    confirmations = [env for _key, env in sent if env["data"]["content"]["type"] == "text"]
    assert len(confirmations) == 1
    request = confirmations[0]["data"]
    assert request["content"]["body"] == "Você não receberá mais mensagens."
    assert request["to"] == "+5511999990000"
    # The platform's own send, nobody's: not an agent's.
    assert request["origin"] == "system"
    assert request["origin_ref"] == request["request_id"]
    thread = await world.messages(stored.conversation_id)
    replies = [m for m in thread if m["direction"] == "out" and m["text"]]
    assert [m["text"] for m in replies] == ["Você não receberá mais mensagens."]
    assert replies[0]["sent_by_user_id"] is None
    contact_id = (await world.conversation_of(stored))["contact"]["id"]
    assert len((await consent_of(world, contact_id))["history"]["items"]) == 1


async def test_the_outcome_of_a_confirmation_is_applied_to_its_message(world: World) -> None:
    await put_settings(world, {"opt_out_reply": "Pronto."})
    stored = await world.deliver(text="PARAR")
    marker = await world.reply(stored.conversation_id, MARKER)
    sent = await world.send_requests(stored.conversation_id, until=marker.json()["id"])
    [confirmation] = [env["data"] for _key, env in sent if env["data"]["content"]["type"] == "text"]
    channel_id = events.wamid()

    await world.outcome(
        message_id=uuid.UUID(confirmation["request_id"]),
        external_id=channel_id,
        origin=SendOrigin.SYSTEM,
    )

    async def accepted() -> dict[str, Any] | None:
        message = await world.message(stored.conversation_id, confirmation["request_id"])
        return message if message["status"] == "accepted" else None

    message = await wait_until(accepted, timeout=30, message="the confirmation accepted")
    assert message["external_message_id"] == channel_id


async def test_without_a_reply_set_nothing_is_sent(world: World) -> None:
    stored = await world.deliver(text="STOP")

    marker = await world.reply(stored.conversation_id, MARKER)
    sent = await world.send_requests(stored.conversation_id, until=marker.json()["id"])

    assert [env["data"]["content"]["type"] for _key, env in sent] == ["template"]


async def test_a_tenants_own_keywords_count_from_the_next_message(world: World) -> None:
    await put_settings(world, {"opt_out_keywords": ["Chega"], "opt_in_keywords": ["Quero"]})
    await world.deliver(text="STOP")  # no longer a keyword here
    message = await world.deliver(text="chega!!")
    contact_id = (await world.conversation_of(message))["contact"]["id"]

    consent = await consent_of(world, contact_id)

    assert [e["status"] for e in consent["history"]["items"]] == ["opted_out"]


async def test_keywords_of_one_tenant_do_not_count_in_another(world: World) -> None:
    await put_settings(world, {"opt_out_keywords": ["Chega"]})
    other_tenant = uuid.uuid4()
    envelope = events.inbound(tenant_id=other_tenant, account_id=uuid.uuid4(), text="chega")
    await world.publish(world.settings.inbound_topic, envelope)
    await world.stored(envelope.data.external_message_id, envelope.data.channel_account_id)

    async with world.app.state.context.infra.sessions() as session:
        rows = (
            await session.scalars(
                select(ConsentEvent).where(ConsentEvent.tenant_id == other_tenant)
            )
        ).all()
    assert rows == []


async def test_the_cache_reads_a_tenants_keywords_again_after_its_time_to_live(
    world: World,
) -> None:
    now = [0.0]
    cache = KeywordCache(ttl_seconds=30, clock=lambda: now[0])
    async with world.app.state.context.infra.sessions() as session:
        first = (await cache.of_tenants(session, [world.tenant_id]))[world.tenant_id]
        await put_settings(world, {"opt_out_keywords": ["Chega"]})
        now[0] = 29
        cached = (await cache.of_tenants(session, [world.tenant_id]))[world.tenant_id]
        now[0] = 31
        fresh = (await cache.of_tenants(session, [world.tenant_id]))[world.tenant_id]

    assert "stop" in first.opt_out
    assert cached is first
    assert fresh.opt_out == {"chega"}


def test_a_word_in_both_lists_is_an_opt_out() -> None:
    keywords = TenantKeywords.of(
        TenantCrmSettings(
            tenant_id=uuid.uuid4(), opt_out_keywords=("SAIR",), opt_in_keywords=("sair",)
        )
    )

    assert keywords.status_of("Sair") is ConsentStatus.OPTED_OUT


@pytest.mark.parametrize(
    ("text", "word"),
    [("  PARAR  ", "parar"), ("Pará!", "para"), ("não quero", "nao quero"), ("...", "")],
)
def test_normalizing_drops_case_accents_and_the_punctuation_around(text: str, word: str) -> None:
    assert normalize_keyword(text) == word
