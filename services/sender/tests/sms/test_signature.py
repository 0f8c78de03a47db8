"""Our Twilio signature check (``mia_common.webhooks``) against the fake Twilio's signing,
written apart from it from Twilio's documentation, so the two check each other."""

from __future__ import annotations

from mia_common.webhooks import twilio_signature
from support.fake_twilio import twilio_signature as fake_twilio_signature


def test_fake_twilio_signs_the_way_we_check() -> None:
    params = [
        ("Body", "Olá, tudo bem? 100% & + ="),
        ("From", "+5511999990000"),
        ("MediaUrl0", "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"),
        ("NumMedia", "1"),
        ("ToZip", ""),
    ]
    url = "https://sms.example.test/webhooks/twilio/abc/inbound"
    token = "f" * 32
    assert twilio_signature(url, params, token) == fake_twilio_signature(url, params, token)
