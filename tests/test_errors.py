"""Bad input gets a clear 4xx problem+json; nothing ever leaks a traceback."""

import json
from urllib.parse import quote

import pytest
from chalice.test import Client

from tests.conftest import auth, post_json

PROBLEM = "application/problem+json"


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.body
    assert response.headers["Content-Type"] == PROBLEM
    body = json.loads(response.body)
    assert body["status"] == status
    assert body["type"].startswith("/problems/")
    assert body["title"]
    assert body["detail"]
    assert "Traceback" not in response.body.decode()
    assert response.headers["Cache-Control"] == "no-store"
    return body


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"{not json", 400),
        (b"", 400),
        (b"   ", 400),
        (b"[1, 2]", 400),
        (b'"a string"', 400),
        (b"null", 400),
        (b"\xff\xfe", 400),
        (b"[" * 5000 + b"]" * 5000, 400),
        (b'{"name": 1, "email": [], "password": {}}', 422),
    ],
)
def test_malformed_sign_up_bodies_are_4xx_problems(client: Client, raw: bytes, status: int) -> None:
    response = client.http.post(
        "/v1/user/create", headers={"Content-Type": "application/json"}, body=raw
    )
    assert_problem(response, status)


def test_wrong_types_name_every_field(client: Client) -> None:
    body = {"name": 1, "email": None, "password": ["x"]}
    problem = assert_problem(post_json(client, "/v1/user/create", body), 422)
    assert [e["field"] for e in problem["errors"]] == ["name", "email", "password"]


def test_oversized_body_is_413(client: Client, token: str) -> None:
    body = {"title": "x" * 20_000, "status": "DONE"}
    assert_problem(post_json(client, "/v1/item/edit", body, auth(token)), 413)


def test_malformed_item_bodies_are_400(client: Client, token: str) -> None:
    for path in ("/v1/item/edit", "/v1/item/delete"):
        assert_problem(post_json(client, path, "{oops", auth(token)), 400)


def test_wrong_method_is_a_405_problem(client: Client) -> None:
    response = client.http.request("DELETE", "/v1/item/get")
    assert_problem(response, 405)


def test_wrong_content_type_is_a_415_problem(client: Client) -> None:
    response = client.http.post(
        "/v1/user/create", headers={"Content-Type": "text/plain"}, body=b"{}"
    )
    assert_problem(response, 415)


def test_an_unexpected_failure_is_a_500_problem_without_details(
    client: Client, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:

    from chalicelib.use_cases import items_by_title

    def explode(*_args: object) -> None:
        raise KeyError("secret internal detail")

    monkeypatch.setattr(items_by_title, "get_state", explode)
    response = client.http.get("/v1/item/get", headers=auth(token))
    problem = assert_problem(response, 500)
    assert "secret internal detail" not in response.body.decode()
    assert problem["type"] == "/problems/internal-error"


def test_injection_looking_titles_are_stored_verbatim(client: Client, token: str) -> None:
    titles = ["<img src=x onerror=alert(1)>", "'; DROP TABLE todo; --", '{"$ne": null}']
    for title in titles:
        client.http.post(f"/v1/item/create/{quote(title, safe='')}", headers=auth(token))
    state = client.http.get("/v1/item/get", headers=auth(token)).json_body
    assert [item["title"] for item in state["pending_items"]] == titles
