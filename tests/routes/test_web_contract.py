"""CORS, the logout page, request logs and configuration failures."""

import json
from collections.abc import Callable

import pytest
from chalice.test import Client

from tests.routes.conftest import post_json, sign_up
from tests.support.api import auth, credentials
from tests.support.values import BOOK_CLIENT_REQUEST_HEADERS, PASSWORD

ORIGIN = "http://localhost:3000"


def test_v1_routes_allow_the_headers_of_the_books_clients_from_another_origin(
    client: Client,
) -> None:
    # chalice.test.Client skips preflight; the HTTP suite checks a real OPTIONS.
    response = client.http.get("/v1/item/get", headers={"Origin": ORIGIN})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    allowed = response.headers["Access-Control-Allow-Headers"].split(",")
    assert {"token", "Authorization", "Content-Type"} <= set(allowed)
    assert {name.lower() for name in allowed} >= BOOK_CLIENT_REQUEST_HEADERS
    assert "token" in response.headers["Access-Control-Expose-Headers"].split(",")


def test_logout_page_clears_storage_with_a_script_file_not_inline_code(client: Client) -> None:
    response = client.http.get("/v1/auth/logout")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    html = response.body.decode()
    assert '<script type="module" src="../../static/logout.js"></script>' in html
    script = client.http.get("/static/logout.js")
    assert script.headers["Content-Type"].startswith("text/javascript")
    assert "localStorage.clear()" in script.body.decode()
    assert "sessionStorage.clear()" in script.body.decode()


@pytest.mark.parametrize("name", ["missing.js", "..%2Fapp.py", ".hidden.js", "logout.py"])
def test_unknown_static_files_are_404(client: Client, name: str) -> None:
    assert client.http.get(f"/static/{name}").status_code == 404


def request_logs(output: str) -> list[dict]:
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    return [line for line in lines if line["event"] == "request"]


def test_each_request_writes_one_json_log_line_with_the_user(
    client: Client, token: str, capsys: pytest.CaptureFixture
) -> None:
    capsys.readouterr()
    response = client.http.post("/v1/item/create/x", headers=auth(token))
    (line,) = request_logs(capsys.readouterr().out)
    assert line["method"] == "POST"
    assert line["path"] == "/v1/item/create/{title}"
    assert line["status"] == 200
    assert line["duration_ms"] >= 0
    assert line["user_id"]
    assert len(line["user_id"]) == 32
    assert line["request_id"] == response.headers["X-Request-Id"]


def test_logs_never_contain_tokens_or_passwords(
    client: Client, capsys: pytest.CaptureFixture
) -> None:
    name = sign_up(client)
    token = post_json(client, "/v1/auth/login", credentials(name))
    client.http.get("/v1/item/get", headers=auth(token.json_body["token"]))
    output = capsys.readouterr().out
    assert PASSWORD not in output
    assert token.json_body["token"] not in output
    assert "$scrypt$" not in output  # no password hash either
    assert len(request_logs(output)) == 3


def test_a_short_secret_refuses_to_serve_with_a_503_and_a_loud_log(
    client: Client, stage_settings: Callable[..., None], capsys: pytest.CaptureFixture
) -> None:
    stage_settings(JWT_SECRET="too-short")
    response = client.http.get("/v1/item/get", headers={"token": "x.y.z"})
    assert response.status_code == 503
    assert "secret" not in response.body.decode().lower()
    logged = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert any(line["event"] == "config_error" and line["level"] == "critical" for line in logged)


def test_a_missing_secret_refuses_to_serve(
    client: Client, stage_settings: Callable[..., None]
) -> None:
    stage_settings(JWT_SECRET=None)
    assert client.http.get("/v1/item/get", headers={"token": "x.y.z"}).status_code == 503
