"""The Twilio credentials check against the fake Twilio: one fetch of the Account resource,
and what each answer means in words a person acts on."""

from __future__ import annotations

import secrets

import pytest

from mia_sender.providers.base import ErrorAction, ProviderError
from mia_sender.providers.twilio import TwilioCredentials, TwilioProvider
from support.fake_twilio import FakeAccount, FakeTwilio


def credentials(account: FakeAccount, *, auth_token: str | None = None) -> TwilioCredentials:
    return TwilioCredentials(
        account_sid=account.sid,
        auth_token=auth_token or account.auth_token,
        from_number="+15005550006",
        messaging_service_sid=None,
        status_callback_url=None,
    )


async def check_refused(provider: TwilioProvider, creds: TwilioCredentials) -> ProviderError:
    with pytest.raises(ProviderError) as caught:
        await provider.check(creds)
    return caught.value


async def test_right_credentials_show_the_account_but_never_its_auth_token(
    fake_twilio: FakeTwilio, provider: TwilioProvider
) -> None:
    account = fake_twilio.add_account()

    details = await provider.check(credentials(account))

    assert details == {
        "sid": account.sid,
        "friendly_name": account.friendly_name,
        "status": "active",
        "type": "Full",
    }
    assert account.auth_token not in str(details)
    assert fake_twilio.fetches == [account.sid]


async def test_a_wrong_auth_token_is_refused_as_wrong_credentials(
    fake_twilio: FakeTwilio, provider: TwilioProvider
) -> None:
    account = fake_twilio.add_account()

    error = await check_refused(provider, credentials(account, auth_token=secrets.token_hex(16)))

    assert (error.code, error.action, error.http_status) == (
        "20003",
        ErrorAction.PAUSE_ACCOUNT,
        401,
    )
    assert error.title == "Twilio did not accept the Account SID and auth token"
    assert "Twilio Console" in (error.detail or "")


async def test_an_unknown_account_sid_is_refused_as_wrong_credentials(
    fake_twilio: FakeTwilio, provider: TwilioProvider
) -> None:
    stranger = FakeAccount(sid="AC" + "0" * 32, auth_token="0" * 32, numbers=frozenset())

    error = await check_refused(provider, credentials(stranger))

    assert (error.code, error.http_status) == ("20003", 401)


@pytest.mark.parametrize("status", ["suspended", "closed"])
async def test_a_suspended_or_closed_account_is_said_so_though_the_credentials_work(
    fake_twilio: FakeTwilio, provider: TwilioProvider, status: str
) -> None:
    account = fake_twilio.add_account()
    fake_twilio.set_status(account.sid, status)  # type: ignore[arg-type]

    error = await check_refused(provider, credentials(account))

    assert (error.code, error.action) == (f"account_{status}", ErrorAction.PAUSE_ACCOUNT)
    assert error.title == f"Twilio has {status} this account"
    assert "credentials are right" in (error.detail or "")


async def test_twilio_failing_is_a_try_again_later(
    fake_twilio: FakeTwilio, provider: TwilioProvider
) -> None:
    account = fake_twilio.add_account()
    fake_twilio.fail_next_fetches(1, http_status=503, code=20503, message="Service unavailable")

    error = await check_refused(provider, credentials(account))

    assert (error.code, error.action, error.http_status) == ("20503", ErrorAction.RETRY, 503)
    assert error.title == "Twilio could not answer now; try again shortly"


async def test_twilio_unreachable_or_silent_is_said_so(fake_twilio: FakeTwilio) -> None:
    account = fake_twilio.add_account()
    # Port 9 (discard) has no listener here: the connection is refused at once.
    unreachable = TwilioProvider(base_url="http://127.0.0.1:9", timeout=1.0)
    slow = TwilioProvider(base_url=fake_twilio.url, timeout=0.2)
    fake_twilio.stall_next_fetches(1, seconds=1.0)
    try:
        refused = await check_refused(unreachable, credentials(account))
        silent = await check_refused(slow, credentials(account))
    finally:
        await unreachable.aclose()
        await slow.aclose()

    assert (refused.code, refused.title) == (
        "connection_failed",
        "could not reach Twilio; try again shortly",
    )
    assert (silent.code, silent.title) == (
        "timeout",
        "Twilio did not answer in time; try again shortly",
    )
