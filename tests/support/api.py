"""The calls tests repeat, over any Send: accounts (v1 and v2) and items, with one PASSWORD.

Set-up calls (sign up, log in) assert that they worked, so a test fails at
the step that broke; the other calls return the Reply for the test to judge.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import quote

from tests.support.client import Body, Reply, Send
from tests.support.values import PASSWORD, unique

# The type of `board`, for suites that hand it to tests as a fixture.
Board = Callable[..., dict[str, Any]]


# Every field a v2 todo is shown with.
TODO_FIELDS = frozenset(
    {
        "id",
        "title",
        "status",
        "notes",
        "list_id",
        "position",
        "due",
        "completed_at",
        "created_at",
        "updated_at",
    }
)


def auth(token: str) -> dict[str, str]:
    """The book's header for a token."""
    return {"token": token}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def every_item(send: Send, token: str, path: str) -> list[dict]:
    """Every item a v2 listing gives, following `next_cursor` to the last page. `path`
    carries its query string (a limit at least); every page must answer 200."""
    items, cursor = [], ""
    while True:
        reply = send("GET", f"{path}{cursor}", None, bearer(token))
        assert reply.status == 200, reply.body
        items += reply.body["items"]
        if reply.body["next_cursor"] is None:
            return items
        cursor = f"&cursor={reply.body['next_cursor']}"


def v1_account(name: str, /, **overrides: str) -> dict[str, str]:
    """A v1 sign-up body."""
    return {"name": name, "email": f"{name}@example.com", "password": PASSWORD, **overrides}


def v2_account(name: str, /, **overrides: str) -> dict[str, str]:
    """A v2 sign-up body."""
    return {"username": name, "email": f"{name}@example.com", "password": PASSWORD, **overrides}


def credentials(name: str, password: str = PASSWORD) -> dict[str, str]:
    return {"username": name, "password": password}


def board(pending: Sequence[str] = (), done: Sequence[str] = ()) -> dict[str, Any]:
    """The full v1 state for these titles, each list oldest first."""
    return {
        "pending_items": [{"title": title, "status": "PENDING"} for title in pending],
        "done_items": [{"title": title, "status": "DONE"} for title in done],
        "pending_item_count": len(pending),
        "done_item_count": len(done),
    }


@dataclass(frozen=True)
class Accounts:
    """Sign-up and log-in through one API version's routes, named by the subclass."""

    send: Send
    SIGN_UP: ClassVar[str]
    ACCOUNT: ClassVar[Callable[[str], dict[str, str]]]
    LOG_IN: ClassVar[str]
    TOKEN: ClassVar[str]  # the field of the log-in answer that holds the token

    def sign_up(self, name: str | None = None) -> str:
        """Sign up `name` (a fresh one by default) and return it."""
        name = name or unique()
        reply = self.send("POST", self.SIGN_UP, type(self).ACCOUNT(name))
        assert reply.status == 201, reply.body
        return name

    def log_in(self, name: str) -> str:
        reply = self.send("POST", self.LOG_IN, credentials(name))
        assert reply.status == 200, reply.body
        return reply.body[self.TOKEN]

    def new_user(self) -> str:
        """Sign up a fresh user and return their token."""
        return self.log_in(self.sign_up())


class V1(Accounts):
    """The book's routes."""

    SIGN_UP, ACCOUNT, LOG_IN, TOKEN = "/v1/user/create", v1_account, "/v1/auth/login", "token"

    def create(self, token: str, title: str) -> Reply:
        return self.send("POST", "/v1/item/create/" + quote(title, safe=""), None, auth(token))

    def get(self, token: str) -> Reply:
        return self.send("GET", "/v1/item/get", None, auth(token))

    def edit(self, token: str, title: str, status: str = "PENDING") -> Reply:
        return self.send("POST", "/v1/item/edit", {"title": title, "status": status}, auth(token))

    def delete(self, token: str, title: str, status: str = "PENDING") -> Reply:
        body = {"title": title, "status": status}
        return self.send("POST", "/v1/item/delete", body, auth(token))


class V2(Accounts):
    """The v2 routes."""

    SIGN_UP, ACCOUNT, LOG_IN, TOKEN = "/v2/users", v2_account, "/v2/auth/token", "access_token"

    def create(self, token: str, title: str, **fields: str) -> Reply:
        return self.send("POST", "/v2/todos", {"title": title, **fields}, bearer(token))

    def get(self, token: str, todo_id: str, headers: dict[str, str] | None = None) -> Reply:
        return self.send("GET", f"/v2/todos/{todo_id}", None, {**bearer(token), **(headers or {})})

    def patch(
        self, token: str, todo_id: str, body: Body, headers: dict[str, str] | None = None
    ) -> Reply:
        merged = {**bearer(token), **(headers or {})}
        return self.send("PATCH", f"/v2/todos/{todo_id}", body, merged)

    def delete(self, token: str, todo_id: str, headers: dict[str, str] | None = None) -> Reply:
        merged = {**bearer(token), **(headers or {})}
        return self.send("DELETE", f"/v2/todos/{todo_id}", None, merged)

    def list(self, token: str, query: str = "") -> Reply:
        return self.send("GET", f"/v2/todos{query}", None, bearer(token))
