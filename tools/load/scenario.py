"""What each Locust user of `make load` does: the book's v1 walk-through, then v2 CRUD.

Every step names the status it expects, and a few also check the body, so a
wrong answer counts as an error just as a failed connection does.
"""

import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from tests.support.values import PASSWORD

Check = Callable[[Any], bool]


# call(op, method, path, expected status, body=None, headers=None, check=None) sends one
# request, named op in the figures, and returns its parsed body; a wrong answer raises.
Call = Callable[..., Any]


def session(call: Call) -> None:
    """A new user's session: 19 requests, ending with no todos left.

    The v2 creates reuse the titles v1 deleted, so they take over stale title claims.
    """
    token = book_walk_through(call)
    v2_crud(call, {"Authorization": f"Bearer {token}"})


def book_walk_through(call: Call) -> str:
    name = f"load-{uuid.uuid4().hex[:12]}"
    account = {"name": name, "email": f"{name}@example.com", "password": PASSWORD}
    call("v1 sign up", "POST", "/v1/user/create", 201, account)
    credentials = {"username": name, "password": PASSWORD}
    grant = call("v1 log in", "POST", "/v1/auth/login", 200, credentials, check=has("token"))
    token = grant["token"]
    auth = {"token": token}
    call("v1 create", "POST", "/v1/item/create/washing", 200, headers=auth)
    call("v1 create", "POST", "/v1/item/create/cooking", 200, headers=auth)
    call("v1 create (exists)", "POST", "/v1/item/create/cooking", 200, headers=auth)
    call("v1 get", "GET", "/v1/item/get", 200, headers=auth, check=counts(2, 0))
    call("v1 edit", "POST", "/v1/item/edit", 200, item("washing"), auth, counts(1, 1))
    call("v1 edit", "POST", "/v1/item/edit", 200, item("cooking"), auth, counts(0, 2))
    call("v1 edit", "POST", "/v1/item/edit", 200, item("cooking"), auth, counts(0, 2))
    call("v1 delete", "POST", "/v1/item/delete", 200, item("cooking"), auth, counts(0, 1))
    call("v1 delete", "POST", "/v1/item/delete", 200, item("washing"), auth, counts(0, 0))
    return token


def v2_crud(call: Call, auth: dict[str, str]) -> None:
    first = call("v2 create", "POST", "/v2/todos", 201, {"title": "washing"}, auth, has("id"))
    second = call("v2 create", "POST", "/v2/todos", 201, {"title": "cooking"}, auth, has("id"))
    first, second = first["id"], second["id"]
    unchanged = {**auth, "If-None-Match": '"1"'}
    call("v2 get (If-None-Match)", "GET", f"/v2/todos/{first}", 304, headers=unchanged)
    matching = {**auth, "If-Match": '"1"'}
    done = {"status": "DONE"}
    call("v2 patch", "PATCH", f"/v2/todos/{first}", 200, done, matching, has_status("DONE"))
    page = call("v2 list", "GET", "/v2/todos?limit=1", 200, headers=auth, check=more(True))
    rest = f"/v2/todos?limit=1&cursor={quote(page['next_cursor'], safe='')}"
    call("v2 list (cursor)", "GET", rest, 200, headers=auth, check=more(False))
    call("v2 delete", "DELETE", f"/v2/todos/{first}", 204, headers=auth)
    call("v2 delete", "DELETE", f"/v2/todos/{second}", 204, headers=auth)


def item(title: str) -> dict[str, str]:
    return {"title": title, "status": "DONE"}


def counts(pending: int, done: int) -> Check:
    def check(state: Any) -> bool:
        return (state["pending_item_count"], state["done_item_count"]) == (pending, done)

    return check


def has(field: str) -> Check:
    return lambda body: isinstance(body[field], str)


def has_status(status: str) -> Check:
    return lambda todo: todo["status"] == status


def more(expected: bool) -> Check:
    return lambda page: len(page["items"]) == 1 and (page["next_cursor"] is not None) == expected
