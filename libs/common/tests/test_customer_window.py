"""The 24-hour customer-service window rule, as the crm and the sender both apply it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mia_common.customer_window import (
    CUSTOMER_SERVICE_WINDOW,
    needs_open_window,
    reply_window,
    window_open,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_the_window_is_open_for_24_hours_after_the_customers_last_message() -> None:
    assert window_open(NOW - timedelta(hours=23, minutes=59), now=NOW)
    assert not window_open(NOW - CUSTOMER_SERVICE_WINDOW, now=NOW), "it closes at 24 h exactly"
    assert not window_open(NOW - timedelta(days=3), now=NOW)


def test_a_customer_who_never_wrote_has_no_window() -> None:
    assert not window_open(None, now=NOW)
    assert reply_window(channel="whatsapp_cloud", last_inbound_at=None, now=NOW).closes_at is None


def test_whatsapp_cloud_reply_window_says_when_it_closes() -> None:
    last = NOW - timedelta(hours=2)
    window = reply_window(channel="whatsapp_cloud", last_inbound_at=last, now=NOW)
    assert window.open
    assert window.closes_at == last + timedelta(hours=24)
    closed = reply_window(
        channel="whatsapp_cloud", last_inbound_at=NOW - timedelta(days=2), now=NOW
    )
    assert not closed.open


def test_sms_has_no_window_so_it_is_always_open() -> None:
    window = reply_window(channel="sms", last_inbound_at=None, now=NOW)
    assert window.open
    assert window.closes_at is None


def test_free_form_content_needs_the_window_and_templates_do_not() -> None:
    assert needs_open_window("text")
    assert needs_open_window("media")
    assert needs_open_window("typing")
    assert not needs_open_window("template")
