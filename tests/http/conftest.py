"""The real local stack over HTTP: one DynamoDB and two local server processes.

The whole suite runs once per backend: moto's embedded server, which `make
run` uses, and Amazon's DynamoDB Local, which holds the service to real
DynamoDB semantics. DynamoDB Local is skipped, with the reason, where Java
or npm is missing, unless REQUIRE_DYNAMODB_LOCAL is set (CI sets it).

Everything here speaks HTTP with the standard library only, so these tests
see exactly what a browser or the book's client would see. Every reply is
also checked against the published OpenAPI document (tests/http/openapi_contract.py),
so a test fails on any response the contract does not allow.
"""

import http.client
import itertools
import json
import os
import secrets
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol
from urllib.parse import quote, urlsplit

import pytest

from infra.dev_stack import (
    LOCAL_TABLE,
    EmbeddedDynamoDB,
    create_table,
    free_port,
    start_chalice,
    stop_process_group,
    wait_until_serving,
)
from infra.dynamodb_local import DynamoDBLocal, Unavailable, ensure_emulator
from tests.http.openapi_contract import published_contract

PASSWORD = "correct horse battery"
Body = dict[str, Any] | bytes | str | None
State = dict[str, Any]
Board = Callable[..., State]


class Headers(dict[str, str]):
    """Response headers, looked up regardless of case; repeated headers are joined."""

    def __init__(self, pairs: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        for name, value in pairs:
            key = name.lower()
            super().__setitem__(key, f"{self[key]}, {value}" if key in self else value)

    def __getitem__(self, name: str) -> str:
        return super().__getitem__(name.lower())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and super().__contains__(name.lower())

    def get(self, name: str, default: Any = None) -> Any:
        return super().get(name.lower(), default)


class Reply(NamedTuple):
    status: int
    headers: Headers
    body: Any  # parsed JSON for JSON media types, else the text


class Send(Protocol):
    def __call__(
        self, method: str, path: str, body: Body = None, headers: dict[str, str] | None = None
    ) -> Reply: ...


@dataclass(frozen=True)
class Stack:
    base_urls: tuple[str, str]
    secret: str
    backend: str


def unique(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def sender(base_url: str) -> Send:
    """A Send bound to one instance; dict, str and bytes bodies go as application/json.

    Each reply is checked against the OpenAPI document before it is returned.
    """
    address = urlsplit(base_url).netloc

    def send(
        method: str, path: str, body: Body = None, headers: dict[str, str] | None = None
    ) -> Reply:
        payload = _encode(body)
        defaults = {} if payload is None else {"Content-Type": "application/json"}
        connection = http.client.HTTPConnection(address, timeout=10)
        try:
            connection.request(method, path, body=payload, headers={**defaults, **(headers or {})})
            reply, text = _reply(connection.getresponse())
        finally:
            connection.close()
        published_contract().check(method, path, reply.status, reply.headers, text)
        return reply

    return send


def _encode(body: Body) -> bytes | None:
    if body is None or isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    return json.dumps(body).encode()


def _reply(response: http.client.HTTPResponse) -> tuple[Reply, str]:
    """The reply, and its body as text for the contract check."""
    headers = Headers(response.getheaders())
    text = response.read().decode("utf-8", errors="replace")
    is_json = "json" in headers.get("Content-Type", "") and text
    return Reply(response.status, headers, json.loads(text) if is_json else text), text


class RoundRobin:
    """A Send that alternates between instances and records which one served each request."""

    def __init__(self, base_urls: Sequence[str]) -> None:
        self._targets = itertools.cycle([(url, sender(url)) for url in base_urls])
        self._lock = threading.Lock()
        self.used: list[str] = []

    def __call__(
        self, method: str, path: str, body: Body = None, headers: dict[str, str] | None = None
    ) -> Reply:
        with self._lock:
            url, send = next(self._targets)
            self.used.append(url)
        return send(method, path, body, headers)


def expected_board(pending: Sequence[str] = (), done: Sequence[str] = ()) -> State:
    """The full v1 state for these titles, each list oldest first."""
    return {
        "pending_items": [{"title": title, "status": "PENDING"} for title in pending],
        "done_items": [{"title": title, "status": "DONE"} for title in done],
        "pending_item_count": len(pending),
        "done_item_count": len(done),
    }


@dataclass(frozen=True)
class Api:
    """The v1 calls the tests repeat, over one Send. Setup calls assert they worked."""

    send: Send

    def sign_up(self, name: str | None = None) -> str:
        name = name or unique()
        body = {"name": name, "email": f"{name}@example.com", "password": PASSWORD}
        reply = self.send("POST", "/v1/user/create", body)
        assert reply.status == 201, reply.body
        return name

    def log_in(self, name: str) -> str:
        reply = self.send("POST", "/v1/auth/login", {"username": name, "password": PASSWORD})
        assert reply.status == 200, reply.body
        return reply.body["token"]

    def new_user(self) -> str:
        """Sign up a fresh user and return their token."""
        return self.log_in(self.sign_up())

    def create(self, token: str, title: str) -> Reply:
        return self.send("POST", "/v1/item/create/" + quote(title, safe=""), None, auth(token))

    def get(self, token: str) -> Reply:
        return self.send("GET", "/v1/item/get", None, auth(token))

    def edit(self, token: str, title: str, status: str = "PENDING") -> Reply:
        return self.send("POST", "/v1/item/edit", {"title": title, "status": status}, auth(token))

    def delete(self, token: str, title: str, status: str = "PENDING") -> Reply:
        body = {"title": title, "status": status}
        return self.send("POST", "/v1/item/delete", body, auth(token))


@dataclass(frozen=True)
class V2Api:
    """The v2 calls the tests repeat, over one Send. Setup calls assert they worked."""

    send: Send

    def new_user(self) -> str:
        """Sign up a fresh user through v2 and return their access token."""
        name = unique()
        body = {"username": name, "email": f"{name}@example.com", "password": PASSWORD}
        created = self.send("POST", "/v2/users", body)
        assert created.status == 201, created.body
        grant = self.send("POST", "/v2/auth/token", {"username": name, "password": PASSWORD})
        assert grant.status == 200, grant.body
        return grant.body["access_token"]

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


def auth(token: str) -> dict[str, str]:
    return {"token": token}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _two_free_ports() -> tuple[int, int]:
    first = free_port()
    second = free_port()
    while second == first:
        second = free_port()
    return first, second


def _database(backend: str) -> EmbeddedDynamoDB | DynamoDBLocal:
    if backend == "moto":
        return EmbeddedDynamoDB()
    try:
        return DynamoDBLocal(ensure_emulator())
    except (Unavailable, OSError) as error:
        if os.environ.get("REQUIRE_DYNAMODB_LOCAL"):
            pytest.fail(f"DynamoDB Local is required here but unavailable: {error}")
        pytest.skip(f"DynamoDB Local unavailable: {error}")


@pytest.fixture(scope="session", params=["moto", "dynamodb-local"])
def stack(request: pytest.FixtureRequest) -> Iterator[Stack]:
    database = _database(request.param)
    endpoint_url = database.start()
    processes = []
    try:
        create_table(endpoint_url, LOCAL_TABLE)
        secret = secrets.token_urlsafe(48)
        ports = _two_free_ports()
        processes = [start_chalice(p, endpoint_url, secret) for p in ports]
        first, second = (f"http://127.0.0.1:{port}" for port in ports)
        for base_url, process in zip((first, second), processes, strict=True):
            wait_until_serving(base_url, process)
        yield Stack((first, second), secret, request.param)
    finally:
        for process in processes:
            stop_process_group(process)
        database.stop()


@pytest.fixture(scope="session")
def base_url(stack: Stack) -> str:
    return stack.base_urls[0]


@pytest.fixture(scope="session")
def send(base_url: str) -> Send:
    return sender(base_url)


@pytest.fixture(scope="session")
def instances(stack: Stack) -> tuple[Send, Send]:
    """One Send per chalice process, in the order of stack.base_urls."""
    first, second = stack.base_urls
    return sender(first), sender(second)


@pytest.fixture
def round_robin(stack: Stack) -> RoundRobin:
    return RoundRobin(stack.base_urls)


@pytest.fixture(scope="session")
def api(send: Send) -> Api:
    return Api(send)


@pytest.fixture(scope="session")
def v2(send: Send) -> V2Api:
    return V2Api(send)


@pytest.fixture
def v2_token(v2: V2Api) -> str:
    return v2.new_user()


@pytest.fixture
def username() -> str:
    return unique()


@pytest.fixture
def token(api: Api) -> str:
    return api.new_user()


@pytest.fixture(scope="session")
def board() -> Board:
    """expected_board, for test modules (conftest is not imported directly)."""
    return expected_board
