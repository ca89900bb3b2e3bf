"""Lists, moves, clearing, due order and sync over real HTTP, on both backends.

The route tests (tests/routes) hold each rule on the in-process app; these
send the same requests to the local stack's servers, so the rules are also
held on DynamoDB Local and every answer is checked against the OpenAPI
document (tests/http/conftest.py).
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

import jwt
import pytest

from chalicelib.http.cursors import encode_cursor
from chalicelib.platform.signing_keys import SigningKeys
from chalicelib.storage.changes import HORIZON_DAYS
from tests.http.conftest import STACK_ENV
from tests.http.test_v2_resources_over_http import assert_problem
from tests.support.api import bearer, every_item
from tests.support.sync_replica import SyncReplica

if TYPE_CHECKING:
    from infra.local_stack import LocalStack
    from tests.support.api import V2
    from tests.support.client import Reply, Send

pytestmark = pytest.mark.http

LIST_QUOTA = int(STACK_ENV["LIST_QUOTA"])
UNKNOWN_ID = "01ARZ3NDEKTSV4RRFFQ69G5FAV"


class User:
    """One signed-up v2 user and the calls these tests make as them."""

    def __init__(self, v2: V2) -> None:
        self.send = v2.send
        self.token = v2.new_user()

    def call(self, method: str, path: str, body: Any = None, **headers: str) -> Reply:
        merged = {**bearer(self.token), **{k.replace("_", "-"): v for k, v in headers.items()}}
        return self.send(method, path, body, merged)

    def new_list(self, title: str) -> dict:
        reply = self.call("POST", "/v2/lists", {"title": title})
        assert reply.status == 201, reply.body
        return reply.body

    def new_todo(self, title: str, **fields: Any) -> dict:
        reply = self.call("POST", "/v2/todos", {"title": title, **fields})
        assert reply.status == 201, reply.body
        return reply.body

    def move(self, todo: dict, after: dict | None, **fields: Any) -> Reply:
        body = {"after": after["id"] if after else None, **fields}
        return self.call("POST", f"/v2/todos/{todo['id']}/move", body)

    def done(self, todo: dict) -> None:
        assert self.call("PATCH", f"/v2/todos/{todo['id']}", {"status": "DONE"}).status == 200

    def listing(self, query: str = "", limit: int = 100) -> list[dict]:
        """Every todo a listing gives, page after page."""
        return every_item(self.send, self.token, f"/v2/todos?limit={limit}{query}")

    def titles(self, query: str = "", limit: int = 100) -> list[str]:
        return [todo["title"] for todo in self.listing(query, limit)]

    def lists(self) -> dict[str, dict]:
        reply = self.call("GET", "/v2/lists")
        assert reply.status == 200, reply.body
        return {todo_list["id"]: todo_list for todo_list in reply.body["items"]}

    @property
    def user_id(self) -> str:
        return jwt.decode(self.token, options={"verify_signature": False})["sub"]


class Replica(SyncReplica):
    """A syncing client's copy, checked against what the user's listings show."""

    def __init__(self, user: User) -> None:
        super().__init__(user.send, user.token)

    def assert_in_step(self) -> None:
        lists, todos = self.server_state()
        assert self.todos == todos
        # The default list is sent once it has been written (renamed); until then it is implied.
        unwritten_default = {"default"} - set(self.lists)
        assert self.lists == {k: v for k, v in lists.items() if k not in unwritten_default}


@pytest.fixture
def user(v2: V2) -> User:
    return User(v2)


@pytest.fixture(scope="module")
def checked_user(v2: V2) -> User:
    """One user for the bad-input cases, none of which changes anything."""
    return User(v2)


def eventually(read: Any, expected: Any, seconds: float = 3) -> Any:
    """read() once it equals expected, for answers served by an eventually consistent index."""
    deadline = time.monotonic() + seconds
    while (got := read()) != expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return got


# Lists as resources


def test_a_new_user_has_only_the_default_list_which_cannot_be_deleted(user: User) -> None:
    listed = user.call("GET", "/v2/lists")
    refused = user.call("DELETE", "/v2/lists/default")

    assert listed.status == 200
    assert [(x["id"], x["title"], x["default"]) for x in listed.body["items"]] == [
        ("default", "Tasks", True)
    ]
    assert_problem(refused, 409, "conflict")
    assert list(user.lists()) == ["default"]


def test_a_list_is_created_read_renamed_and_deleted_with_etags(user: User) -> None:
    made = user.call("POST", "/v2/lists", {"title": "Groceries"})
    location = made.headers["Location"]
    read = user.call("GET", location)
    renamed = user.call("PATCH", location, {"title": "Food"}, If_Match='"1"')
    stale_rename = user.call("PATCH", location, {"title": "Drink"}, If_Match='"1"')
    stale_delete = user.call("DELETE", location, If_Match='"1"')

    assert (made.status, made.headers["ETag"], made.body["title"]) == (201, '"1"', "Groceries")
    assert location == f"/v2/lists/{made.body['id']}"
    assert made.body["default"] is False
    assert (read.status, read.body, read.headers["ETag"]) == (200, made.body, '"1"')
    assert (renamed.status, renamed.body["title"], renamed.headers["ETag"]) == (200, "Food", '"2"')
    assert_problem(stale_rename, 412, "precondition-failed")
    assert_problem(stale_delete, 412, "precondition-failed")
    assert [x["title"] for x in user.lists().values()] == ["Tasks", "Food"]

    deleted = user.call("DELETE", location, If_Match='"2"')

    assert (deleted.status, deleted.body) == (204, "")
    assert_problem(user.call("GET", location), 404, "not-found")
    assert list(user.lists()) == ["default"]


def test_the_default_list_is_renamed_like_any_other(user: User) -> None:
    renamed = user.call("PATCH", "/v2/lists/default", {"title": "Mine"})

    assert (renamed.status, renamed.body["title"], renamed.body["default"]) == (200, "Mine", True)
    assert user.lists()["default"]["title"] == "Mine"
    assert_problem(user.call("DELETE", "/v2/lists/default"), 409, "conflict")


def test_lists_past_the_quota_are_refused_and_a_deletion_makes_room(user: User) -> None:
    made = [user.new_list(f"list {n}") for n in range(LIST_QUOTA)]

    refused = user.call("POST", "/v2/lists", {"title": "one too many"})

    assert_problem(refused, 409, "quota-exceeded", limit=LIST_QUOTA)
    assert len(user.lists()) == LIST_QUOTA + 1  # the default list is not counted
    assert user.call("DELETE", f"/v2/lists/{made[0]['id']}").status == 204
    assert user.call("POST", "/v2/lists", {"title": "one too many"}).status == 201


def test_deleting_a_list_deletes_its_todos_and_frees_nothing_else(user: User) -> None:
    groceries = user.new_list("Groceries")
    kept = user.new_todo("milk")
    gone = [user.new_todo(f"item {n}", list_id=groceries["id"]) for n in range(5)]

    assert user.call("DELETE", f"/v2/lists/{groceries['id']}").status == 204

    for todo in gone:
        assert_problem(user.call("GET", f"/v2/todos/{todo['id']}"), 404, "not-found")
    assert [t["id"] for t in user.listing()] == [kept["id"]]
    refused = user.call("POST", "/v2/todos", {"title": "x", "list_id": groceries["id"]})
    assert_problem(refused, 422, "validation-error")


def test_another_users_list_is_404_on_every_route(v2: V2) -> None:
    alice, bob = User(v2), User(v2)
    theirs = alice.new_list("Secret")
    alice.new_todo("secret", list_id=theirs["id"])
    path = f"/v2/lists/{theirs['id']}"

    replies = [
        bob.call("GET", path),
        bob.call("PATCH", path, {"title": "mine"}),
        bob.call("DELETE", path),
        bob.call("POST", f"{path}/clear"),
    ]

    for reply in replies:
        assert_problem(reply, 404, "not-found")
    assert bob.listing(f"&list_id={theirs['id']}") == []
    assert alice.lists()[theirs["id"]]["title"] == "Secret"
    assert alice.titles(f"&list_id={theirs['id']}") == ["secret"]


# Manual order


def test_moves_within_a_list_reorder_it_and_each_is_a_new_version(user: User) -> None:
    todos = {name: user.new_todo(name) for name in "abcd"}

    to_top = user.move(todos["d"], None)
    after_c = user.move(todos["a"], todos["c"])

    assert (to_top.status, to_top.headers["ETag"]) == (200, '"2"')
    assert (after_c.status, after_c.body["title"]) == (200, "a")
    assert user.titles() == list("dbca")
    assert user.titles(limit=1) == list("dbca")
    positions = [todo["position"] for todo in user.listing()]
    assert positions == sorted(positions)


def test_a_move_to_another_list_takes_its_title_there_and_frees_it_here(user: User) -> None:
    groceries = user.new_list("Groceries")
    here = {name: user.new_todo(name) for name in "ab"}
    there = user.new_todo("a", list_id=groceries["id"])

    taken = user.move(here["a"], None, list_id=groceries["id"])
    moved = user.move(here["b"], there, list_id=groceries["id"])

    assert_problem(taken, 409, "conflict", field="title")
    assert (moved.status, moved.body["list_id"]) == (200, groceries["id"])
    assert user.titles(f"&list_id={groceries['id']}") == ["a", "b"]
    assert user.titles() == ["a"]
    assert user.new_todo("b")["list_id"] == "default"


def test_a_move_with_a_stale_if_match_is_412_and_moves_nothing(user: User) -> None:
    todos = {name: user.new_todo(name) for name in "ab"}
    user.done(todos["b"])

    stale = user.call("POST", f"/v2/todos/{todos['b']['id']}/move", {"after": None}, If_Match='"1"')

    assert_problem(stale, 412, "precondition-failed")
    assert user.titles() == ["a", "b"]


# Clearing done todos


def test_clear_removes_the_lists_done_todos_only(user: User) -> None:
    groceries = user.new_list("Groceries")
    here = {name: user.new_todo(name) for name in "abc"}
    there = user.new_todo("x", list_id=groceries["id"])
    for todo in (here["a"], here["c"], there):
        user.done(todo)

    cleared = user.call("POST", "/v2/lists/default/clear")
    again = user.call("POST", "/v2/lists/default/clear")

    assert (cleared.status, cleared.body) == (200, {"cleared": 2, "more": False})
    assert (again.status, again.body) == (200, {"cleared": 0, "more": False})
    assert user.titles() == ["b"]
    assert user.titles(f"&list_id={groceries['id']}") == ["x"]


# Due dates


def test_order_due_lists_dated_todos_soonest_first_then_the_rest_in_manual_order(
    user: User,
) -> None:
    user.new_todo("undated 1")
    user.new_todo("late", due="2027-03-01")
    user.new_todo("instant", due="2027-01-01T00:30:00+01:00")  # 2026-12-31T23:30Z
    user.new_todo("undated 2")
    user.new_todo("day", due="2026-12-31")  # a date sorts before that day's instants
    expected = ["day", "instant", "late", "undated 1", "undated 2"]

    whole = eventually(lambda: user.titles("&order=due"), expected)
    paged = user.titles("&order=due", limit=2)

    assert whole == expected
    assert paged == expected


def test_due_filters_keep_todos_due_before_or_from_a_moment(user: User) -> None:
    user.new_todo("none")
    user.new_todo("christmas eve", due="2026-12-24")
    user.new_todo("morning of the 23rd", due="2026-12-23T09:00:00+01:00")
    user.new_todo("new year", due="2027-01-01")

    before = eventually(lambda: user.titles("&due_before=2026-12-24"), ["morning of the 23rd"])
    from_eve = user.titles("&due_after=2026-12-24")
    window = user.titles("&order=due&due_after=2026-12-23&due_before=2027-01-01")

    assert before == ["morning of the 23rd"]
    assert from_eve == ["christmas eve", "new year"]
    assert window == ["morning of the 23rd", "christmas eve"]


def test_a_due_date_can_be_changed_and_cleared(user: User) -> None:
    todo = user.new_todo("x", due="2026-12-24")

    moved = user.call("PATCH", f"/v2/todos/{todo['id']}", {"due": "2026-12-25T10:00:00Z"})
    cleared = user.call("PATCH", f"/v2/todos/{todo['id']}", {"due": None})

    assert (moved.status, moved.body["due"]) == (200, "2026-12-25T10:00:00Z")
    assert (cleared.status, cleared.body["due"]) == (200, None)
    assert eventually(lambda: user.titles("&due_after=2000-01-01"), []) == []


# Sync


def test_sync_from_scratch_then_deltas_with_tombstones_replay_the_servers_state(
    user: User,
) -> None:
    # GIVEN two lists and a dozen todos, synced from scratch three at a time
    groceries = user.new_list("Groceries")
    todos = [user.new_todo(f"task {n}") for n in range(7)]
    todos += [user.new_todo(f"buy {n}", list_id=groceries["id"]) for n in range(5)]
    replica = Replica(user)
    assert len(replica.pull(limit=3)) >= 4
    replica.assert_in_step()
    # WHEN todos change, move, go, and a list goes with its todos
    user.done(todos[0])
    assert user.move(todos[1], None, list_id=groceries["id"]).status == 200
    assert user.call("DELETE", f"/v2/todos/{todos[2]['id']}").status == 204
    work = user.new_list("Work")
    user.new_todo("report", list_id=work["id"])
    assert user.call("DELETE", f"/v2/lists/{groceries['id']}").status == 204
    assert user.call("PATCH", "/v2/lists/default", {"title": "Home"}).status == 200
    pages = replica.pull(limit=4)
    # THEN the deltas held tombstones for what went, and the replica is the server's state
    deleted_todos = {todo_id for page in pages for todo_id in page["deleted"]["todos"]}
    deleted_lists = {list_id for page in pages for list_id in page["deleted"]["lists"]}
    assert {todos[1]["id"], todos[2]["id"], todos[8]["id"]} <= deleted_todos
    assert groceries["id"] in deleted_lists
    replica.assert_in_step()
    assert replica.lists["default"]["title"] == "Home"
    # AND a pull with nothing new is empty
    (quiet,) = replica.pull()
    assert (quiet["lists"], quiet["todos"], quiet["deleted"], quiet["more"]) == (
        [],
        [],
        {"lists": [], "todos": []},
        False,
    )


def test_v1_writes_reach_a_syncing_client(user: User) -> None:
    replica = Replica(user)
    replica.pull()
    v1_headers = {"token": user.token}

    created = user.send("POST", "/v1/item/create/from%20the%20book", None, v1_headers)
    edit = {"title": "from the book", "status": "DONE"}
    edited = user.send("POST", "/v1/item/edit", edit, v1_headers)
    replica.pull()

    assert (created.status, edited.status) == (200, 200)
    synced = [(todo["title"], todo["status"]) for todo in replica.todos.values()]
    assert synced == [("from the book", "DONE")]
    replica.assert_in_step()


def test_a_sync_cursor_older_than_the_horizon_is_410_and_a_fresh_sync_works(
    user: User, stack: LocalStack
) -> None:
    user.new_todo("x")
    replica = Replica(user)
    replica.pull()
    # A cursor the service signed, issued just past the horizon.
    key = SigningKeys.of(stack.secret.encode()).cursor_keys()[0]
    day_us = 86_400 * 1_000_000
    issued = int(time.time() * 1_000_000) - (HORIZON_DAYS + 1) * day_us
    old = encode_cursor([1, issued, False, None], purpose="sync", user_id=user.user_id, secret=key)
    fresh = encode_cursor(
        [1, issued + 2 * day_us, False, None], purpose="sync", user_id=user.user_id, secret=key
    )

    gone = user.call("GET", f"/v2/sync?cursor={old}")
    recent = user.call("GET", f"/v2/sync?cursor={fresh}")

    assert_problem(gone, 410, "gone")
    assert "from scratch" in gone.body["detail"]
    assert recent.status == 200
    again = Replica(user)
    again.pull()
    again.assert_in_step()


# Bad input on every new route is a 4xx problem, never a 5xx


BAD_REQUESTS = [
    ("POST", "/v2/lists", b'{"title": ', 400),
    ("POST", "/v2/lists", b"[]", 400),
    ("POST", "/v2/lists", {}, 422),
    ("POST", "/v2/lists", {"title": ""}, 422),
    ("POST", "/v2/lists", {"title": 3}, 422),
    ("POST", "/v2/lists", {"title": "x" * 1000}, 422),
    ("POST", "/v2/lists", {"title": "x", "colour": "red"}, 422),
    ("POST", "/v2/lists", {"title": "a\u0000b"}, 422),
    ("GET", "/v2/lists/nope", None, 404),
    ("GET", f"/v2/lists/{'A' * 2000}", None, 404),
    ("PATCH", "/v2/lists/default", {"title": None}, 422),
    ("PATCH", "/v2/lists/default", b"{", 400),
    ("PATCH", "/v2/lists/default", {"title": "x"}, 400, {"If-Match": "1"}),
    ("PATCH", f"/v2/lists/{UNKNOWN_ID}", {"title": "x"}, 404),
    ("DELETE", "/v2/lists/DEFAULT", None, 404),
    ("DELETE", "/v2/lists/default", None, 400, {"If-Match": "nonsense"}),
    ("POST", f"/v2/lists/{UNKNOWN_ID}/clear", None, 404),
    ("POST", "/v2/lists/%00/clear", None, 404),
    ("POST", "/v2/todos", {"title": "x", "list_id": UNKNOWN_ID}, 422),
    ("POST", "/v2/todos", {"title": "x", "list_id": 7}, 422),
    ("POST", "/v2/todos", {"title": "x", "due": "2026-02-30"}, 422),
    ("POST", "/v2/todos", {"title": "x", "due": "tomorrow"}, 422),
    ("POST", "/v2/todos", {"title": "x", "due": "2026-12-24T25:00:00Z"}, 422),
    ("POST", "/v2/todos", {"title": "x", "notes": "n" * 8193}, 422),
    ("POST", "/v2/todos", {"title": "x", "position": "0"}, 422),
    ("POST", "/v2/todos", {"title": "x", "completed_at": "2026-01-01T00:00:00Z"}, 422),
    ("POST", f"/v2/todos/{UNKNOWN_ID}/move", {"after": None}, 404),
    ("POST", "/v2/todos/not-an-id/move", {"after": None}, 404),
    ("GET", "/v2/todos?list_id=nope", None, 422),
    ("GET", "/v2/todos?order=title", None, 422),
    ("GET", "/v2/todos?due_before=soon", None, 422),
    ("GET", "/v2/todos?due_after=2026-13-01", None, 422),
    ("GET", "/v2/todos?updated_since=yesterday", None, 422),
    ("GET", "/v2/todos?order=due&cursor=forged", None, 400),
    ("GET", "/v2/sync?limit=0", None, 422),
    ("GET", "/v2/sync?limit=101", None, 422),
    ("GET", "/v2/sync?limit=ten", None, 422),
    ("GET", "/v2/sync?cursor=forged", None, 400),
    ("GET", "/v2/sync?cursor=", None, 400),
    ("GET", f"/v2/sync?cursor={'A' * 5000}.{'B' * 40}", None, 400),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "headers"),
    [(*case, {}) if len(case) == 4 else case for case in BAD_REQUESTS],
    ids=[f"{case[0]} {case[1][:40]} {str(case[2])[:30]}" for case in BAD_REQUESTS],
)
def test_bad_input_on_the_new_routes_is_a_4xx_problem(
    checked_user: User, method: str, path: str, body: Any, status: int, headers: dict[str, str]
) -> None:
    reply = checked_user.send(method, path, body, {**bearer(checked_user.token), **headers})

    assert reply.status == status, reply.body
    assert reply.headers["Content-Type"] == "application/problem+json"
    assert reply.body["status"] == status


def test_a_move_that_names_no_place_is_422_and_moves_nothing(user: User) -> None:
    todos = {name: user.new_todo(name) for name in "ab"}
    stranger_list = UNKNOWN_ID
    path = f"/v2/todos/{todos['a']['id']}/move"
    bodies = [
        {},
        {"after": 5},
        {"after": "not-an-id"},
        {"after": UNKNOWN_ID},
        {"after": todos["a"]["id"]},
        {"after": None, "list_id": stranger_list},
        {"after": None, "list_id": 3},
        {"after": None, "extra": True},
    ]

    for body in bodies:
        assert_problem(user.call("POST", path, body), 422, "validation-error")
    for malformed in (b"{", b"[]"):
        assert_problem(user.call("POST", path, malformed), 400, "malformed-request")
    assert user.titles() == ["a", "b"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v2/lists"),
        ("POST", "/v2/lists"),
        ("GET", "/v2/lists/default"),
        ("PATCH", "/v2/lists/default"),
        ("DELETE", "/v2/lists/default"),
        ("POST", "/v2/lists/default/clear"),
        ("POST", f"/v2/todos/{UNKNOWN_ID}/move"),
        ("GET", "/v2/sync"),
    ],
)
def test_every_new_route_without_a_token_is_401(send: Send, method: str, path: str) -> None:
    body = {"title": "x"} if method in {"POST", "PATCH"} else None

    reply = send(method, path, body)

    assert_problem(reply, 401, "unauthenticated", reason="missing")


def test_json_of_every_shape_on_the_new_bodies_is_never_a_5xx(user: User) -> None:
    todo = user.new_todo("a")
    shapes = [None, 0, -1, 1.5, True, "", "x", [], [None], {}, {"": ""}, "\ud800"]
    routes = [
        ("POST", "/v2/lists", "title"),
        ("PATCH", "/v2/lists/default", "title"),
        ("POST", f"/v2/todos/{todo['id']}/move", "after"),
        ("POST", f"/v2/todos/{todo['id']}/move", "list_id"),
        ("POST", "/v2/todos", "due"),
        ("POST", "/v2/todos", "list_id"),
    ]
    for method, path, field in routes:
        for shape in shapes:
            body = json.dumps({"title": "y", "after": None, field: shape}).encode()
            reply = user.call(method, path, body)
            assert reply.status < 500, (method, path, field, shape, reply.body)
            if reply.status >= 400:
                assert reply.headers["Content-Type"] == "application/problem+json"
