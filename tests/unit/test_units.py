"""Unit tests where the logic is subtle: ids, settings and passwords."""

import pytest

from chalicelib.domain.ids import new_todo_id
from chalicelib.platform.config import ConfigError, load_settings, load_signing_secret
from chalicelib.platform.passwords import MEMORY_COST_KIB, Passwords


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


def test_passwords_use_argon2id_at_owasp_minimum_or_above() -> None:
    encoded = Passwords().hash("hunter22")
    assert encoded.startswith("$argon2id$")
    params = dict(part.split("=") for part in encoded.split("$")[3].split(","))
    assert int(params["m"]) >= 19 * 1024 == MEMORY_COST_KIB
    assert int(params["t"]) >= 2
    assert int(params["p"]) == 1


def test_password_verification() -> None:
    passwords = Passwords()
    encoded = passwords.hash("hunter22")
    assert passwords.verify(encoded, "hunter22")
    assert not passwords.verify(encoded, "hunter23")
    assert not passwords.verify(None, "hunter22")
    assert not passwords.verify("not-a-hash", "hunter22")
