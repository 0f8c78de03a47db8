"""The Twilio client against the fake Twilio: what it sends, and how refusals read."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from mia_common.contracts import Channel, SendOrigin, SendRequest
from mia_common.contracts.messages import MediaContent, TemplateContent, TextContent
from mia_sender.providers.base import ErrorAction, OutcomeUnknown, ProviderError
from mia_sender.providers.twilio import TwilioCredentials, TwilioProvider, render_template_text
from support.fake_twilio import FakeAccount, FakeTwilio

OUR_NUMBER = "+15005550006"
CUSTOMER = "+5511999990000"


def credentials(
    account: FakeAccount,
    *,
    auth_token: str | None = None,
    from_number: str | None = OUR_NUMBER,
    messaging_service_sid: str | None = None,
    status_callback_url: str | None = None,
) -> TwilioCredentials:
    return TwilioCredentials(
        account_sid=account.sid,
        auth_token=auth_token or account.auth_token,
        from_number=from_number,
        messaging_service_sid=messaging_service_sid,
        status_callback_url=status_callback_url,
    )


def send_request(content: Any = None, *, to: str | None = CUSTOMER, **fields: Any) -> SendRequest:
    return SendRequest(
        request_id=uuid.uuid4(),
        channel=Channel.SMS,
        channel_account_id=uuid.uuid4(),
        to=to,
        content=content or TextContent(body="Olá! Seu pedido saiu para entrega."),
        origin=SendOrigin.AGENT,
        **fields,
    )


async def refused(
    provider: TwilioProvider, creds: TwilioCredentials, request: SendRequest
) -> ProviderError:
    with pytest.raises(ProviderError) as caught:
        await provider.send(creds, request)
    return caught.value


async def test_accepted_text_returns_the_message_sid_and_posts_twilios_form(
    fake_twilio: FakeTwilio, provider: TwilioProvider
) -> None:
    account = fake_twilio.add_account(numbers=[OUR_NUMBER])
    creds = credentials(account, status_callback_url="http://127.0.0.1:9/cb")

    request = send_request()
    accepted = await provider.send(creds, request)

    sent = fake_twilio.message(accepted.external_message_id)
    assert accepted.external_message_id.startswith("SM")
    assert len(accepted.external_message_id) == 34
    assert accepted.details["status"] == "queued"
    assert (sent.to, sent.from_, sent.body) == (
        CUSTOMER,
        OUR_NUMBER,
        "Olá! Seu pedido saiu para entrega.",
    )
    assert sent.status_callback is not None
    assert sent.status_callback == f"http://127.0.0.1:9/cb?request_id={request.request_id}"
    assert len(fake_twilio.attempts) == 1, "one send request, one call"


async def test_messaging_service_is_preferred_over_the_from_number(
    fake_twilio: FakeTwilio, provider: TwilioProvider
) -> None:
    account = fake_twilio.add_account(numbers=[OUR_NUMBER])
    service = "MG" + uuid.uuid4().hex
    accepted = await provider.send(
        credentials(account, messaging_service_sid=service), send_request()
    )
    sent = fake_twilio.message(accepted.external_message_id)
    assert (sent.messaging_service_sid, sent.from_) == (service, None)
    assert accepted.details["status"] == "accepted"


async def test_media_with_a_link_goes_as_media_url_with_its_caption(
    fake_twilio: FakeTwilio, provider: TwilioProvider
) -> None:
    account = fake_twilio.add_account()
    media = MediaContent(kind="image", link="https://cdn.example.test/p.jpg", caption="o vestido")
    accepted = await provider.send(credentials(account), send_request(media))
    sent = fake_twilio.message(accepted.external_message_id)
    assert sent.media_urls == ["https://cdn.example.test/p.jpg"]
    assert sent.body == "o vestido"


async def test_template_with_body_text_is_sent_as_plain_text(
    fake_twilio: FakeTwilio, provider: TwilioProvider
) -> None:
    account = fake_twilio.add_account()
    template = TemplateContent(
        name="pedido_enviado",
        language="pt_BR",
        components=[
            {
                "type": "body",
                "text": "Olá {{1}}, seu pedido {{2}} saiu.",
                "parameters": [{"type": "text", "text": "Ana"}, {"type": "text", "text": "#42"}],
            }
        ],
    )
    accepted = await provider.send(credentials(account), send_request(template))
    assert fake_twilio.message(accepted.external_message_id).body == "Olá Ana, seu pedido #42 saiu."


def test_named_template_parameters_fill_named_placeholders() -> None:
    template = TemplateContent(
        name="x",
        language="en",
        components=[
            {
                "type": "BODY",
                "text": "Hi {{first_name}}",
                "parameters": [{"type": "text", "parameter_name": "first_name", "text": "Bo"}],
            }
        ],
    )
    assert render_template_text(template) == "Hi Bo"


@pytest.mark.parametrize(
    "content",
    [
        TemplateContent(name="promo", language="pt_BR"),
        TemplateContent(
            name="promo",
            language="pt_BR",
            components=[{"type": "body", "text": "Oi {{1}} e {{2}}", "parameters": []}],
        ),
        MediaContent(kind="image", media_id="1234567890"),
    ],
    ids=["template-without-text", "template-missing-a-value", "media-without-link"],
)
async def test_content_sms_cannot_carry_is_refused_without_a_call(
    fake_twilio: FakeTwilio, provider: TwilioProvider, content: Any
) -> None:
    account = fake_twilio.add_account()
    error = await refused(provider, credentials(account), send_request(content))
    assert (error.code, error.action) == ("unsupported_content", ErrorAction.FAIL)
    assert fake_twilio.attempts == []


async def test_recipient_known_only_by_channel_user_id_fails_without_a_call(
    fake_twilio: FakeTwilio, provider: TwilioProvider
) -> None:
    account = fake_twilio.add_account()
    request = send_request(to=None, to_user_id="BR.1234567890abcdef")
    error = await refused(provider, credentials(account), request)
    assert (error.code, error.action) == ("sms_needs_phone", ErrorAction.FAIL)
    assert fake_twilio.attempts == []


async def test_account_without_any_sender_is_paused(
    fake_twilio: FakeTwilio, provider: TwilioProvider
) -> None:
    account = fake_twilio.add_account()
    error = await refused(provider, credentials(account, from_number=None), send_request())
    assert (error.code, error.action) == ("sms_no_sender", ErrorAction.PAUSE_ACCOUNT)
    assert fake_twilio.attempts == []


async def test_rate_limit_is_retried_after_what_twilio_says(
    fake_twilio: FakeTwilio, provider: TwilioProvider
) -> None:
    account = fake_twilio.add_account()
    fake_twilio.fail_next_sends(
        1, http_status=429, code=20429, message="Too Many Requests", retry_after="7"
    )
    error = await refused(provider, credentials(account), send_request())
    assert (error.code, error.action, error.http_status) == ("20429", ErrorAction.RETRY, 429)
    assert error.retry_after_seconds == 7
    # The next attempt goes through: the limit was momentary.
    assert (await provider.send(credentials(account), send_request())).external_message_id


async def test_server_error_is_retried(fake_twilio: FakeTwilio, provider: TwilioProvider) -> None:
    account = fake_twilio.add_account()
    fake_twilio.fail_next_sends(1, http_status=500, code=20500, message="Internal Server Error")
    error = await refused(provider, credentials(account), send_request())
    assert (error.code, error.action, error.http_status) == ("20500", ErrorAction.RETRY, 500)
    assert error.retry_after_seconds is None


async def test_answer_lost_after_the_request_went_out_is_an_unknown_outcome(
    fake_twilio: FakeTwilio,
) -> None:
    account = fake_twilio.add_account()
    fake_twilio.stall_next_sends(1, seconds=2)
    impatient = TwilioProvider(base_url=fake_twilio.url, timeout=0.2)
    try:
        with pytest.raises(OutcomeUnknown, match="ReadTimeout"):
            await impatient.send(credentials(account), send_request())
    finally:
        await impatient.aclose()


async def test_unreachable_twilio_is_retried_as_it_never_saw_the_request() -> None:
    # Nothing listens on port 9 of the loopback: the connection is refused.
    unreachable = TwilioProvider(base_url="http://127.0.0.1:9", timeout=2.0)
    creds = TwilioCredentials("AC" + "0" * 32, "token", OUR_NUMBER, None, None)
    try:
        error = await refused(unreachable, creds, send_request())
    finally:
        await unreachable.aclose()
    assert (error.code, error.action) == ("connection_failed", ErrorAction.RETRY)


async def test_wrong_auth_token_pauses_the_account(
    fake_twilio: FakeTwilio, provider: TwilioProvider
) -> None:
    account = fake_twilio.add_account()
    wrong = credentials(account, auth_token="not-the-token")
    error = await refused(provider, wrong, send_request())
    assert (error.code, error.action, error.http_status) == (
        "20003",
        ErrorAction.PAUSE_ACCOUNT,
        401,
    )


@pytest.mark.parametrize(
    ("recipient", "code"),
    [
        ("+15005550001", "21211"),
        ("+15005550002", "21612"),
        ("+15005550003", "21408"),
        ("+15005550004", "21610"),
        ("+15005550009", "21614"),
    ],
)
async def test_recipients_twilio_refuses_fail_for_good(
    fake_twilio: FakeTwilio, provider: TwilioProvider, recipient: str, code: str
) -> None:
    account = fake_twilio.add_account()
    error = await refused(provider, credentials(account), send_request(to=recipient))
    assert (error.code, error.action, error.http_status) == (code, ErrorAction.FAIL, 400)
    assert error.permanent


async def test_recipient_who_replied_stop_fails_with_21610(
    fake_twilio: FakeTwilio, provider: TwilioProvider
) -> None:
    account = fake_twilio.add_account()
    fake_twilio.opted_out.add(CUSTOMER)
    error = await refused(provider, credentials(account), send_request())
    assert (error.code, error.action) == ("21610", ErrorAction.FAIL)
    assert "unsubscribed" in error.title


async def test_from_number_not_of_the_account_fails_with_21606(
    fake_twilio: FakeTwilio, provider: TwilioProvider
) -> None:
    account = fake_twilio.add_account(numbers=[OUR_NUMBER])
    foreign = credentials(account, from_number="+15005550099")
    error = await refused(provider, foreign, send_request())
    assert (error.code, error.action) == ("21606", ErrorAction.FAIL)


async def test_unknown_client_error_fails_with_twilios_message(
    fake_twilio: FakeTwilio, provider: TwilioProvider
) -> None:
    account = fake_twilio.add_account()
    fake_twilio.fail_next_sends(1, http_status=400, code=21999, message="Something new")
    error = await refused(provider, credentials(account), send_request())
    assert (error.code, error.action, error.title) == ("21999", ErrorAction.FAIL, "Something new")
    assert error.detail is not None
    assert "https://www.twilio.com/docs/errors/21999" in error.detail


def test_credentials_never_show_the_auth_token() -> None:
    creds = TwilioCredentials("AC" + "1" * 32, "very-secret", OUR_NUMBER, None, None)
    assert "very-secret" not in repr(creds)
