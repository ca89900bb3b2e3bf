"""Bad input gets a clear 4xx problem+json; nothing ever leaks a traceback."""

import json
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from chalice.test import Client

from chalicelib.domain.errors import NotFound
from tests.routes.conftest import post_json
from tests.support.api import auth

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

    from chalicelib.use_cases.items_by_title import ItemsByTitle

    def explode(*_args: object) -> None:
        raise KeyError("secret internal detail")

    monkeypatch.setattr(ItemsByTitle, "all", explode)
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


@pytest.fixture
def bare_route() -> Iterator[str]:
    """A route registered the plainest way, with no decorator but Chalice's own."""
    from app import app
    from chalicelib.http.responses import CORS

    path = "/test-only/bare"

    @app.route(path, methods=["GET"], cors=CORS)
    def bare() -> None:
        raise NotFound("Nothing is here.")

    yield path
    del app.routes[path]


def test_a_route_added_without_any_decorator_still_answers_with_the_right_problem(
    aws: None, bare_route: str
) -> None:
    from app import app

    with Client(app, stage_name="local") as client:
        response = client.http.get(bare_route)
    problem = assert_problem(response, 404)
    assert (problem["type"], problem["detail"]) == ("/problems/not-found", "Nothing is here.")
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("GET", "/v2/todos/01ARZ3NDEKTSV4RRFFQ69G5FAV", None, 404),
        ("POST", "/v1/auth/login", {"username": "nobody", "password": "wrong password"}, 401),
        ("POST", "/v1/item/edit", "{oops", 400),
    ],
)
def test_error_responses_carry_the_cors_headers_a_browser_needs_to_read_them(
    client: Client, token: str, method: str, path: str, body: object, status: int
) -> None:
    payload = body if isinstance(body, str | None) else json.dumps(body)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    response = client.http.request(method, path, headers=headers, body=payload or b"")
    assert_problem(response, status)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "token" in response.headers["Access-Control-Expose-Headers"]
