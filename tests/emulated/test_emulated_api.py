"""The deployed API over the emulator's gateway: routing from Chalice's swagger,
proxy events built by a gateway, the `/api` stage prefix, and CORS preflights."""

from urllib.parse import urlsplit

from tests.emulated.conftest import EmulatedStack
from tests.support.api import V1, V2, auth, bearer, board
from tests.support.values import unique
from tools.smoke import book_walk_through


def test_the_endpoint_is_the_stage_url_of_the_api(emulated: EmulatedStack) -> None:
    parts = urlsplit(emulated.base_url)

    assert ".execute-api." in parts.hostname
    assert parts.path.rstrip("/") == "/api"


def test_the_book_walk_through_over_the_gateway(emulated: EmulatedStack) -> None:
    send = emulated.client()
    v1 = V1(send)
    token = v1.log_in(v1.sign_up(unique()))

    assert send("GET", "/v1/auth/ping").body == {"status": "ok"}
    for method, path, body, expected in book_walk_through():
        reply = send(method, path, body, auth(token))
        assert (reply.status, reply.body) == (200, expected), (method, path)
    assert send("GET", "/v1/item/get", headers=auth(token)).body == board()


def test_a_v2_round_trip_follows_location_under_the_stage_prefix(
    emulated: EmulatedStack,
) -> None:
    send = emulated.client()
    on_host = emulated.client(on_host=True)
    token = V2(send).new_user()
    created = send("POST", "/v2/todos", {"title": "emulated"}, bearer(token))

    assert created.status == 201, created.body
    location = created.headers["Location"]
    assert location == f"/api/v2/todos/{created.body['id']}"
    read = on_host("GET", location, headers=bearer(token))
    assert (read.status, read.body["title"]) == (200, "emulated")
    done = {**bearer(token), "If-Match": read.headers["ETag"]}
    patched = on_host("PATCH", location, {"status": "DONE"}, done)
    assert (patched.status, patched.body["status"]) == (200, "DONE")
    deleted = on_host(
        "DELETE", location, headers={**bearer(token), "If-Match": patched.headers["ETag"]}
    )
    assert deleted.status == 204
    assert send("GET", "/v2/todos", headers=bearer(token)).body["items"] == []


def test_an_unknown_route_is_a_client_error(emulated: EmulatedStack) -> None:
    """The gateway's own answer: its status only, since the emulator does not apply
    the template's gateway responses (tests/deploy checks those)."""
    reply = emulated.client()("GET", "/v2/no-such-route")

    assert 400 <= reply.status < 500


def test_a_cors_preflight_is_answered_by_the_gateway(emulated: EmulatedStack) -> None:
    preflight = emulated.client()(
        "OPTIONS",
        "/v2/todos",
        headers={
            "Origin": "https://client.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )

    assert preflight.status == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "authorization" in preflight.headers["Access-Control-Allow-Headers"].lower()
