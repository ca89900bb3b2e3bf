"""Manual order: moving todos, the one write a move costs, spreading out when keys run out,
pages that never skip or repeat while todos move, and clearing done todos."""

import random
from collections.abc import Callable
from typing import Any

import pytest
from chalice.test import Client

from chalicelib.storage import todo_store
from chalicelib.use_cases import arranging
from tests.routes.conftest import CallLog
from tests.routes.test_task_lists import call, new_list, new_todo, titles


def move(client: Client, token: str, todo: dict, after: dict | None, **extra: Any):
    body = {"after": after["id"] if after else None, **extra}
    return call(client, token, "POST", f"/v2/todos/{todo['id']}/move", body)


def make(client: Client, token: str, names: str, **fields: Any) -> dict[str, dict]:
    return {name: new_todo(client, token, name, **fields) for name in names}


def all_pages(client: Client, token: str, limit: int, between: Callable[[], None]) -> list[str]:
    seen, cursor = [], None
    while True:
        query = f"/v2/todos?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        page = call(client, token, "GET", query).json_body
        seen += [todo["title"] for todo in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen
        between()


def test_new_todos_go_last_and_a_move_puts_one_first_or_just_after_another(
    client: Client, token: str
) -> None:
    todos = make(client, token, "abcd")
    assert titles(client, token) == list("abcd")
    moved = move(client, token, todos["d"], None)
    assert (moved.status_code, moved.headers["ETag"]) == (200, '"2"')
    assert titles(client, token) == list("dabc")
    assert move(client, token, todos["a"], todos["c"]).status_code == 200
    assert titles(client, token) == list("dbca")
    positions = [t["position"] for t in call(client, token, "GET", "/v2/todos").json_body["items"]]
    assert positions == sorted(positions)


def test_the_order_spans_both_statuses(client: Client, token: str) -> None:
    todos = make(client, token, "abc")
    call(client, token, "PATCH", f"/v2/todos/{todos['b']['id']}", {"status": "DONE"})
    move(client, token, todos["a"], todos["b"])
    assert titles(client, token) == list("bac")
    done_only = call(client, token, "GET", "/v2/todos?status=DONE").json_body["items"]
    assert [t["title"] for t in done_only] == ["b"]


def test_a_move_within_a_list_is_one_conditional_write(
    client: Client, token: str, dynamodb_calls: CallLog
) -> None:
    todos = make(client, token, "abc")
    calls = dynamodb_calls.during()
    move(client, token, todos["c"], todos["a"])
    # The todo and its new neighbour together; what follows that, in each status; one write.
    assert calls.operations == ["BatchGetItem", "Query", "Query", "TransactWriteItems"]


def test_moving_to_another_list_takes_the_title_there_and_frees_it_here(
    client: Client, token: str
) -> None:
    groceries = new_list(client, token)
    todos = make(client, token, "ab")
    there = new_todo(client, token, "a", list_id=groceries["id"])
    taken = move(client, token, todos["a"], None, list_id=groceries["id"])
    assert (taken.status_code, taken.json_body["field"]) == (409, "title")
    moved = move(client, token, todos["b"], there, list_id=groceries["id"])
    assert (moved.status_code, moved.json_body["list_id"]) == (200, groceries["id"])
    assert titles(client, token, groceries["id"]) == ["a", "b"]
    assert titles(client, token) == ["a"]
    assert new_todo(client, token, "b")["list_id"] == "default"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 422),
        ({"after": 5}, 422),
        ({"after": "not-an-id"}, 422),
        ({"after": "01ARZ3NDEKTSV4RRFFQ69G5FAV"}, 422),
        ({"after": None, "list_id": "01ARZ3NDEKTSV4RRFFQ69G5FAV"}, 422),
        ({"after": None, "list_id": "x"}, 422),
        ({"after": None, "extra": True}, 422),
    ],
)
def test_a_move_that_names_no_place_is_422(
    client: Client, token: str, body: dict, status: int
) -> None:
    todo = new_todo(client, token, "a")
    reply = call(client, token, "POST", f"/v2/todos/{todo['id']}/move", body)
    assert reply.status_code == status, reply.json_body
    assert titles(client, token) == ["a"]


def test_a_move_after_itself_or_of_another_users_todo_is_refused(
    client: Client, token: str
) -> None:
    todo = new_todo(client, token, "a")
    assert move(client, token, todo, todo).status_code == 422
    from tests.support.api import V1
    from tests.support.client import in_process

    stranger = V1(in_process(client)).new_user()
    assert move(client, stranger, todo, None).status_code == 404


def test_a_move_with_a_stale_if_match_is_412_and_moves_nothing(client: Client, token: str) -> None:
    todos = make(client, token, "ab")
    call(client, token, "PATCH", f"/v2/todos/{todos['b']['id']}", {"notes": "changed"})
    stale = call(
        client,
        token,
        "POST",
        f"/v2/todos/{todos['b']['id']}/move",
        {"after": None},
        {"If-Match": '"1"'},
    )
    assert stale.status_code == 412
    assert titles(client, token) == ["a", "b"]


def test_when_keys_run_out_the_neighbourhood_is_spread_out_in_the_same_write(
    client: Client, token: str, dynamodb_calls: CallLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A lower limit makes keys run out within a few dozen moves instead of hundreds.
    monkeypatch.setattr(todo_store, "MAX_LENGTH", 16)
    # GIVEN a list, and moves that always land in the same, ever narrower gap
    todos = make(client, token, "abcdefgh")
    model = list("abcdefgh")
    writes_per_move = []
    for turn in range(60):
        mover = "c" if turn % 2 else "d"
        calls = dynamodb_calls.during()
        assert move(client, token, todos[mover], todos["a"]).status_code == 200
        writes_per_move.append(calls.operations.count("TransactWriteItems"))
        model.remove(mover)
        model.insert(1, mover)
        if turn == 10:
            assert titles(client, token) == model
    # THEN every move was one write, the order is the model's, and no key outgrew the limit
    assert writes_per_move == [1] * 60
    positions = _positions(client, token)
    assert titles(client, token) == model
    assert max(len(p) for p in positions.values()) <= 16
    # AND at least one spreading gave other todos new positions
    assert positions["b"] != todos["b"]["position"]


def _positions(client: Client, token: str) -> dict[str, str]:
    items = call(client, token, "GET", "/v2/todos?limit=100").json_body["items"]
    return {t["title"]: t["position"] for t in items}


@pytest.mark.parametrize("seed", range(6))
def test_pages_never_skip_or_repeat_a_todo_however_todos_move_between_them(
    client: Client, token: str, seed: int
) -> None:
    # GIVEN 30 todos
    rng = random.Random(seed)  # noqa: S311
    names = [f"t{n:02d}" for n in range(30)]
    todos = {name: new_todo(client, token, name) for name in names}

    def shuffle_some() -> None:
        for _ in range(4):
            mover, anchor = rng.sample(names, 2)
            move(client, token, todos[mover], None if rng.random() < 0.3 else todos[anchor])

    # WHEN paged through 4 at a time while todos move between every two pages
    seen = all_pages(client, token, 4, shuffle_some)
    # THEN every todo came exactly once
    assert sorted(seen) == names


def test_todos_created_while_paging_come_once_at_most(client: Client, token: str) -> None:
    make(client, token, "abcdef")
    made = iter("uvwxyz")
    seen = all_pages(client, token, 2, lambda: new_todo(client, token, next(made)))
    assert sorted(set(seen)) == sorted(seen)
    assert set("abcdef") <= set(seen)


def test_clear_completed_removes_the_lists_done_todos_only(client: Client, token: str) -> None:
    groceries = new_list(client, token)
    here = make(client, token, "abc")
    there = new_todo(client, token, "x", list_id=groceries["id"])
    for todo in (here["a"], here["c"], there):
        call(client, token, "PATCH", f"/v2/todos/{todo['id']}", {"status": "DONE"})
    cleared = call(client, token, "POST", "/v2/lists/default/clear", {})
    assert (cleared.status_code, cleared.json_body) == (200, {"cleared": 2, "more": False})
    assert titles(client, token) == ["b"]
    assert titles(client, token, groceries["id"]) == ["x"]


def test_clear_completed_stays_bounded_and_says_when_to_ask_again(
    client: Client, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(todo_store, "CLEAR_BATCH", 2)
    monkeypatch.setattr(arranging, "CLEAR_BATCHES_PER_REQUEST", 2)
    for todo in make(client, token, "abcdefg").values():
        call(client, token, "PATCH", f"/v2/todos/{todo['id']}", {"status": "DONE"})
    first = call(client, token, "POST", "/v2/lists/default/clear", {}).json_body
    second = call(client, token, "POST", "/v2/lists/default/clear", {}).json_body
    assert (first, second) == ({"cleared": 4, "more": True}, {"cleared": 3, "more": False})
    assert titles(client, token) == []
