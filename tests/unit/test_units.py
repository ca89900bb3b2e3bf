"""Unit tests where the logic is subtle: ids, settings and passwords."""

import base64
import hashlib
import json
import sys

import argon2
import pytest

from chalicelib.domain.ids import new_todo_id
from chalicelib.platform.config import ConfigError, load_settings, load_signing_secret
from chalicelib.platform.passwords import BLOCK_SIZE, LOG2_N, PARALLELISM, Passwords


def test_todo_ids_sort_in_creation_order_even_within_one_millisecond() -> None:
    ids = [new_todo_id() for _ in range(2000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert all(len(todo_id) == 26 for todo_id in ids)


def test_settings_default_expiry_is_sixty_minutes() -> None:
    assert load_settings({"TABLE_NAME": "t"}).token_expire_minutes == 60


@pytest.mark.parametrize("bad", ["0", "-5", "soon"])
def test_bad_expiry_fails_loudly(bad: str) -> None:
    with pytest.raises(ConfigError, match="TOKEN_EXPIRE_MINUTES"):
        load_settings({"TABLE_NAME": "t", "TOKEN_EXPIRE_MINUTES": bad})


def test_missing_table_name_fails_loudly() -> None:
    with pytest.raises(ConfigError, match="TABLE_NAME"):
        load_settings({})


def test_secret_of_31_bytes_is_refused_and_32_accepted() -> None:
    with pytest.raises(ConfigError):
        load_signing_secret({"JWT_SECRET": "x" * 31})
    assert load_signing_secret({"JWT_SECRET": "x" * 32}) == b"x" * 32


def test_passwords_use_scrypt_at_owasp_cost_and_the_stored_string_describes_it() -> None:
    encoded = Passwords().hash("hunter22")
    empty, scheme, parameters, salt, key = encoded.split("$")
    assert (empty, scheme, parameters) == ("", "scrypt", "ln=14,r=8,p=5")
    assert (LOG2_N, BLOCK_SIZE, PARALLELISM) == (14, 8, 5)
    salt_bytes, key_bytes = unpadded_b64(salt), unpadded_b64(key)
    assert len(salt_bytes) == 16
    # The key is scrypt's output for exactly the parameters written beside it.
    expected = hashlib.scrypt(
        b"hunter22", salt=salt_bytes, n=2**14, r=8, p=5, maxmem=64 * 2**20, dklen=32
    )
    assert key_bytes == expected


def unpadded_b64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def test_password_verification() -> None:
    passwords = Passwords(log2_n=4, block_size=1, parallelism=1)
    encoded = passwords.hash("hunter22")
    assert passwords.verify(encoded, "hunter22")
    assert not passwords.verify(encoded, "hunter23")
    assert not passwords.verify(None, "hunter22")
    assert not passwords.verify("not-a-hash", "hunter22")
    assert passwords.hash("hunter22") != encoded  # a new salt each time


CHEAP = Passwords(log2_n=4, block_size=1, parallelism=1)
GOOD = CHEAP.hash("hunter22")
_, _, GOOD_COST, GOOD_SALT, GOOD_KEY = GOOD.split("$")
BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def next_letter(letter: str) -> str:
    """The base64 letter after this one: for a final letter, bits that should be zero."""
    return BASE64[BASE64.index(letter) + 1]


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "$",
        "scrypt",
        GOOD[1:],  # no leading $
        GOOD + "$",
        GOOD.replace("$scrypt$", "$SCRYPT$"),
        GOOD.replace("$scrypt$", "$scrypt2$"),
        f"$scrypt${GOOD_COST}${GOOD_SALT}",
        f"$scrypt${GOOD_COST}${GOOD_SALT}$",
        f"$scrypt$ln=4,r=1${GOOD_SALT}${GOOD_KEY}",
        f"$scrypt$r=1,ln=4,p=1${GOOD_SALT}${GOOD_KEY}",
        f"$scrypt$ln=04,r=1,p=1${GOOD_SALT}${GOOD_KEY}",
        f"$scrypt$ln=0,r=1,p=1${GOOD_SALT}${GOOD_KEY}",
        f"$scrypt$ln=4,r=1,p=1 ${GOOD_SALT}${GOOD_KEY}",
        f"$scrypt$ln=21,r=8,p=1${GOOD_SALT}${GOOD_KEY}",  # beyond the bounds: refused unrun
        f"$scrypt$ln=17,r=1,p=1${GOOD_SALT}${GOOD_KEY}",  # a cost OpenSSL refuses
        f"$scrypt${GOOD_COST}${GOOD_SALT}=${GOOD_KEY}",  # padded
        f"$scrypt${GOOD_COST}${GOOD_SALT[:-1]}${GOOD_KEY}",  # not a whole number of bytes
        f"$scrypt${GOOD_COST}${GOOD_SALT[:8]}${GOOD_KEY}",  # a salt of 6 bytes
        f"$scrypt${GOOD_COST}${GOOD_SALT[:-1]}{next_letter(GOOD_SALT[-1])}${GOOD_KEY}",  # odd bits
        f"$scrypt${GOOD_COST}${GOOD_SALT}${GOOD_KEY[:-1]}_",  # not in the alphabet
        f"$scrypt${GOOD_COST}${GOOD_SALT}${'A' * 100}",  # a key longer than 64 bytes
        "$argon2id$v=19$m=8,t=1,p=1$bm90IGJhc2U2NA$garbage",
    ],
)
def test_a_malformed_stored_hash_fails_like_a_wrong_password_and_is_due_a_rehash(
    stored: str,
) -> None:
    assert CHEAP.verify(GOOD, "hunter22")  # the hash these are all spoilt from is good
    assert CHEAP.verify(stored, "hunter22") is False
    assert CHEAP.needs_rehash(stored)


def test_a_hash_is_due_a_rehash_exactly_when_its_cost_differs() -> None:
    other = Passwords(log2_n=5, block_size=1, parallelism=1)
    assert not CHEAP.needs_rehash(GOOD)
    assert other.needs_rehash(GOOD)
    assert other.verify(GOOD, "hunter22")  # verified at the cost written in the hash


def test_a_legacy_argon2_hash_is_verified_when_argon2_is_installed_and_always_rehashed() -> None:
    legacy = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("hunter22")
    assert CHEAP.verify(legacy, "hunter22")
    assert not CHEAP.verify(legacy, "hunter23")
    assert CHEAP.needs_rehash(legacy)


def test_without_argon2_a_legacy_hash_fails_and_one_warning_is_logged(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    legacy = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("hunter22")
    monkeypatch.setitem(sys.modules, "argon2", None)  # import argon2 now raises ImportError
    passwords = Passwords(log2_n=4, block_size=1, parallelism=1)
    assert passwords.verify(legacy, "hunter22") is False
    assert passwords.verify(legacy, "hunter22") is False
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(line["event"], line["level"]) for line in lines] == [
        ("legacy_password_hash_unverifiable", "warning")
    ]
