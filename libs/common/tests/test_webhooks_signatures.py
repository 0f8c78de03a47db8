"""The providers' webhook signatures: Meta's ``X-Hub-Signature-256``, ``X-Twilio-Signature``."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from mia_common.webhooks import (
    hub_signature_matches,
    public_request_url,
    twilio_signature,
    twilio_signature_matches,
)

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


def test_twilio_documented_example_computes_twilios_signature() -> None:
    assert twilio_signature(DOC_URL, DOC_PARAMS, DOC_TOKEN) == DOC_SIGNATURE
    assert twilio_signature_matches(
        url=DOC_URL, params=DOC_PARAMS, header=DOC_SIGNATURE, auth_token=DOC_TOKEN
    )


def test_parameter_order_on_the_wire_does_not_matter() -> None:
    assert twilio_signature_matches(
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
    assert not twilio_signature_matches(url=url, params=params, header=header, auth_token=token)


def test_default_port_spelled_or_not_both_match() -> None:
    # Twilio's helper libraries' tests: the same request signed with the port written out.
    with_443 = "kvajT1Ptam85bY51eRf/AJRuM3w="
    assert twilio_signature_matches(
        url=DOC_URL, params=DOC_PARAMS, header=with_443, auth_token=DOC_TOKEN
    )
    http_with_80 = "0ZXoZLH/DfblKGATFgpif+LLRf4="
    assert twilio_signature_matches(
        url=DOC_URL.replace("https", "http"),
        params=DOC_PARAMS,
        header=http_with_80,
        auth_token=DOC_TOKEN,
    )
    assert twilio_signature_matches(
        url="https://mycompany.com:443/myapp.php?foo=1&bar=2",
        params=DOC_PARAMS,
        header=DOC_SIGNATURE,
        auth_token=DOC_TOKEN,
    )


def test_repeated_parameter_contributes_every_value_in_order() -> None:
    params = [("Sid", "CA123"), ("SidAccount", "AC123"), ("Digits", "5678"), ("Digits", "1234")]
    assert twilio_signature(DOC_URL, params, DOC_TOKEN) == "IK+Dwps556ElfBT0I3Rgjkr1wJU="


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


BODY = b'{"object":"whatsapp_business_account","entry":[]}'
APP_SECRET = "meta-app-secret"


def _hub(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_meta_signature_of_the_raw_body_with_the_app_secret_matches() -> None:
    assert hub_signature_matches(BODY, _hub(BODY, APP_SECRET), APP_SECRET)
    assert hub_signature_matches(
        BODY, _hub(BODY, APP_SECRET).upper().replace("SHA256=", "sha256="), APP_SECRET
    )


@pytest.mark.parametrize(
    "header",
    [None, "", "sha256=", "sha1=abc", _hub(BODY + b" ", APP_SECRET), _hub(BODY, "other")],
    ids=["missing", "empty", "no-digest", "other-scheme", "other-body", "other-secret"],
)
def test_meta_signature_that_does_not_fit_fails(header: str | None) -> None:
    assert not hub_signature_matches(BODY, header, APP_SECRET)
