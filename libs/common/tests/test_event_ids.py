"""Event ids sort in the order they were made, which the outbox relies on."""

from __future__ import annotations

from mia_common.contracts.envelope import new_event_id


def test_ids_made_in_a_burst_sort_in_the_order_they_were_made() -> None:
    ids = [new_event_id() for _ in range(20_000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_ids_are_version_7_with_the_rfc_variant() -> None:
    event_id = new_event_id()
    assert event_id.version == 7
    assert event_id.variant == "specified in RFC 4122"
