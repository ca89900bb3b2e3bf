"""Sign-up and log-in through the v1 routes."""

import base64
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from chalice.test import Client

from chalicelib.platform.passwords import DUMMY_HASH, Passwords
from tests.routes.conftest import post_json, sign_up
from tests.support.api import credentials
from tests.support.values import PASSWORD, unique


def test_sign_up_returns_201_with_username_and_email_only(client: Client) -> None:
    name = unique()
    response = post_json(
        client, "/v1/user/create", {"name": name, "email": f"{name}@x.io", "password": PASSWORD}
    )
    assert response.status_code == 201
    assert response.json_body == {"username": name, "email": f"{name}@x.io"}


def test_sign_up_never_echoes_the_password_or_its_hash(client: Client) -> None:
    name = unique()
    body = {"name": name, "email": f"{name}@x.io", "password": PASSWORD}
    response = post_json(client, "/v1/user/create", body)
    assert PASSWORD not in response.body.decode()
    assert "$scrypt$" not in response.body.decode()


def test_taken_username_is_409_naming_the_field(client: Client) -> None:
    name = sign_up(client)
    body = {"name": name, "email": f"other-{name}@x.io", "password": PASSWORD}
    response = post_json(client, "/v1/user/create", body)
    assert response.status_code == 409
    assert response.json_body["field"] == "name"


def test_username_uniqueness_ignores_case(client: Client) -> None:
    name = sign_up(client)
    body = {"name": name.upper(), "email": f"upper-{name}@x.io", "password": PASSWORD}
    assert post_json(client, "/v1/user/create", body).status_code == 409


def test_taken_email_is_409_and_leaves_the_new_username_free(client: Client) -> None:
    first = sign_up(client)
    second = unique()
    clash = {"name": second, "email": f"{first}@example.com", "password": PASSWORD}
    response = post_json(client, "/v1/user/create", clash)
    assert response.status_code == 409
    assert response.json_body["field"] == "email"
    # GIVEN the failed transaction WHEN the same username signs up with a free email
    retry = {"name": second, "email": f"{second}@x.io", "password": PASSWORD}
    assert post_json(client, "/v1/user/create", retry).status_code == 201


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("name", "x" * 65),
        ("name", "has space"),
        ("name", "tab\there"),
        ("name", "nul\x00"),
        ("email", "no-at-sign"),
        ("email", "two@@x.io"),
        ("email", "a@b@c"),
        ("email", "@x.io"),
        ("email", "x" * 250 + "@x.io"),
        ("password", "short"),
        ("password", "p" * 1025),
        ("password", "bad\ud800surrogate"),
    ],
)
def test_invalid_sign_up_field_is_422_naming_it(client: Client, field: str, value: str) -> None:
    body = {"name": unique(), "email": f"{unique()}@x.io", "password": PASSWORD, field: value}
    response = post_json(client, "/v1/user/create", body)
    assert response.status_code == 422
    assert [error["field"] for error in response.json_body["errors"]] == [field]


def test_limits_are_inclusive(client: Client) -> None:
    name = "n" * 64
    body = {"name": name, "email": "e" * 240 + "@x.io", "password": "p" * 8}
    assert post_json(client, "/v1/user/create", body).status_code == 201


@pytest.mark.parametrize("missing", ["name", "email", "password"])
def test_missing_field_is_422(client: Client, missing: str) -> None:
    body = {"name": unique(), "email": f"{unique()}@x.io", "password": PASSWORD}
    del body[missing]
    response = post_json(client, "/v1/user/create", body)
    assert response.status_code == 422
    assert response.json_body["errors"] == [{"field": missing, "message": "is required"}]


def test_login_returns_the_token_in_body_and_header(client: Client) -> None:
    name = sign_up(client)
    response = post_json(client, "/v1/auth/login", credentials(name))
    assert response.status_code == 200
    assert response.headers["token"] == response.json_body["token"]
    assert response.json_body["token"].count(".") == 2


def test_login_also_accepts_get_with_a_json_body(client: Client) -> None:
    name = sign_up(client)
    response = client.http.request(
        "GET",
        "/v1/auth/login",
        headers={"Content-Type": "application/json"},
        body=f'{{"username": "{name}", "password": "{PASSWORD}"}}'.encode(),
    )
    assert response.status_code == 200
    assert response.json_body["token"]


def test_wrong_password_and_unknown_user_get_the_same_401(client: Client) -> None:
    name = sign_up(client)
    wrong = post_json(client, "/v1/auth/login", {"username": name, "password": "wrong-pass"})
    unknown = post_json(client, "/v1/auth/login", credentials(unique()))
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json_body == unknown.json_body


def test_login_is_case_insensitive_on_username(client: Client) -> None:
    name = sign_up(client)
    response = post_json(client, "/v1/auth/login", credentials(name.upper()))
    assert response.status_code == 200


def test_login_responses_are_not_cached(client: Client) -> None:
    name = sign_up(client)
    response = post_json(client, "/v1/auth/login", credentials(name))
    assert response.headers["Cache-Control"] == "no-store"


def test_ping_needs_no_token(client: Client) -> None:
    response = client.http.get("/v1/auth/ping")
    assert response.status_code == 200
    assert response.json_body == {"status": "ok"}


def test_unknown_user_still_costs_one_scrypt_run_at_the_services_cost(
    client: Client, owasp_passwords: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs: list[tuple[int, int, int, bytes]] = []
    real_scrypt = hashlib.scrypt

    def spy(password: bytes, *, salt: bytes, n: int, r: int, p: int, **rest: int) -> bytes:
        runs.append((n, r, p, salt))
        return real_scrypt(password, salt=salt, n=n, r=r, p=p, **rest)

    monkeypatch.setattr(hashlib, "scrypt", spy)
    response = post_json(client, "/v1/auth/login", credentials(unique()))
    assert response.status_code == 401
    dummy_salt = DUMMY_HASH.split("$")[3]
    assert runs == [(2**14, 8, 5, base64.b64decode(dummy_salt + "=" * (-len(dummy_salt) % 4)))]


def test_the_dummy_hash_has_exactly_the_services_hash_parameters() -> None:
    real = Passwords()
    # needs_rehash compares the cost and the lengths of salt and key.
    assert not real.needs_rehash(DUMMY_HASH)
    made = real.hash("a password of a real user")
    assert DUMMY_HASH.split("$")[2] == made.split("$")[2] == "ln=14,r=8,p=5"
    assert [len(part) for part in DUMMY_HASH.split("$")] == [len(part) for part in made.split("$")]
    assert not real.verify(None, "not-a-real-password-for-timing-only")


def test_the_first_unknown_user_login_in_a_container_makes_no_hash() -> None:
    # A fresh interpreter stands for a fresh container: nothing computed or cached yet.
    script = """
import hashlib
runs = []
real_scrypt = hashlib.scrypt
hashlib.scrypt = lambda *args, **kwargs: runs.append(1) or real_scrypt(*args, **kwargs)
from chalicelib.platform.passwords import Passwords
made = []
real_hash = Passwords.hash
Passwords.hash = lambda self, *args: made.append(1) or real_hash(self, *args)
assert Passwords().verify(None, "a password") is False
print(len(made), len(runs))
"""
    project = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=project, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "0 1"


def test_a_taken_name_or_email_409_says_which_field_and_nothing_about_the_account(
    client: Client,
) -> None:
    # GIVEN an account
    name = sign_up(client)
    # WHEN someone signs up with its name spelt otherwise, then with its email
    by_name = {"name": name.upper(), "email": f"{unique()}@x.io", "password": PASSWORD}
    by_email = {"name": unique(), "email": f"{name}@example.com", "password": PASSWORD}
    responses = [post_json(client, "/v1/user/create", body) for body in (by_name, by_email)]
    # THEN each is a 409 naming the field, with a fixed text and nothing of the account
    for response, field in zip(responses, ("name", "email"), strict=True):
        assert response.status_code == 409
        assert set(response.json_body) == {"type", "title", "status", "detail", "field"}
        assert response.json_body["field"] == field
        assert name not in response.body.decode()
