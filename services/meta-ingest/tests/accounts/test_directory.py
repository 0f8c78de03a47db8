"""The account directory in memory: the table's ordering rules, secrets unsealed once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from mia_common.contracts import Channel, ChannelAccountState, ChannelAccountStatus
from mia_common.contracts.channels import (
    access_token_associated_data,
    app_secret_associated_data,
)
from mia_common.crypto import KeyRing
from mia_meta_ingest.accounts.directory import AccountDirectory

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


class CountingKeyRing(KeyRing):
    """A key ring that counts how often a secret is opened."""

    opened = 0

    def decrypt_text(self, token: str, *, associated_data: bytes = b"") -> str:
        type(self).opened += 1
        return super().decrypt_text(token, associated_data=associated_data)


def ring() -> CountingKeyRing:
    CountingKeyRing.opened = 0
    return CountingKeyRing({"k1": bytes(range(32))})


def state(
    key_ring: KeyRing,
    account_id: uuid.UUID,
    *,
    at: datetime = T0,
    status: ChannelAccountStatus = ChannelAccountStatus.ACTIVE,
    phone_number_id: str = "106540352242922",
    waba_id: str = "102290129340398",
    app_secret: str | None = "app-secret",  # noqa: S107 - a test fixture
    channel: Channel = Channel.WHATSAPP_CLOUD,
) -> ChannelAccountState:
    """``app_secret=None``: no secrets at all (the sender's deletions carry none)."""
    return ChannelAccountState(
        channel_account_id=account_id,
        tenant_id=uuid.UUID(int=7),
        channel=channel,
        status=status,
        phone_number_id=phone_number_id,
        waba_id=waba_id,
        app_secret_sealed=None
        if app_secret is None
        else key_ring.encrypt_text(
            app_secret, associated_data=app_secret_associated_data(account_id)
        ),
        access_token_sealed=None
        if app_secret is None
        else key_ring.encrypt_text(
            "token", associated_data=access_token_associated_data(account_id)
        ),
        updated_at=at,
    )


def deletion(key_ring: KeyRing, account_id: uuid.UUID, *, at: datetime) -> ChannelAccountState:
    """A deletion as the sender publishes it: no secrets."""
    return state(key_ring, account_id, at=at, status=ChannelAccountStatus.DELETED, app_secret=None)


def test_an_account_is_found_by_number_and_business_account_with_its_secrets_open() -> None:
    key_ring = ring()
    directory = AccountDirectory(key_ring)
    account_id = uuid.uuid4()
    directory.apply(state(key_ring, account_id))

    known = directory.by_phone_number_id("106540352242922")
    assert known is not None
    assert known.id == account_id
    assert (known.app_secret, known.access_token) == ("app-secret", "token")
    assert directory.by_waba_id("102290129340398") == [known]
    assert directory.get(account_id) == known
    assert "app-secret" not in repr(known), "secrets stay out of logs"


def test_secrets_are_unsealed_once_per_version_not_per_replay_or_lookup() -> None:
    key_ring = ring()
    directory = AccountDirectory(key_ring)
    account_id = uuid.uuid4()
    first = state(key_ring, account_id)

    directory.apply(first)
    directory.apply(first)  # the topic replayed
    for _ in range(100):
        directory.by_phone_number_id("106540352242922")
    assert CountingKeyRing.opened == 2, "app secret and access token, once"

    directory.apply(state(key_ring, account_id, at=T0 + timedelta(seconds=1)))
    assert CountingKeyRing.opened == 4


def test_an_older_state_never_undoes_a_newer_one() -> None:
    key_ring = ring()
    directory = AccountDirectory(key_ring)
    account_id = uuid.uuid4()
    directory.apply(state(key_ring, account_id, at=T0, app_secret="new"))
    older = state(key_ring, account_id, at=T0 - timedelta(hours=1), app_secret="old")

    assert not directory.is_news(older)
    directory.apply(older)
    known = directory.get(account_id)
    assert known is not None
    assert known.app_secret == "new"


def test_a_deletion_removes_the_account_and_older_states_do_not_bring_it_back() -> None:
    key_ring = ring()
    directory = AccountDirectory(key_ring)
    account_id = uuid.uuid4()
    directory.apply(state(key_ring, account_id, at=T0))
    directory.apply(
        state(
            key_ring, account_id, at=T0 + timedelta(minutes=1), status=ChannelAccountStatus.DELETED
        )
    )
    assert directory.get(account_id) is None
    assert directory.by_phone_number_id("106540352242922") is None
    assert directory.by_waba_id("102290129340398") == []

    directory.apply(state(key_ring, account_id, at=T0))  # replayed from the topic's start
    assert directory.get(account_id) is None
    directory.apply(state(key_ring, account_id, at=T0 + timedelta(minutes=2)))
    assert directory.get(account_id) is not None, "re-created after the deletion"


def test_a_deletion_older_than_the_account_is_ignored() -> None:
    key_ring = ring()
    directory = AccountDirectory(key_ring)
    account_id = uuid.uuid4()
    directory.apply(state(key_ring, account_id, at=T0))
    directory.apply(
        state(key_ring, account_id, at=T0 - timedelta(1), status=ChannelAccountStatus.DELETED)
    )
    assert directory.get(account_id) is not None


def test_a_number_that_moves_to_another_account_is_answered_by_that_account() -> None:
    key_ring = ring()
    directory = AccountDirectory(key_ring)
    first, second = uuid.uuid4(), uuid.uuid4()
    directory.apply(state(key_ring, first, phone_number_id="111"))
    directory.apply(state(key_ring, first, at=T0 + timedelta(1), phone_number_id="222"))
    directory.apply(state(key_ring, second, at=T0 + timedelta(2), phone_number_id="111"))

    moved = directory.by_phone_number_id("222")
    taken = directory.by_phone_number_id("111")
    assert moved is not None
    assert moved.id == first
    assert taken is not None
    assert taken.id == second


def test_secrets_that_do_not_open_leave_the_account_without_them() -> None:
    key_ring = ring()
    directory = AccountDirectory(key_ring)
    account_id = uuid.uuid4()
    other_keys = KeyRing({"k9": bytes(32)})
    directory.apply(state(other_keys, account_id))

    known = directory.get(account_id)
    assert known is not None
    assert (known.app_secret, known.access_token) == (None, None)


def test_accounts_of_other_channels_or_without_a_number_are_not_ours() -> None:
    key_ring = ring()
    directory = AccountDirectory(key_ring)
    directory.apply(state(key_ring, uuid.uuid4(), channel=Channel.SMS))
    directory.apply(state(key_ring, uuid.uuid4(), phone_number_id=""))
    assert len(directory) == 0


def test_a_deleted_account_is_retired_with_the_secret_it_had() -> None:
    key_ring = ring()
    directory = AccountDirectory(key_ring)
    account_id = uuid.uuid4()
    directory.apply(state(key_ring, account_id, app_secret="old-app"))
    directory.apply(deletion(key_ring, account_id, at=T0 + timedelta(minutes=1)))

    assert directory.get(account_id) is None
    [retired] = directory.retired_by_phone_number_id("106540352242922")
    assert (retired.id, retired.app_secret) == (account_id, "old-app")
    assert retired.retired_at == T0 + timedelta(minutes=1)
    assert directory.retired_by_waba_id("102290129340398") == [retired]
    assert directory.app_secrets() == ("old-app",)
    assert "old-app" not in repr(retired)


def test_app_secrets_are_every_distinct_secret_live_or_retired() -> None:
    key_ring = ring()
    directory = AccountDirectory(key_ring)
    shared, own, gone = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    directory.apply(state(key_ring, shared, phone_number_id="1", app_secret="shared-app"))
    directory.apply(state(key_ring, own, phone_number_id="2", app_secret="shared-app"))
    directory.apply(state(key_ring, gone, phone_number_id="3", app_secret="gone-app"))
    assert directory.app_secrets() == ("shared-app", "gone-app")

    directory.apply(deletion(key_ring, gone, at=T0 + timedelta(1)))
    assert directory.app_secrets() == ("shared-app", "gone-app"), "retired, still known"
    directory.apply(
        state(key_ring, own, at=T0 + timedelta(1), phone_number_id="2", app_secret="new")
    )
    assert directory.app_secrets() == ("shared-app", "new", "gone-app")


def test_a_deletion_carrying_a_secret_retires_an_account_this_process_never_saw() -> None:
    key_ring = ring()
    directory = AccountDirectory(key_ring)
    account_id = uuid.uuid4()
    gone = state(key_ring, account_id, status=ChannelAccountStatus.DELETED, app_secret="s")

    assert directory.is_news(gone)
    directory.apply(gone)
    assert [r.app_secret for r in directory.retired_by_phone_number_id("106540352242922")] == ["s"]
    assert not directory.is_news(gone), "replayed: already retired"
    assert not directory.is_news(deletion(key_ring, uuid.uuid4(), at=T0)), "nothing to keep"


def test_an_account_back_after_its_deletion_is_no_longer_retired() -> None:
    key_ring = ring()
    directory = AccountDirectory(key_ring)
    account_id = uuid.uuid4()
    directory.apply(state(key_ring, account_id))
    directory.apply(deletion(key_ring, account_id, at=T0 + timedelta(minutes=1)))
    directory.apply(state(key_ring, account_id, at=T0))  # an older state replayed
    assert directory.get(account_id) is None
    assert directory.retired_by_phone_number_id("106540352242922") != []

    directory.apply(state(key_ring, account_id, at=T0 + timedelta(minutes=2)))
    assert directory.get(account_id) is not None
    assert directory.retired_by_phone_number_id("106540352242922") == []
    assert directory.retired_by_waba_id("102290129340398") == []
