"""v2 users and tokens, and v1 and v2 sharing the same data."""

import re
from urllib.parse import quote

import pytest
from chalice.test import Client

from tests.routes.conftest import send_json
from tests.support.api import bearer, credentials, v2_account
from tests.support.values import PASSWORD, unique


def v2_sign_up(client: Client, name: str | None = None):
    name = name or unique()
    body = v2_account(name)
    return send_json(client, "POST", "/v2/users", body)


def v2_token(client: Client, name: str) -> str:
    body = credentials(name)
    return send_json(client, "POST", "/v2/auth/token", body).json_body["access_token"]


def test_v2_sign_up_returns_the_user_without_secrets(client: Client) -> None:
    name = unique()
    response = v2_sign_up(client, name)
    user = response.json_body
    assert response.status_code == 201
    assert set(user) == {"id", "username", "email", "created_at"}
    assert (user["username"], user["email"]) == (name, f"{name}@example.com")
    assert re.fullmatch(r"[0-9a-f]{32}", user["id"])
    assert PASSWORD not in response.body.decode()


def test_v2_sign_up_conflicts_and_validation_match_v1(client: Client) -> None:
    name = unique()
    v2_sign_up(client, name)
    assert v2_sign_up(client, name).status_code == 409
    bad = send_json(client, "POST", "/v2/users", {"username": "a b", "email": "x", "password": "1"})
    assert bad.status_code == 422
    fields = [e["field"] for e in bad.json_body["errors"]]
    assert fields == ["username", "email", "password"]


def test_v2_token_grant(client: Client) -> None:
    name = unique()
    v2_sign_up(client, name)
    body = credentials(name)
    response = send_json(client, "POST", "/v2/auth/token", body)
    grant = response.json_body
    assert response.status_code == 200
    assert grant["token_type"] == "Bearer"
    assert grant["expires_in"] == 15 * 60  # v2 access tokens last 15 minutes; refresh renews
    assert response.headers["Cache-Control"] == "no-store"
    assert client.http.get("/v2/todos", headers=bearer(grant["access_token"])).status_code == 200


@pytest.mark.parametrize("password", ["wrong-password", None])
def test_v2_token_failure_is_the_same_401_for_unknown_user_and_wrong_password(
    client: Client, password: str | None
) -> None:
    name = unique()
    v2_sign_up(client, name)
    username = name if password else unique()
    body = {"username": username, "password": password or PASSWORD}
    response = send_json(client, "POST", "/v2/auth/token", body)
    assert response.status_code == 401
    assert response.json_body["detail"] == "Unknown username or wrong password."


def test_a_v1_token_works_on_v2_and_the_other_way(client: Client) -> None:
    name = unique()
    v2_sign_up(client, name)
    v1_token = send_json(client, "POST", "/v1/auth/login", credentials(name)).json_body["token"]
    v2 = v2_token(client, name)
    assert client.http.get("/v2/todos", headers={"token": v1_token}).status_code == 200
    assert client.http.get("/v1/item/get", headers=bearer(v2)).status_code == 200


def test_v1_and_v2_see_the_same_items(client: Client) -> None:
    name = unique()
    v2_sign_up(client, name)
    token = v2_token(client, name)
    client.http.post(f"/v1/item/create/{quote('from v1')}", headers={"token": token})
    created = send_json(client, "POST", "/v2/todos", {"title": "from v2"}, bearer(token)).json_body
    listed = client.http.get("/v2/todos", headers=bearer(token)).json_body["items"]
    assert [t["title"] for t in listed] == ["from v1", "from v2"]
    send_json(client, "PATCH", f"/v2/todos/{created['id']}", {"status": "DONE"}, bearer(token))
    send_json(client, "POST", "/v1/item/edit", {"title": "from v1", "status": "x"}, bearer(token))
    state = client.http.get("/v1/item/get", headers=bearer(token)).json_body
    assert [t["title"] for t in state["done_items"]] == ["from v1", "from v2"]
    assert client.http.post("/v1/item/create/from%20v2", headers=bearer(token)).json_body == state
    duplicate = send_json(client, "POST", "/v2/todos", {"title": "from v1"}, bearer(token))
    assert duplicate.status_code == 409


def test_unknown_sign_up_fields_are_422(client: Client) -> None:
    body = {"username": unique(), "email": "a@b.c", "password": PASSWORD, "admin": True}
    response = send_json(client, "POST", "/v2/users", body)
    assert response.status_code == 422
    assert response.json_body["errors"] == [{"field": "admin", "message": "is not a known field"}]
