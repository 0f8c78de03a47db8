"""Checking ``X-Twilio-Signature`` as Twilio computes it."""

from __future__ import annotations

import pytest

from mia_sender.sms.signature import compute_signature, public_request_url, signature_matches
from support.fake_twilio import twilio_signature

# Twilio's documented example (its security guide and its helper libraries' tests).
DOC_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
DOC_TOKEN = "12345"
DOC_PARAMS = [
    ("CallSid", "CA1234567890ABCDE"),
    ("Caller", "+14158675309"),
    ("Digits", "1234"),
    ("From", "+14158675309"),
    ("To", "+18005551212"),
]
DOC_SIGNATURE = "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def test_documented_example_computes_twilios_signature() -> None:
    assert compute_signature(DOC_URL, DOC_PARAMS, DOC_TOKEN) == DOC_SIGNATURE
    assert signature_matches(
        url=DOC_URL, params=DOC_PARAMS, header=DOC_SIGNATURE, auth_token=DOC_TOKEN
    )


def test_parameter_order_on_the_wire_does_not_matter() -> None:
    assert signature_matches(
        url=DOC_URL, params=reversed(DOC_PARAMS), header=DOC_SIGNATURE, auth_token=DOC_TOKEN
    )


@pytest.mark.parametrize(
    ("url", "params", "header", "token"),
    [
        (DOC_URL, [*DOC_PARAMS[:-1], ("To", "+18005551213")], DOC_SIGNATURE, DOC_TOKEN),
        (DOC_URL.replace("foo=1", "foo=2"), DOC_PARAMS, DOC_SIGNATURE, DOC_TOKEN),
        (DOC_URL.replace("https", "http"), DOC_PARAMS, DOC_SIGNATURE, DOC_TOKEN),
        (DOC_URL, DOC_PARAMS, DOC_SIGNATURE, "54321"),
        (DOC_URL, DOC_PARAMS, None, DOC_TOKEN),
        (DOC_URL, DOC_PARAMS, "", DOC_TOKEN),
        (DOC_URL, DOC_PARAMS, "não-ascii", DOC_TOKEN),
        (DOC_URL, DOC_PARAMS, DOC_SIGNATURE, ""),
    ],
    ids=[
        "param-changed",
        "query-changed",
        "scheme-changed",
        "other-token",
        "no-header",
        "empty-header",
        "garbage-header",
        "no-token",
    ],
)
def test_anything_changed_fails_the_check(
    url: str, params: list[tuple[str, str]], header: str | None, token: str
) -> None:
    assert not signature_matches(url=url, params=params, header=header, auth_token=token)


def test_default_port_spelled_or_not_both_match() -> None:
    # Twilio's helper libraries' tests: the same request signed with the port written out.
    with_443 = "kvajT1Ptam85bY51eRf/AJRuM3w="
    assert signature_matches(url=DOC_URL, params=DOC_PARAMS, header=with_443, auth_token=DOC_TOKEN)
    http_with_80 = "0ZXoZLH/DfblKGATFgpif+LLRf4="
    assert signature_matches(
        url=DOC_URL.replace("https", "http"),
        params=DOC_PARAMS,
        header=http_with_80,
        auth_token=DOC_TOKEN,
    )
    assert signature_matches(
        url="https://mycompany.com:443/myapp.php?foo=1&bar=2",
        params=DOC_PARAMS,
        header=DOC_SIGNATURE,
        auth_token=DOC_TOKEN,
    )


def test_repeated_parameter_contributes_every_value_in_order() -> None:
    params = [("Sid", "CA123"), ("SidAccount", "AC123"), ("Digits", "5678"), ("Digits", "1234")]
    assert compute_signature(DOC_URL, params, DOC_TOKEN) == "IK+Dwps556ElfBT0I3Rgjkr1wJU="


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
    assert compute_signature(url, params, token) == twilio_signature(url, params, token)


def test_public_url_replaces_what_the_app_sees_behind_a_proxy() -> None:
    assert (
        public_request_url(
            public_base_url="https://sms.example.test/",
            path="/webhooks/twilio/abc/status",
            query="x=1&y=%2B55",
        )
        == "https://sms.example.test/webhooks/twilio/abc/status?x=1&y=%2B55"
    )
    assert (
        public_request_url(public_base_url="https://example.test/sender", path="/webhooks/a")
        == "https://example.test/sender/webhooks/a"
    )
