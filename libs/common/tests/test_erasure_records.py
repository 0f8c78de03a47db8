"""Reading contact.erased off the contacts topic: other events skipped, broken ones refused."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import orjson
import pytest

from mia_common.contracts import Envelope
from mia_common.contracts.contacts import ContactErased, ErasedMedia
from mia_common.messaging import PermanentError
from mia_common.messaging.erasure import ERASED_MEDIA_PER_PART, erased_event_of, erasure_parts


def erasure() -> Envelope[ContactErased]:
    contact_id = uuid.uuid4()
    return Envelope[ContactErased](
        type="contact.erased",
        source="/services/crm",
        tenantid=uuid.uuid4(),
        subject=str(contact_id),
        data=ContactErased(
            contact_id=contact_id, phones=["+5511987654321"], occurred_at=datetime.now(UTC)
        ),
    )


def test_an_erasure_is_read_whole() -> None:
    event = erasure()
    assert erased_event_of(orjson.dumps(event.to_json_dict())) == event


def test_the_topics_other_events_are_skipped() -> None:
    assert erased_event_of(orjson.dumps({"type": "contact.updated", "data": {}})) is None
    assert erased_event_of(b"not json at all") is None
    # A value naming the type does not make an erasure of another event.
    assert erased_event_of(orjson.dumps({"type": "contact.merged", "x": "contact.erased"})) is None


@pytest.mark.parametrize(
    "value",
    [b"contact.erased{", orjson.dumps({"type": "contact.erased", "data": {"contact_id": "x"}})],
)
def test_a_broken_erasure_is_dead_lettered(value: bytes) -> None:
    with pytest.raises(PermanentError):
        erased_event_of(value)


def erased_with(media: list[ErasedMedia]) -> ContactErased:
    return ContactErased(
        contact_id=uuid.uuid4(),
        phones=["+5511987654321"],
        channel_user_ids=["BR.123"],
        emails=["ana@example.com"],
        media=media,
        requested_by_user_id=uuid.uuid4(),
        occurred_at=datetime.now(UTC),
    )


def test_an_erasure_with_few_media_is_one_record() -> None:
    account = uuid.uuid4()
    erased = erased_with(
        [ErasedMedia(channel_account_id=account, media_id=str(n)) for n in range(3)]
    )

    assert erasure_parts(erased) == [erased]


def test_many_media_are_split_in_records_far_below_kafkas_limit_addresses_on_the_first() -> None:
    account = uuid.uuid4()
    media = [
        ErasedMedia(channel_account_id=account, media_id=f"{n:016d}")
        for n in range(ERASED_MEDIA_PER_PART * 2 + 5)
    ]
    erased = erased_with(media)

    parts = erasure_parts(erased)

    assert [(p.part, p.parts) for p in parts] == [(1, 3), (2, 3), (3, 3)]
    assert [item for p in parts for item in p.media] == media
    assert parts[0].phones == erased.phones
    assert parts[0].emails == erased.emails
    assert all(not p.phones and not p.channel_user_ids and not p.emails for p in parts[1:])
    assert {(p.contact_id, p.requested_by_user_id, p.occurred_at) for p in parts} == {
        (erased.contact_id, erased.requested_by_user_id, erased.occurred_at)
    }
    for part in parts:
        record = orjson.dumps(
            Envelope[ContactErased](
                type="contact.erased", source="/t", tenantid=uuid.uuid4(), data=part
            ).to_json_dict()
        )
        assert len(record) < 512 * 1024
        assert erased_event_of(record) is not None


def test_long_media_ids_are_split_by_size() -> None:
    account = uuid.uuid4()
    media = [ErasedMedia(channel_account_id=account, media_id=str(n) * 10_000) for n in range(60)]

    parts = erasure_parts(erased_with(media))

    assert len(parts) > 1
    assert [item for p in parts for item in p.media] == media
    assert all(len(orjson.dumps(p.model_dump(mode="json"))) < 300 * 1024 for p in parts)
