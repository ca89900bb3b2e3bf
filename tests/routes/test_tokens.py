"""Token checks, at the unit level and through the item routes."""

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from chalice.test import Client

from chalicelib.platform.tokens import TokenRejected, issue_token, verify_token
from tests.support.values import TEST_SECRET

SECRET = b"unit-test-secret-" * 4
ISSUER = "todo-service"


def claims(**overrides: object) -> dict:
    now = datetime.now(UTC)
    return {"sub": "u1", "iat": now, "exp": now + timedelta(minutes=5), "iss": ISSUER} | overrides


def test_issued_token_verifies_to_its_user() -> None:
    token = issue_token("user-1", secret=SECRET, issuer=ISSUER, ttl_minutes=5)
    assert verify_token(token, secret=SECRET, issuer=ISSUER) == "user-1"


def test_issued_token_expires_after_the_configured_minutes() -> None:
    issued = datetime(2026, 1, 1, tzinfo=UTC)
    token = issue_token("u", secret=SECRET, issuer=ISSUER, ttl_minutes=90, now=issued)
    decoded = jwt.decode(token, options={"verify_signature": False})
    assert decoded["exp"] - decoded["iat"] == 90 * 60
    assert decoded["iss"] == ISSUER


@pytest.mark.parametrize("missing", ["sub", "iat", "exp", "iss"])
def test_each_required_claim_is_enforced(missing: str) -> None:
    payload = claims()
    del payload[missing]
    token = jwt.encode(payload, SECRET, algorithm="HS256")
    with pytest.raises(TokenRejected) as rejected:
        verify_token(token, secret=SECRET, issuer=ISSUER)
    assert rejected.value.reason == "invalid"


def test_wrong_issuer_is_invalid() -> None:
    token = jwt.encode(claims(iss="someone-else"), SECRET, algorithm="HS256")
    with pytest.raises(TokenRejected, match="invalid"):
        verify_token(token, secret=SECRET, issuer=ISSUER)


def test_hs512_token_with_the_right_key_is_still_rejected() -> None:
    token = jwt.encode(claims(), SECRET, algorithm="HS512")
    with pytest.raises(TokenRejected, match="invalid"):
        verify_token(token, secret=SECRET, issuer=ISSUER)


def test_non_string_subject_is_invalid() -> None:
    token = jwt.encode(claims(sub=""), SECRET, algorithm="HS256")
    with pytest.raises(TokenRejected, match="invalid"):
        verify_token(token, secret=SECRET, issuer=ISSUER)


def _unsigned(payload: dict) -> str:
    def part(data: dict) -> str:
        raw = json.dumps(data, default=lambda d: int(d.timestamp())).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(payload)}."


def _tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data["sub"] = "someone-else"
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


FORGERIES = {
    "alg none": lambda: _unsigned(claims()),
    "wrong key": lambda: jwt.encode(claims(), "another-key-another-key-0123456789", "HS256"),
    "tampered": lambda: _tampered(jwt.encode(claims(), TEST_SECRET, "HS256")),
    "garbage": lambda: "not.a.jwt",
    "empty segments": lambda: "..",
}


@pytest.mark.parametrize("forgery", FORGERIES.values(), ids=FORGERIES.keys())
def test_forged_tokens_are_401_invalid(client: Client, forgery) -> None:
    response = client.http.get("/v1/item/get", headers={"token": forgery()})
    assert response.status_code == 401
    assert response.json_body["reason"] == "invalid"
    assert response.headers["Content-Type"] == "application/problem+json"


def test_expired_token_is_401_expired(client: Client) -> None:
    past = datetime.now(UTC) - timedelta(hours=2)
    token = jwt.encode(claims(iat=past, exp=past + timedelta(minutes=60)), TEST_SECRET, "HS256")
    response = client.http.get("/v1/item/get", headers={"token": token})
    assert response.status_code == 401
    assert response.json_body["reason"] == "expired"


@pytest.mark.parametrize(
    "headers", [{}, {"token": ""}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer "}]
)
def test_missing_token_is_401_missing(client: Client, headers: dict) -> None:
    response = client.http.get("/v1/item/get", headers=headers)
    assert response.status_code == 401
    assert response.json_body["reason"] == "missing"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/v1/item/create/x"),
        ("GET", "/v1/item/get"),
        ("POST", "/v1/item/edit"),
        ("POST", "/v1/item/delete"),
    ],
)
def test_every_item_route_requires_a_token(client: Client, method: str, path: str) -> None:
    response = client.http.request(method, path, headers={"Content-Type": "application/json"})
    assert response.status_code == 401


def test_a_valid_token_signed_by_this_service_is_accepted(client: Client) -> None:
    token = jwt.encode(claims(sub="someone"), TEST_SECRET, "HS256")
    response = client.http.get("/v1/item/get", headers={"token": token})
    assert response.status_code == 200


@pytest.mark.parametrize("subject", ["x" * 65, "\ud800", "user one", "\u00e9"])
def test_a_signed_token_whose_subject_could_not_be_a_user_id_is_invalid(subject: str) -> None:
    token = jwt.encode(claims(sub=subject), SECRET, algorithm="HS256")
    with pytest.raises(TokenRejected, match="invalid"):
        verify_token(token, secret=SECRET, issuer=ISSUER)


def test_a_cached_token_is_refused_once_the_secret_changes(
    client: Client, token: str, stage_settings: Callable[..., None]
) -> None:
    # GIVEN a token the container has verified and remembers
    assert client.http.get("/v1/item/get", headers={"token": token}).status_code == 200
    # WHEN the signing secret changes
    stage_settings(JWT_SECRET="a-new-signing-secret-after-rotation-0123456789")
    # THEN the remembered token counts for nothing
    response = client.http.get("/v1/item/get", headers={"token": token})
    assert (response.status_code, response.json_body["reason"]) == (401, "invalid")


def test_rotating_the_secret_keeps_tokens_of_the_previous_key_until_the_next_rotation(
    client: Client, token: str, stage_settings: Callable[..., None]
) -> None:
    first, second = TEST_SECRET, "the-second-signing-secret-0123456789abcdef"
    # WHEN the secret is rotated once, THEN a token of the first key reads and writes
    stage_settings(JWT_SECRET=second, JWT_PREVIOUS_SECRET=first)
    assert client.http.get("/v1/item/get", headers={"token": token}).status_code == 200
    assert client.http.post("/v1/item/create/kept", headers={"token": token}).status_code == 200
    # WHEN it is rotated again, THEN that token is refused
    stage_settings(
        JWT_SECRET="the-third-signing-secret-0123456789abcdef", JWT_PREVIOUS_SECRET=second
    )
    response = client.http.get("/v1/item/get", headers={"token": token})
    assert (response.status_code, response.json_body["reason"]) == (401, "invalid")
