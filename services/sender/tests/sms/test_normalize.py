"""Twilio's webhook forms mapped onto our status and inbound contracts."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from mia_common.contracts.messages import Channel, MessageKind, StatusValue
from mia_sender.sms.normalize import to_inbound_message, to_message_status
from mia_sender.sms.payloads import InboundSms, StatusCallback, parse_form

ACCOUNT = uuid.uuid4()
NOW = datetime(2026, 5, 4, 12, 30, tzinfo=UTC)
SID = "SM" + "a" * 32


def report(status: str, **more: str) -> StatusCallback:
    form = {
        "SmsSid": SID,
        "SmsStatus": status,
        "MessageStatus": status,
        "To": "+5511999990000",
        "MessageSid": SID,
        "AccountSid": "AC" + "b" * 32,
        "From": "+15005550006",
        "ApiVersion": "2010-04-01",
        **more,
    }
    return StatusCallback.model_validate(form)


@pytest.mark.parametrize(
    ("twilio", "ours"),
    [
        ("sent", StatusValue.SENT),
        ("delivered", StatusValue.DELIVERED),
        ("read", StatusValue.READ),
        ("undelivered", StatusValue.FAILED),
        ("failed", StatusValue.FAILED),
    ],
)
def test_delivery_statuses_map_onto_ours(twilio: str, ours: StatusValue) -> None:
    status = to_message_status(report(twilio), account_id=ACCOUNT, received_at=NOW)
    assert status is not None
    assert (status.channel, status.status, status.external_message_id) == (Channel.SMS, ours, SID)
    assert (status.recipient, status.occurred_at) == ("+5511999990000", NOW)
    assert status.extra["twilio_status"] == twilio


@pytest.mark.parametrize("step", ["queued", "sending", "accepted", "scheduled", "receiving"])
def test_steps_before_the_message_left_twilio_publish_nothing(step: str) -> None:
    assert to_message_status(report(step), account_id=ACCOUNT, received_at=NOW) is None


@pytest.mark.parametrize(
    ("code", "title", "permanent"),
    [
        ("30003", "unreachable destination handset", False),
        ("30005", "unknown destination handset", True),
        ("30006", "landline or unreachable carrier", True),
        ("30007", "message filtered by the carrier", True),
        ("30008", "unknown error", False),
        ("39999", "delivery failed", False),
    ],
)
def test_failed_delivery_carries_twilios_error_code(code: str, title: str, permanent: bool) -> None:
    status = to_message_status(
        report("undelivered", ErrorCode=code), account_id=ACCOUNT, received_at=NOW
    )
    assert status is not None
    assert status.error is not None
    assert (status.error.code, status.error.title, status.error.permanent) == (
        code,
        title,
        permanent,
    )


def test_failure_without_error_code_still_says_it_failed() -> None:
    status = to_message_status(report("failed"), account_id=ACCOUNT, received_at=NOW)
    assert status is not None
    assert status.error is not None
    assert status.error.code == "unknown"


def inbound_form(raw: bytes) -> InboundSms:
    return InboundSms.model_validate(dict(parse_form(raw)))


def test_inbound_text_sms() -> None:
    sms = inbound_form(
        b"ToCountry=US&SmsMessageSid=SM1&NumMedia=0&SmsSid=SM1&SmsStatus=received"
        b"&Body=Ol%C3%A1%2C+ainda+tem+o+vestido+azul%3F&FromCountry=BR&To=%2B15005550006"
        b"&NumSegments=1&MessageSid=SM1&AccountSid=AC1&From=%2B5511999990000&ApiVersion=2010-04-01"
    )
    message = to_inbound_message(sms, account_id=ACCOUNT, received_at=NOW)
    assert message.kind is MessageKind.TEXT
    assert message.text == "Olá, ainda tem o vestido azul?"
    assert (message.from_address, message.to_address) == ("+5511999990000", "+15005550006")
    assert (message.external_message_id, message.sent_at, message.media) == ("SM1", NOW, None)
    assert message.extra == {"num_segments": 1, "from_country": "BR"}


@pytest.mark.parametrize(
    ("content_type", "kind"),
    [
        ("image/jpeg", MessageKind.IMAGE),
        ("audio/amr", MessageKind.AUDIO),
        ("video/mp4", MessageKind.VIDEO),
        ("text/vcard", MessageKind.DOCUMENT),
    ],
)
def test_inbound_mms_kind_follows_the_first_media_type(
    content_type: str, kind: MessageKind
) -> None:
    sms = InboundSms.model_validate(
        {
            "MessageSid": "MM1",
            "From": "+5511999990000",
            "To": "+15005550006",
            "Body": "",
            "NumMedia": "2",
            "MediaUrl0": "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1",
            "MediaContentType0": content_type,
            "MediaUrl1": "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME2",
            "MediaContentType1": "image/png",
        }
    )
    message = to_inbound_message(sms, account_id=ACCOUNT, received_at=NOW)
    assert message.kind is kind
    assert message.text is None
    assert message.media is not None
    assert message.media.media_id.endswith("/Media/ME1")
    assert message.media.mime_type == content_type
    assert [item["url"][-3:] for item in message.extra["media"]] == ["ME1", "ME2"]


def test_sender_that_is_not_a_phone_number_is_kept_as_a_user_id() -> None:
    sms = InboundSms.model_validate(
        {"MessageSid": "SM2", "From": "22395", "To": "+15005550006", "Body": "STOP"}
    )
    message = to_inbound_message(sms, account_id=ACCOUNT, received_at=NOW)
    assert (message.from_address, message.from_user_id) == (None, "22395")
