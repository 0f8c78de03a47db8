"""Specification of envelope encryption: sealing, tamper detection, key ids and rotation."""

import base64
import os

import pytest
from pydantic import SecretStr

from mia_common.crypto import DecryptionError, KeyRing, KeyRingError
from mia_common.settings import DEV_ENCRYPTION_KEYS, PlatformSettings

SECRET = b"EAAG-whatsapp-system-user-token-0123456789"
TENANT_ROW = b"tenant=6f1c9a2e;channel_account=42"


def _key() -> bytes:
    return os.urandom(32)


def _entry(kid: str, key: bytes) -> str:
    return f"{kid}:{base64.b64encode(key).decode()}"


def _flip(token: str, index: int) -> str:
    """The token with one byte of its sealed part (ciphertext and tag) flipped."""
    version, kid, nonce, sealed = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(sealed + "=" * (-len(sealed) % 4)))
    raw[index] ^= 0x01
    return ".".join((version, kid, nonce, base64.urlsafe_b64encode(raw).rstrip(b"=").decode()))


@pytest.fixture
def ring() -> KeyRing:
    return KeyRing.parse(_entry("k1", _key()))


def test_sealed_secret_opens_to_the_same_bytes(ring: KeyRing) -> None:
    token = ring.encrypt(SECRET, associated_data=TENANT_ROW)

    assert ring.decrypt(token, associated_data=TENANT_ROW) == SECRET


def test_text_helpers_round_trip_unicode(ring: KeyRing) -> None:
    token = ring.encrypt_text("clé secrète ✓")

    assert ring.decrypt_text(token) == "clé secrète ✓"


def test_token_names_version_and_key_and_hides_the_plaintext(ring: KeyRing) -> None:
    token = ring.encrypt(SECRET)

    version, kid, nonce, sealed = token.split(".")
    assert (version, kid) == ("v1", "k1")
    assert len(base64.urlsafe_b64decode(nonce + "==")) == 12
    assert SECRET not in base64.urlsafe_b64decode(sealed + "=" * (-len(sealed) % 4))


def test_same_plaintext_sealed_twice_gives_different_tokens(ring: KeyRing) -> None:
    assert ring.encrypt(SECRET) != ring.encrypt(SECRET)


def test_a_flipped_byte_anywhere_in_the_ciphertext_is_rejected(ring: KeyRing) -> None:
    token = ring.encrypt(SECRET, associated_data=TENANT_ROW)
    sealed_length = len(SECRET) + 16  # ciphertext then the GCM tag

    for index in range(sealed_length):
        with pytest.raises(DecryptionError):
            ring.decrypt(_flip(token, index), associated_data=TENANT_ROW)


def test_a_changed_nonce_is_rejected(ring: KeyRing) -> None:
    version, kid, _, sealed = ring.encrypt(SECRET).split(".")
    other_nonce = base64.urlsafe_b64encode(os.urandom(12)).rstrip(b"=").decode()

    with pytest.raises(DecryptionError):
        ring.decrypt(".".join((version, kid, other_nonce, sealed)))


def test_wrong_associated_data_is_rejected(ring: KeyRing) -> None:
    token = ring.encrypt(SECRET, associated_data=b"tenant=A;row=1")

    with pytest.raises(DecryptionError, match="authentication"):
        ring.decrypt(token, associated_data=b"tenant=B;row=1")
    with pytest.raises(DecryptionError):
        ring.decrypt(token)


def test_a_token_relabelled_with_another_known_kid_is_rejected() -> None:
    # Both keys identical: only the authenticated header can tell the relabelling apart.
    key = _key()
    ring = KeyRing.parse(f"{_entry('a', key)},{_entry('b', key)}", active_key_id="a")
    _, _, nonce, sealed = ring.encrypt(SECRET).split(".")

    with pytest.raises(DecryptionError):
        ring.decrypt(f"v1.b.{nonce}.{sealed}")


def test_unknown_kid_is_rejected(ring: KeyRing) -> None:
    other = KeyRing.parse(_entry("elsewhere", _key()))

    with pytest.raises(DecryptionError, match="elsewhere"):
        ring.decrypt(other.encrypt(SECRET))


@pytest.mark.parametrize(
    "token",
    [
        "",
        "v1.k1.only-three",
        "v2.k1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA",
        "v1.k1.not*base64.AAAAAAAAAAAAAAAAAAAAAA",
        "v1.k1.AAAA.AAAAAAAAAAAAAAAAAAAAAA",  # 3-byte nonce
        "v1.k1.AAAAAAAAAAAAAAAA.AAAA",  # shorter than a tag
        "v1.k1.AAAAAAAAAAAAAAAB.AAAAAAAAAAAAAAAAAAAAAA",  # non-canonical base64url
        "v1.k.1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA",
    ],
)
def test_malformed_tokens_are_rejected(ring: KeyRing, token: str) -> None:
    with pytest.raises(DecryptionError):
        ring.decrypt(token)


def test_rotation_reseals_under_the_new_key_and_the_old_key_can_then_go() -> None:
    old_entry, new_entry = _entry("2024", _key()), _entry("2025", _key())
    token = KeyRing.parse(old_entry).encrypt(SECRET, associated_data=TENANT_ROW)

    both = KeyRing.parse(f"{old_entry},{new_entry}")
    assert both.active_key_id == "2025"
    assert both.needs_rotation(token)
    rotated = both.rotate(token, associated_data=TENANT_ROW)

    assert rotated.split(".")[1] == "2025"
    assert not both.needs_rotation(rotated)
    assert both.decrypt(rotated, associated_data=TENANT_ROW) == SECRET
    only_new = KeyRing.parse(new_entry)
    assert only_new.decrypt(rotated, associated_data=TENANT_ROW) == SECRET
    with pytest.raises(DecryptionError):
        only_new.decrypt(token, associated_data=TENANT_ROW)


def test_rotating_a_token_already_under_the_active_key_returns_it_unchanged(
    ring: KeyRing,
) -> None:
    token = ring.encrypt(SECRET)

    assert not ring.needs_rotation(token)
    assert ring.rotate(token) == token


def test_rotation_still_checks_the_associated_data() -> None:
    old_entry, new_entry = _entry("old", _key()), _entry("new", _key())
    token = KeyRing.parse(old_entry).encrypt(SECRET, associated_data=b"row=1")

    with pytest.raises(DecryptionError):
        KeyRing.parse(f"{old_entry},{new_entry}").rotate(token, associated_data=b"row=2")


def test_active_key_is_the_last_entry_unless_named() -> None:
    spec = f"{_entry('a', _key())}, {_entry('b', _key())}"

    assert KeyRing.parse(spec).active_key_id == "b"
    assert KeyRing.parse(spec, active_key_id="a").active_key_id == "a"
    assert KeyRing.parse(spec).key_ids == ("a", "b")


def test_ring_from_settings_uses_the_configured_keys_and_active_id() -> None:
    new_entry = KeyRing.generate_entry("next")
    settings = PlatformSettings(
        encryption_keys=SecretStr(f"{new_entry},{DEV_ENCRYPTION_KEYS}"),
        encryption_active_key_id="next",
    )

    ring = KeyRing.from_settings(settings)

    assert ring.key_ids == ("next", "dev1")
    assert ring.active_key_id == "next"
    assert ring.decrypt(ring.encrypt(SECRET)) == SECRET


@pytest.mark.parametrize(
    ("spec", "active", "message"),
    [
        ("", None, "empty"),
        ("k1", None, "not 'kid:base64-key'"),
        ("k1:", None, "not 'kid:base64-key'"),
        (f"k1:{base64.b64encode(b'x' * 16).decode()}", None, "16 bytes"),
        (f"k1:{base64.b64encode(b'x' * 33).decode()}", None, "33 bytes"),
        ("k1:not base64!", None, "not valid base64"),
        (f"k1:{base64.b64encode(b'x' * 32).decode()},", None, "empty"),
        (f"k.1:{base64.b64encode(b'x' * 32).decode()}", None, "key id"),
        (
            f"k1:{base64.b64encode(b'x' * 32).decode()},k1:{base64.b64encode(b'y' * 32).decode()}",
            None,
            "more than once",
        ),
        (f"k1:{base64.b64encode(b'x' * 32).decode()}", "k2", "not in the key ring"),
    ],
)
def test_invalid_key_ring_specs_raise_a_clear_value_error(
    spec: str, active: str | None, message: str
) -> None:
    with pytest.raises(ValueError, match=message) as raised:
        KeyRing.parse(spec, active_key_id=active)

    assert isinstance(raised.value, KeyRingError)


def test_key_material_never_appears_in_repr_str_or_errors() -> None:
    key = _key()
    encoded = base64.b64encode(key).decode()
    ring = KeyRing.parse(f"k1:{encoded}")

    for shown in (repr(ring), str(ring)):
        assert encoded not in shown
        assert repr(key) not in shown
        assert "k1" in shown
    with pytest.raises(KeyRingError) as raised:
        KeyRing.parse(f"k1:{base64.b64encode(key[:31]).decode()}")
    assert base64.b64encode(key[:31]).decode() not in str(raised.value)
