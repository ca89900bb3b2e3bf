"""Details of the wire format: encoded titles, CORS, and the two ways to send a token."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.support.values import BOOK_CLIENT_REQUEST_HEADERS

if TYPE_CHECKING:
    from collections.abc import Callable

    from tests.support.api import V1, Board
    from tests.support.client import Reply, Send

pytestmark = pytest.mark.http

ORIGIN = "http://localhost:3000"


def header_list(reply: Reply, name: str) -> list[str]:
    return [part.strip().lower() for part in reply.headers.get(name, "").split(",")]


@pytest.mark.parametrize(
    "title",
    [
        "café / thé?",
        "洗濯",
        "a+b%20c",
        "100% sure & done #1",
        "🙂",
        "🙂" * 255,
        "  spaced  ",
        "e\u0301t\u00e9",
    ],
    ids=[
        "slash-and-query",
        "cjk",
        "literal-percent",
        "reserved",
        "emoji",
        "255-emoji",
        "spaces",
        "combining",
    ],
)
def test_a_title_round_trips_exactly_through_create_edit_and_delete(
    api: V1, token: str, board: Board, title: str
) -> None:
    created = api.create(token, title)
    assert (created.status, created.body) == (200, board(pending=[title]))

    edited = api.edit(token, title)
    assert (edited.status, edited.body) == (200, board(done=[title]))

    deleted = api.delete(token, title, "DONE")
    assert (deleted.status, deleted.body) == (200, board())


def test_a_literal_plus_in_the_path_is_a_plus_not_a_space(
    send: Send, token: str, board: Board
) -> None:
    reply = send("POST", "/v1/item/create/a+b", None, {"token": token})

    assert (reply.status, reply.body) == (200, board(pending=["a+b"]))


def test_an_encoded_and_a_plain_spelling_of_one_title_name_the_same_item(
    send: Send, token: str, board: Board
) -> None:
    send("POST", "/v1/item/create/abc", None, {"token": token})

    reply = send("POST", "/v1/item/create/%61%62%63", None, {"token": token})

    assert (reply.status, reply.body) == (200, board(pending=["abc"]))


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/v1/item/create/washing"),
        ("GET", "/v1/item/get"),
        ("POST", "/v1/item/edit"),
        ("POST", "/v1/item/delete"),
        ("POST", "/v1/auth/login"),
        ("POST", "/v1/user/create"),
    ],
)
def test_a_preflight_allows_every_header_the_books_clients_send(
    send: Send, method: str, path: str
) -> None:
    preflight = {
        "Origin": ORIGIN,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": ",".join(sorted(BOOK_CLIENT_REQUEST_HEADERS)),
    }

    reply = send("OPTIONS", path, None, preflight)

    assert reply.status == 200
    assert reply.headers["Access-Control-Allow-Origin"] in {"*", ORIGIN}
    allowed = set(header_list(reply, "Access-Control-Allow-Headers"))
    assert allowed >= BOOK_CLIENT_REQUEST_HEADERS
    assert method.lower() in header_list(reply, "Access-Control-Allow-Methods")


def test_responses_let_the_front_end_read_the_token_header(send: Send, api: V1) -> None:
    name = api.sign_up()
    login = send("POST", "/v1/auth/login", {"username": name, "password": "correct horse battery"})
    items = api.get(login.body["token"])
    rejected = api.get("not-a-token")

    for reply in (login, items, rejected):
        assert reply.headers["Access-Control-Allow-Origin"] in {"*", ORIGIN}
        assert "token" in header_list(reply, "Access-Control-Expose-Headers")
    assert [login.status, items.status, rejected.status] == [200, 200, 401]


def test_login_answers_a_get_with_a_json_body_like_a_post(
    send: Send, api: V1, board: Board
) -> None:
    name = api.sign_up()

    reply = send("GET", "/v1/auth/login", {"username": name, "password": "correct horse battery"})

    token = reply.body["token"]
    assert (reply.status, reply.body) == (200, {"token": token})
    assert reply.headers["token"] == token
    assert reply.headers["Cache-Control"] == "no-store"
    assert api.get(token).body == board()


@pytest.mark.parametrize(
    "scheme",
    [
        lambda token: {"token": token},
        lambda token: {"Authorization": f"Bearer {token}"},
        lambda token: {"Authorization": f"bearer {token}"},
    ],
    ids=["token-header", "bearer", "lowercase-bearer"],
)
def test_the_token_is_accepted_in_either_header(
    send: Send, board: Board, token: str, scheme: Callable[[str], dict[str, str]]
) -> None:
    headers = scheme(token)

    created = send("POST", "/v1/item/create/washing", None, headers)
    read = send("GET", "/v1/item/get", None, headers)

    assert (created.status, created.body) == (200, board(pending=["washing"]))
    assert (read.status, read.body) == (200, board(pending=["washing"]))
