"""Reading contact.erased off the contacts topic: other events skipped, broken ones refused."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import orjson
import pytest

from mia_common.contracts import Envelope
from mia_common.contracts.contacts import ContactErased
from mia_common.messaging import PermanentError
from mia_common.messaging.erasure import erased_event_of


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
