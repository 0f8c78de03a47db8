"""Twilio's webhooks end to end: the fake Twilio posts, our router checks and publishes on
real Kafka; we read the topics back."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from mia_common.contracts import Channel, SendOrigin, SendRequest
from mia_common.contracts.messages import TextContent
from mia_sender.providers.twilio import TwilioCredentials, TwilioProvider
from mia_sender.sms.events import event_id
from mia_sender.sms.urls import inbound_webhook_url, status_callback_url
from support.fake_twilio import FakeTwilio

OUR_NUMBER = "+15005550006"
CUSTOMER = "+5511999990000"
ReadTopic = Callable[..., Awaitable[list[Any]]]


def text_to(number: str, account_id: uuid.UUID) -> SendRequest:
    return SendRequest(
        request_id=uuid.uuid4(),
        channel=Channel.SMS,
        channel_account_id=account_id,
        to=number,
        content=TextContent(body="Seu pedido saiu para entrega."),
        origin=SendOrigin.CAMPAIGN,
    )


async def test_delivery_reports_of_a_sent_sms_become_status_events(
    fake_twilio: FakeTwilio,
    provider: TwilioProvider,
    sms_accounts: Any,
    webhook_url: str,
    sms_topics: dict[str, str],
    read_topic: ReadTopic,
) -> None:
    twilio = fake_twilio.add_account(numbers=[OUR_NUMBER])
    account = sms_accounts.register(twilio)
    creds = TwilioCredentials(
        account_sid=twilio.sid,
        auth_token=twilio.auth_token,
        from_number=OUR_NUMBER,
        messaging_service_sid=None,
        status_callback_url=status_callback_url(webhook_url, account.account_id),
    )

    request = text_to(CUSTOMER, account.account_id)
    sid = (await provider.send(creds, request)).external_message_id

    callbacks = await fake_twilio.wait_for_callbacks(sid, 3)
    assert [(c.params["MessageStatus"], c.status_code) for c in callbacks] == [
        ("queued", 200),
        ("sent", 200),
        ("delivered", 200),
    ]
    published = await read_topic(sms_topics["status"], expected=2)
    assert [p.event["data"]["status"] for p in published] == ["sent", "delivered"], (
        "queued is not news; sent and delivered are, in order"
    )
    delivered = published[1]
    assert delivered.key == f"{account.tenant_id}:{account.account_id}:{CUSTOMER}".encode()
    assert delivered.event["id"] == str(event_id(account.account_id, sid, "delivered"))
    assert delivered.event["type"] == "messages.status.v1"
    assert delivered.event["tenantid"] == str(account.tenant_id)
    data = delivered.event["data"]
    assert (data["channel"], data["channel_account_id"]) == ("sms", str(account.account_id))
    assert (data["external_message_id"], data["recipient"]) == (sid, CUSTOMER)
    assert data["error"] is None
    assert data["send_request_id"] == str(request.request_id), "echoed through the URL"


async def test_undelivered_report_carries_twilios_error(
    fake_twilio: FakeTwilio,
    provider: TwilioProvider,
    sms_accounts: Any,
    webhook_url: str,
    sms_topics: dict[str, str],
    read_topic: ReadTopic,
) -> None:
    twilio = fake_twilio.add_account()
    account = sms_accounts.register(twilio)
    fake_twilio.fail_delivery_to(CUSTOMER, outcome="undelivered", error_code="30007")
    creds = TwilioCredentials(
        twilio.sid,
        twilio.auth_token,
        OUR_NUMBER,
        None,
        status_callback_url(webhook_url, account.account_id),
    )

    sid = (await provider.send(creds, text_to(CUSTOMER, account.account_id))).external_message_id

    await fake_twilio.wait_for_callbacks(sid, 3)
    published = await read_topic(sms_topics["status"], expected=2)
    failed = published[-1].event["data"]
    assert failed["status"] == "failed"
    assert failed["error"] == {
        "code": "30007",
        "title": "message filtered by the carrier",
        "detail": None,
        "permanent": True,
    }
    assert failed["extra"]["twilio_status"] == "undelivered"


async def test_callback_twilio_retries_yields_the_same_event(
    fake_twilio: FakeTwilio,
    sms_accounts: Any,
    webhook_url: str,
    sms_topics: dict[str, str],
    read_topic: ReadTopic,
) -> None:
    twilio = fake_twilio.add_account()
    account = sms_accounts.register(twilio)
    url = status_callback_url(webhook_url, account.account_id)
    params = [
        ("MessageSid", "SM" + uuid.uuid4().hex),
        ("MessageStatus", "delivered"),
        ("To", CUSTOMER),
        ("From", OUR_NUMBER),
        ("AccountSid", twilio.sid),
    ]

    first = await fake_twilio.post_signed(url, params, twilio.auth_token)
    retry = await fake_twilio.post_signed(url, params, twilio.auth_token)

    assert (first.status_code, retry.status_code) == (200, 200)
    published = await read_topic(sms_topics["status"], expected=2)
    assert len({p.event["id"] for p in published}) == 1, "consumers dedupe the retry by id"


async def test_badly_signed_callbacks_are_refused_and_publish_nothing(
    fake_twilio: FakeTwilio,
    sms_accounts: Any,
    webhook_url: str,
    sms_topics: dict[str, str],
    read_topic: ReadTopic,
) -> None:
    twilio = fake_twilio.add_account()
    account = sms_accounts.register(twilio)
    url = status_callback_url(webhook_url, account.account_id)
    params = [("MessageSid", "SM" + uuid.uuid4().hex), ("MessageStatus", "sent"), ("To", CUSTOMER)]

    forged = await fake_twilio.post_signed(url, params, "not-the-auth-token")
    other_url = await fake_twilio.post_signed(
        url, params, twilio.auth_token, signed_url=url + "?x=1"
    )
    async with httpx.AsyncClient() as http:
        unsigned = await http.post(
            url,
            content="MessageSid=SM1&MessageStatus=sent&To=%2B5511999990000",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

    assert (forged.status_code, other_url.status_code, unsigned.status_code) == (403, 403, 403)
    assert forged.headers["content-type"] == "application/problem+json"
    assert forged.json()["code"] == "bad_signature"
    assert await read_topic(sms_topics["status"], expected=0) == []


async def test_inbound_sms_becomes_an_inbound_event_answered_with_empty_twiml(
    fake_twilio: FakeTwilio,
    sms_accounts: Any,
    webhook_url: str,
    sms_topics: dict[str, str],
    read_topic: ReadTopic,
) -> None:
    twilio = fake_twilio.add_account(numbers=[OUR_NUMBER])
    account = sms_accounts.register(twilio)

    answer = await fake_twilio.send_inbound(
        inbound_webhook_url(webhook_url, account.account_id),
        account=twilio,
        from_number=CUSTOMER,
        to_number=OUR_NUMBER,
        body="Olá, ainda tem o vestido azul?",
    )

    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/xml")
    assert answer.text == '<?xml version="1.0" encoding="UTF-8"?><Response/>'
    [published] = await read_topic(sms_topics["inbound"], expected=1)
    sid = fake_twilio.callbacks[-1].params["MessageSid"]
    assert published.key == f"{account.tenant_id}:{account.account_id}:{CUSTOMER}".encode()
    assert published.event["id"] == str(event_id(account.account_id, sid, "inbound"))
    assert published.event["type"] == "messages.inbound.v1"
    data = published.event["data"]
    assert (data["channel"], data["kind"], data["text"]) == (
        "sms",
        "text",
        "Olá, ainda tem o vestido azul?",
    )
    assert (data["from_address"], data["to_address"], data["external_message_id"]) == (
        CUSTOMER,
        OUR_NUMBER,
        sid,
    )


async def test_inbound_mms_carries_twilios_media_url(
    fake_twilio: FakeTwilio,
    sms_accounts: Any,
    webhook_url: str,
    sms_topics: dict[str, str],
    read_topic: ReadTopic,
) -> None:
    twilio = fake_twilio.add_account()
    account = sms_accounts.register(twilio)

    answer = await fake_twilio.send_inbound(
        inbound_webhook_url(webhook_url, account.account_id),
        account=twilio,
        from_number=CUSTOMER,
        to_number=OUR_NUMBER,
        body="olha esse",
        media=[("image/jpeg", "vestido.jpg")],
    )

    assert answer.status_code == 200
    [published] = await read_topic(sms_topics["inbound"], expected=1)
    data = published.event["data"]
    media_url = fake_twilio.callbacks[-1].params["MediaUrl0"]
    assert (data["kind"], data["text"]) == ("image", "olha esse")
    assert data["media"]["media_id"] == media_url
    assert data["media"]["mime_type"] == "image/jpeg"


async def test_signature_is_checked_against_the_public_url_behind_a_proxy(
    fake_twilio: FakeTwilio,
    sms_accounts: Any,
    serve_webhooks: Any,
    sms_topics: dict[str, str],
    read_topic: ReadTopic,
) -> None:
    twilio = fake_twilio.add_account()
    account = sms_accounts.register(twilio)
    public = inbound_webhook_url("https://sms.example.test", account.account_id)

    async with serve_webhooks(public_url="https://sms.example.test") as webhook_url:
        local = inbound_webhook_url(webhook_url, account.account_id)
        as_configured = await fake_twilio.send_inbound(
            local,
            account=twilio,
            from_number=CUSTOMER,
            to_number=OUR_NUMBER,
            body="oi",
            signed_url=public,
        )
        as_seen_locally = await fake_twilio.send_inbound(
            local, account=twilio, from_number=CUSTOMER, to_number=OUR_NUMBER, body="oi"
        )

    assert (as_configured.status_code, as_seen_locally.status_code) == (200, 403)
    assert len(await read_topic(sms_topics["inbound"], expected=1)) == 1


async def test_unknown_account_is_not_found(
    fake_twilio: FakeTwilio, webhook_url: str, sms_topics: dict[str, str]
) -> None:
    twilio = fake_twilio.add_account()
    params = [("MessageSid", "SM1"), ("MessageStatus", "sent"), ("To", CUSTOMER)]
    for account_id in (str(uuid.uuid4()), "not-a-uuid"):
        url = f"{webhook_url}/webhooks/twilio/{account_id}/status"
        answer = await fake_twilio.post_signed(url, params, twilio.auth_token)
        assert answer.status_code == 404
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["code"] == "unknown_account"


async def test_signed_but_unreadable_callback_is_dead_lettered_and_answered_200(
    fake_twilio: FakeTwilio,
    sms_accounts: Any,
    webhook_url: str,
    sms_topics: dict[str, str],
    read_topic: ReadTopic,
) -> None:
    twilio = fake_twilio.add_account()
    account = sms_accounts.register(twilio)
    url = status_callback_url(webhook_url, account.account_id)

    answer = await fake_twilio.post_signed(url, [("MessageStatus", "sent")], twilio.auth_token)

    assert answer.status_code == 200, "Twilio retrying it cannot make it readable"
    assert await read_topic(sms_topics["status"], expected=0) == []
    [dead] = await read_topic(sms_topics["status"] + ".dlq", expected=1, raw=True)
    assert dead.event == b"MessageStatus=sent"
