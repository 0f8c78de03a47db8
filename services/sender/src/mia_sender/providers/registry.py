"""Which provider client sends for which channel, and the credentials it gets.

The dispatcher picks a ``ProviderEntry`` by the account's channel; the entry opens the
account's sealed secrets into the provider's own credentials type just before a call. A
secret that does not open, or that no provider could accept (saved before its format was
checked), raises ``UnusableCredentials`` there, before any call is made.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mia_common.contracts import Channel
from mia_common.crypto import DecryptionError
from mia_sender.accounts.credentials import UnusableCredentials
from mia_sender.accounts.formats import stored_credential_problem
from mia_sender.accounts.secrets import AccountSecrets
from mia_sender.config import SenderSettings
from mia_sender.models import ChannelAccount
from mia_sender.providers.base import Provider
from mia_sender.providers.meta import MetaCredentials, MetaProvider
from mia_sender.providers.twilio import TwilioCredentials, TwilioProvider
from mia_sender.sms.urls import status_callback_url

__all__ = ["ProviderEntry", "ProviderRegistry", "build_registry", "opened", "usable"]

CredentialsBuilder = Callable[[ChannelAccount], Any]
Opener = Callable[[Any, str], str]


@dataclass(frozen=True, slots=True)
class ProviderEntry:
    provider: Provider
    credentials: CredentialsBuilder


class ProviderRegistry:
    def __init__(self, entries: dict[Channel, ProviderEntry]) -> None:
        self._entries = entries

    def for_channel(self, channel: str) -> ProviderEntry | None:
        try:
            return self._entries.get(Channel(channel))
        except ValueError:
            return None

    async def aclose(self) -> None:
        for entry in self._entries.values():
            await entry.provider.aclose()


def usable(name: str, value: str | None) -> str:
    """``value`` of the stored credential ``name``, once it is one the provider can take."""
    if not value:
        raise UnusableCredentials("credentials_missing", f"The account has no {_words(name)}.")
    problem = stored_credential_problem(name, value)
    if problem is not None:
        raise UnusableCredentials("credentials_invalid", problem)
    return value


def opened(account: ChannelAccount, name: str, sealed: str | None, opener: Opener) -> str:
    """The stored secret ``name`` of ``account``, opened and checked (see ``usable``)."""
    if not sealed:
        return usable(name, None)
    try:
        value = opener(account.id, sealed)
    except DecryptionError as exc:
        raise UnusableCredentials(
            "credentials_unreadable",
            f"The stored {_words(name)} cannot be opened with the platform's key ring "
            f"({exc}); enter it again.",
        ) from exc
    return usable(name, value)


def _words(name: str) -> str:
    return name.replace("_", " ")


def build_registry(settings: SenderSettings, secrets: AccountSecrets) -> ProviderRegistry:
    def meta_credentials(account: ChannelAccount) -> MetaCredentials:
        return MetaCredentials(
            phone_number_id=account.phone_number_id or "",
            access_token=opened(
                account, "access_token", account.access_token_sealed, secrets.open_access_token
            ),
        )

    def twilio_credentials(account: ChannelAccount) -> TwilioCredentials:
        return TwilioCredentials(
            account_sid=usable("account_sid", account.account_sid),
            auth_token=opened(
                account, "auth_token", account.auth_token_sealed, secrets.open_auth_token
            ),
            from_number=account.from_number,
            messaging_service_sid=account.messaging_service_sid,
            status_callback_url=status_callback_url(settings.public_url, account.id),
        )

    meta = MetaProvider(
        graph_url=settings.meta_graph_url,
        graph_version=settings.meta_graph_version,
        timeout=settings.provider_timeout_seconds,
        max_connections=settings.provider_max_connections,
    )
    twilio = TwilioProvider(settings.twilio_url, settings.provider_timeout_seconds)
    return ProviderRegistry(
        {
            Channel.WHATSAPP_CLOUD: ProviderEntry(meta, meta_credentials),
            Channel.SMS: ProviderEntry(twilio, twilio_credentials),
        }
    )
