"""The book's walk-through, on one instance and alternating between two."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import pytest

from tests.support.api import credentials, v1_account

if TYPE_CHECKING:
    from conftest import RoundRobin

    from infra.local_stack import LocalStack
    from tests.support.api import V1, Board
    from tests.support.client import Send

pytestmark = pytest.mark.http

# The book's client sends the status it shows: "pending" to mark done, "DONE" to delete.
PENDING_WASHING = {"title": "washing", "status": "pending"}
PENDING_COOKING = {"title": "cooking", "status": "pending"}
DONE_WASHING = {"title": "washing", "status": "DONE"}
DONE_COOKING = {"title": "cooking", "status": "DONE"}


def sign_up_and_log_in(send: Send, name: str) -> str:
    email = f"{name}@example.com"
    created = send("POST", "/v1/user/create", v1_account(name))
    assert (created.status, created.body) == (201, {"username": name, "email": email})

    logged_in = send("POST", "/v1/auth/login", credentials(name))
    token = logged_in.body["token"]
    assert (logged_in.status, logged_in.body) == (200, {"token": token})
    assert logged_in.headers["token"] == token
    return token


def book_steps(board: Board) -> list[tuple[str, str, Any, dict[str, Any]]]:
    """(method, path, body, the full state expected afterwards), in the book's order."""
    both_pending = board(pending=["washing", "cooking"])
    both_done = board(done=["washing", "cooking"])
    return [
        ("POST", "/v1/item/create/washing", None, board(pending=["washing"])),
        ("POST", "/v1/item/create/cooking", None, both_pending),
        ("POST", "/v1/item/create/cooking", None, both_pending),
        ("GET", "/v1/item/get", None, both_pending),
        ("POST", "/v1/item/edit", PENDING_WASHING, board(pending=["cooking"], done=["washing"])),
        ("POST", "/v1/item/edit", PENDING_COOKING, both_done),
        ("POST", "/v1/item/edit", PENDING_COOKING, both_done),
        ("POST", "/v1/item/delete", DONE_COOKING, board(done=["washing"])),
        ("POST", "/v1/item/delete", DONE_WASHING, board()),
    ]


def walk_through(send: Send, board: Board, name: str) -> int:
    """Run the walk-through with `send`, asserting the full state after each step.

    Each step is read back twice, so under round robin every write is read
    on both instances and successive writes land on alternate instances.
    Returns the number of requests made.
    """
    token = sign_up_and_log_in(send, name)
    steps = book_steps(board)
    for method, path, body, expected in steps:
        reply = send(method, path, body, {"token": token})
        assert (reply.status, reply.body) == (200, expected), (method, path, body)
        for _ in range(2):
            read = send("GET", "/v1/item/get", None, {"token": token})
            assert (read.status, read.body) == (200, expected), (method, path, body)
    return 2 + 3 * len(steps)


def test_the_books_walk_through_gives_the_expected_state_after_every_step(
    send: Send, board: Board, username: str
) -> None:
    walk_through(send, board, username)


def test_the_walk_through_works_when_requests_alternate_between_two_instances(
    round_robin: RoundRobin, stack: LocalStack, board: Board, username: str
) -> None:
    # GIVEN two chalice processes sharing only the database and the secret
    first, second = stack.base_urls
    # WHEN every request goes to the other instance than the one before
    request_count = walk_through(round_robin, board, username)
    # THEN each was served where intended, and every state above matched
    assert round_robin.used == [first if i % 2 == 0 else second for i in range(request_count)]


def test_one_title_created_at_once_on_both_instances_is_stored_once(
    instances: tuple[Send, Send], api: V1, board: Board
) -> None:
    token = api.new_user()
    senders = [instances[i % 2] for i in range(8)]

    def create(send: Send) -> Any:
        return send("POST", "/v1/item/create/laundry", None, {"token": token})

    with ThreadPoolExecutor(max_workers=len(senders)) as pool:
        replies = list(pool.map(create, senders))

    assert [(r.status, r.body) for r in replies] == [(200, board(pending=["laundry"]))] * 8
    assert api.get(token).body == board(pending=["laundry"])
