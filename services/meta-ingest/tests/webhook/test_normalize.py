"""How Meta's webhook bodies become normalized messages, statuses and template updates."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from mia_common.contracts.messages import Channel, MessageKind, StatusValue
from mia_meta_ingest.webhook.normalize import (
    NormalizedBatch,
    NormalizedMessage,
    NormalizedStatus,
    normalize,
    to_inbound_contract,
    to_status_contract,
)
from mia_meta_ingest.webhook.payloads import WebhookBody
from support import payloads as p

ACCOUNT = uuid.UUID("00000000-0000-4000-8000-00000000a11c")
SENT_AT = datetime(2025, 6, 8, 20, 59, 43, tzinfo=UTC)


def parse(raw: dict[str, Any]) -> NormalizedBatch:
    return normalize(WebhookBody.model_validate(raw))


def only_message(raw_message: dict[str, Any], **contact: Any) -> NormalizedMessage:
    batch = parse(p.inbound(raw_message, **contact))
    assert batch.statuses == []
    assert batch.ignored == []
    [message] = batch.inbound
    return message


def only_status(raw_status: dict[str, Any], **more: Any) -> NormalizedStatus:
    batch = parse(p.body(p.entry(p.messages_change(statuses=[raw_status], **more))))
    [status] = batch.statuses
    return status


# Messages: kind, text, media and details per type.


def test_text_message_carries_its_body_and_where_it_arrived() -> None:
    raw = p.text_message("Does it come in blue?")
    message = only_message(raw)

    assert message.kind is MessageKind.TEXT
    assert message.text == "Does it come in blue?"
    assert message.media is None
    assert message.message_id == raw["id"] == message.dedupe_key
    assert message.waba_id == p.WABA_ID
    assert message.phone_number_id == p.PHONE_NUMBER_ID
    assert message.display_phone_number == p.DISPLAY_PHONE_NUMBER
    assert message.contact.wa_id == p.WA_ID
    assert message.contact.name == "Sheena Nelson"


def test_timestamps_become_utc_datetimes() -> None:
    message = only_message(p.text_message())

    assert message.sent_at == SENT_AT
    assert message.sent_at.tzinfo is UTC


@pytest.mark.parametrize(
    ("builder", "kind", "mime_type", "caption"),
    [
        (p.image_message, MessageKind.IMAGE, "image/jpeg", "Black, please"),
        (p.audio_message, MessageKind.AUDIO, "audio/ogg; codecs=opus", None),
        (p.video_message, MessageKind.VIDEO, "video/mp4", "Unboxing"),
        (p.document_message, MessageKind.DOCUMENT, "application/pdf", "Here is the invoice"),
        (p.sticker_message, MessageKind.STICKER, "image/webp", None),
    ],
)
def test_media_messages_reference_the_media_and_use_the_caption_as_text(
    builder: Any, kind: MessageKind, mime_type: str, caption: str | None
) -> None:
    raw = builder()
    message = only_message(raw)

    assert message.kind is kind
    assert message.text == caption
    assert message.media is not None
    assert message.media.media_id == raw[raw["type"]]["id"]
    assert message.media.mime_type == mime_type
    assert message.media.sha256 == raw[raw["type"]]["sha256"]
    assert message.media.caption == caption


def test_document_keeps_its_filename() -> None:
    message = only_message(p.document_message())

    assert message.media is not None
    assert message.media.filename == "invoice-42.pdf"


def test_voice_note_is_audio_flagged_as_voice() -> None:
    message = only_message(p.audio_message(voice=True))

    assert message.kind is MessageKind.AUDIO
    assert message.extra["voice"] is True


def test_media_without_mime_type_still_gets_one() -> None:
    raw = p.image_message()
    del raw["image"]["mime_type"]

    message = only_message(raw)

    assert message.media is not None
    assert message.media.mime_type == "application/octet-stream"


def test_location_gives_name_and_address_as_text_and_coordinates_in_extra() -> None:
    message = only_message(p.location_message())

    assert message.kind is MessageKind.LOCATION
    assert message.text == "MASP, Av. Paulista, 1578, São Paulo"
    assert message.extra["latitude"] == pytest.approx(-23.5613)
    assert message.extra["longitude"] == pytest.approx(-46.6565)
    assert message.extra["url"] == "https://masp.org.br"


def test_shared_contacts_are_kept_raw() -> None:
    raw = p.contacts_message()
    message = only_message(raw)

    assert message.kind is MessageKind.CONTACTS
    assert message.text is None
    assert message.extra["contacts"] == raw["contacts"]


def test_button_reply_gives_its_title_as_text_and_its_id_in_extra() -> None:
    message = only_message(p.interactive_button_reply())

    assert message.kind is MessageKind.INTERACTIVE
    assert message.text == "Change"
    assert message.extra["reply_id"] == "change-order"
    assert message.extra["interactive_type"] == "button_reply"
    assert message.reply_to == "wamid.ASK"


def test_list_reply_keeps_the_row_description() -> None:
    message = only_message(p.interactive_list_reply())

    assert message.kind is MessageKind.INTERACTIVE
    assert message.text == "Express"
    assert message.extra["reply_id"] == "priority-express"
    assert message.extra["reply_description"] == "Next day"


def test_flow_reply_keeps_the_response_json() -> None:
    message = only_message(p.interactive_nfm_reply())

    assert message.kind is MessageKind.INTERACTIVE
    assert message.extra["interactive_type"] == "nfm_reply"
    assert message.extra["flow_response_json"] == '{"flow_token": "tok-1", "size": "M"}'


def test_template_button_gives_its_text_and_our_payload() -> None:
    message = only_message(p.button_message())

    assert message.kind is MessageKind.BUTTON
    assert message.text == "Stop promotions"
    assert message.extra["button_payload"] == "stop-promotions"
    assert message.reply_to == "wamid.TEMPLATE"


def test_reaction_gives_the_emoji_and_the_message_reacted_to() -> None:
    message = only_message(p.reaction_message())

    assert message.kind is MessageKind.REACTION
    assert message.text == "\N{THUMBS UP SIGN}"
    assert message.extra["reaction_to"] == "wamid.OURS"


def test_removed_reaction_has_no_emoji() -> None:
    message = only_message(p.reaction_message(emoji=None))

    assert message.kind is MessageKind.REACTION
    assert message.text is None


def test_unsupported_message_keeps_metas_errors() -> None:
    message = only_message(p.unsupported_message())

    assert message.kind is MessageKind.UNSUPPORTED
    assert message.extra["meta_type"] == "unsupported"
    assert message.extra["errors"][0]["code"] == 131051


def test_unknown_message_type_is_unsupported_with_its_raw_type() -> None:
    raw = p.text_message()
    raw["type"] = "order"
    raw["order"] = {"catalog_id": "1", "product_items": []}

    message = only_message(raw)

    assert message.kind is MessageKind.UNSUPPORTED
    assert message.extra["meta_type"] == "order"


def test_system_message_is_unsupported_with_the_event_in_extra() -> None:
    message = only_message(p.system_message())

    assert message.kind is MessageKind.UNSUPPORTED
    assert message.text is not None
    assert message.text.startswith("User Sheena Nelson changed")
    assert message.extra["system"]["type"] == "user_changed_number"
    assert message.extra["system"]["wa_id"] == "5511988880000"


def test_referral_from_an_ad_is_kept_raw() -> None:
    referral = {"source_type": "ad", "source_id": "120210", "headline": "Summer sale"}
    message = only_message(p.text_message(referral=referral))

    assert message.extra["referral"] == referral


# Contacts: phone number, business-scoped user id, or both.


def test_user_id_only_message_has_no_phone_number() -> None:
    raw = p.text_message(wa_id=None, user_id=p.USER_ID)
    message = only_message(raw, wa_id=None, user_id=p.USER_ID)

    assert message.contact.wa_id is None
    assert message.contact.user_id == p.USER_ID
    assert message.contact.name == "Sheena Nelson"


def test_user_id_only_message_becomes_a_contract_without_from_address() -> None:
    raw = p.text_message(wa_id=None, user_id=p.USER_ID)
    message = only_message(raw, wa_id=None, user_id=p.USER_ID)

    contract = to_inbound_contract(message, ACCOUNT)

    assert contract is not None
    assert contract.from_address is None
    assert contract.from_user_id == p.USER_ID


def test_message_with_neither_id_has_no_contract() -> None:
    raw = p.text_message(wa_id=None)
    batch = parse(p.body(p.entry(p.messages_change(messages=[raw]))))
    [message] = batch.inbound

    assert message.contact.wa_id is None
    assert message.contact.user_id is None
    assert to_inbound_contract(message, ACCOUNT) is None


def test_user_id_found_only_in_contacts_is_joined_to_the_message() -> None:
    message = only_message(p.text_message(), user_id=p.USER_ID)

    assert message.contact.wa_id == p.WA_ID
    assert message.contact.user_id == p.USER_ID


def test_wa_id_and_user_id_both_reach_the_contract() -> None:
    message = only_message(p.text_message(user_id=p.USER_ID), user_id=p.USER_ID)

    contract = to_inbound_contract(message, ACCOUNT)

    assert contract is not None
    assert contract.channel is Channel.WHATSAPP_CLOUD
    assert contract.channel_account_id == ACCOUNT
    assert contract.from_address == f"+{p.WA_ID}"
    assert contract.from_user_id == p.USER_ID
    assert contract.to_address == p.PHONE_NUMBER_ID
    assert contract.contact_name == "Sheena Nelson"
    assert contract.external_message_id == message.message_id
    assert contract.sent_at == SENT_AT


def test_user_id_under_the_plain_user_id_key_is_accepted() -> None:
    raw = p.text_message(wa_id=None)
    raw["user_id"] = p.USER_ID

    message = only_message(raw, wa_id=None, user_id=p.USER_ID)

    assert message.contact.user_id == p.USER_ID


def test_media_message_contract_carries_the_media_and_reply() -> None:
    message = only_message(p.interactive_button_reply())

    contract = to_inbound_contract(message, ACCOUNT)

    assert contract is not None
    assert contract.kind is MessageKind.INTERACTIVE
    assert contract.reply_to_external_id == "wamid.ASK"
    assert contract.extra["reply_id"] == "change-order"


# Statuses.


@pytest.mark.parametrize("value", ["sent", "delivered", "read", "deleted"])
def test_status_values_map_to_ours(value: str) -> None:
    status = only_status(p.status(value))

    assert status.status is StatusValue(value)
    assert status.error is None
    assert status.message_id == "wamid.SENT"
    assert status.occurred_at == SENT_AT
    assert status.contact.wa_id == p.WA_ID


def test_statuses_of_one_message_have_distinct_dedupe_keys() -> None:
    delivered = only_status(p.status("delivered"))
    read = only_status(p.status("read"))

    assert delivered.message_id == read.message_id
    assert delivered.dedupe_key != read.dedupe_key


def test_status_keeps_our_callback_data_pricing_and_conversation() -> None:
    status = only_status(p.delivered_status())

    assert status.send_request_id == "7b3c9a1e-0000-4000-8000-000000000001"
    assert status.extra["pricing"]["category"] == "service"
    assert status.extra["conversation"]["id"] == "CONVERSATION_ID"


def test_failed_status_carries_a_permanent_error() -> None:
    status = only_status(p.failed_status(code=131047))

    assert status.status is StatusValue.FAILED
    assert status.error is not None
    assert status.error.code == "131047"
    assert status.error.title == "Re-engagement message"
    assert status.error.detail == "More than 24 hours have passed since the customer last replied."
    assert status.error.permanent is True
    assert status.send_request_id == "7b3c9a1e-0000-4000-8000-000000000002"
    assert status.extra["pricing"]["category"] == "marketing"


def test_failed_status_with_a_transient_code_is_not_permanent() -> None:
    status = only_status(p.failed_status(code=131000))

    assert status.error is not None
    assert status.error.permanent is False


def test_status_contract_carries_error_and_send_request_id() -> None:
    status = only_status(p.failed_status())

    contract = to_status_contract(status, ACCOUNT)

    assert contract is not None
    assert contract.recipient == f"+{p.WA_ID}"
    assert contract.status is StatusValue.FAILED
    assert contract.error == status.error
    assert contract.send_request_id == status.send_request_id
    assert contract.extra["pricing"] == status.extra["pricing"]


def test_status_to_a_user_id_only_recipient_has_a_contract_without_phone() -> None:
    raw = p.status(recipient_id=None, recipient_user_id=p.USER_ID)
    status = only_status(raw, contacts=[p.contact(wa_id=None, user_id=p.USER_ID)])

    contract = to_status_contract(status, ACCOUNT)

    assert status.contact.user_id == p.USER_ID
    assert contract is not None
    assert contract.recipient is None
    assert contract.recipient_user_id == p.USER_ID


def test_status_we_do_not_track_is_reported_as_ignored() -> None:
    batch = parse(p.body(p.entry(p.messages_change(statuses=[p.status("played")]))))

    assert batch.statuses == []
    assert any("played" in reason for reason in batch.ignored)


# Template updates and the body as a whole.


def test_template_status_update_is_normalized() -> None:
    batch = parse(p.body(p.entry(p.template_status_change(), waba_id="0", time=1749416383)))

    [update] = batch.templates
    assert update.template_id == "806312974732579"
    assert update.name == "order_confirmation"
    assert update.language == "pt_BR"
    assert update.event == "REJECTED"
    assert update.reason == "INVALID_FORMAT"
    assert update.occurred_at == SENT_AT


def test_unknown_change_field_is_reported_as_ignored() -> None:
    other = {"field": "account_update", "value": {"event": "VERIFIED_ACCOUNT"}}

    batch = parse(p.body(p.entry(other)))

    assert batch.inbound == batch.statuses == batch.templates == []
    assert batch.ignored == [f"waba {p.WABA_ID}: change field 'account_update'"]


def test_several_entries_and_changes_are_all_flattened() -> None:
    raw = p.body(
        p.entry(
            p.messages_change(contacts=[p.contact()], messages=[p.text_message()]),
            p.messages_change(statuses=[p.status("sent"), p.failed_status()]),
        ),
        p.entry(
            p.messages_change(
                contacts=[p.contact(wa_id="5521988887777")],
                messages=[p.image_message(wa_id="5521988887777")],
                phone_number_id="106540352242999",
            ),
            p.template_status_change("APPROVED", reason="NONE"),
            waba_id="102290129349999",
        ),
    )

    batch = parse(raw)

    assert [m.kind for m in batch.inbound] == [MessageKind.TEXT, MessageKind.IMAGE]
    assert batch.inbound[1].waba_id == "102290129349999"
    assert batch.inbound[1].phone_number_id == "106540352242999"
    assert batch.inbound[1].contact.wa_id == "5521988887777"
    assert [s.status for s in batch.statuses] == [StatusValue.SENT, StatusValue.FAILED]
    assert [t.event for t in batch.templates] == ["APPROVED"]


def test_unknown_fields_anywhere_are_ignored() -> None:
    raw = p.inbound(p.text_message(brand_new_flag=True))
    raw["brand_new_top"] = 1
    raw["entry"][0]["changes"][0]["value"]["brand_new_list"] = [1, 2]
    raw["entry"][0]["changes"][0]["value"]["contacts"][0]["identity_key_hash"] = "abc"

    batch = parse(raw)

    assert [m.kind for m in batch.inbound] == [MessageKind.TEXT]


def test_missing_message_id_is_a_validation_error() -> None:
    raw = p.inbound(p.text_message())
    del raw["entry"][0]["changes"][0]["value"]["messages"][0]["id"]

    with pytest.raises(ValidationError, match="id"):
        WebhookBody.model_validate(raw)


def test_malformed_timestamp_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="timestamp"):
        WebhookBody.model_validate(p.inbound(p.text_message(timestamp="yesterday")))


def test_body_of_another_object_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="object"):
        WebhookBody.model_validate({"object": "page", "entry": []})
