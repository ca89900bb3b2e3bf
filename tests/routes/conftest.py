"""Route-level fixtures: the app in-process, with moto standing in for DynamoDB.

One moto mock serves the whole package, and each test gets a table of its
own in it: creating one costs about 3 ms, where starting moto costs 120 ms,
and a shared table would grow until every TransactWriteItems, which moto
runs on a deep copy of all its tables, slowed every test. scrypt runs at
a token cost here, except where a test asks for the real one
(owasp_passwords); the service itself only ever uses the real one.
"""

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from chalice.test import Client
from moto import mock_aws

from chalicelib import dependencies
from chalicelib.platform import clock
from chalicelib.platform.passwords import Passwords
from infra.dev_stack import LOCAL_TABLE, OFFLINE_AWS_ENV, table_definition
from tests.support.api import V1
from tests.support.client import in_process
from tests.support.values import TEST_SECRET, unique

CHEAP_PASSWORDS = Passwords(log2_n=4, block_size=1, parallelism=1)


@pytest.fixture(scope="package")
def moto() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in OFFLINE_AWS_ENV.items():
            patch.setenv(name, value)
        patch.delenv("DYNAMODB_ENDPOINT_URL", raising=False)
        patch.setenv("JWT_SECRET", TEST_SECRET)
        patch.setattr(dependencies, "passwords", lambda: CHEAP_PASSWORDS)
        with mock_aws():
            yield
        dependencies.reset()


@pytest.fixture
def aws(moto: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh table in the package's moto, named in TABLE_NAME; yields its name.

    A test that changes the stage's settings uses stage_settings, which
    rebuilds the service's pieces before and after it."""
    table = unique(LOCAL_TABLE)
    monkeypatch.setenv("TABLE_NAME", table)
    dependencies.reset()
    client = dependencies.dynamodb_client()
    client.create_table(**table_definition(table))
    yield table
    client.delete_table(TableName=table)


@pytest.fixture
def stage_settings(aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Set stage variables for one test: stage_settings(TODO_QUOTA="3"); None unsets one."""

    def apply(**variables: str | None) -> None:
        for name, value in variables.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        dependencies.reset()

    yield apply
    monkeypatch.undo()
    dependencies.reset()


@pytest.fixture
def owasp_passwords(aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The service's real scrypt cost, for the tests about it."""
    monkeypatch.setattr(dependencies, "passwords", Passwords)
    dependencies.reset()
    yield
    monkeypatch.undo()
    dependencies.reset()


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch, client: Client) -> Iterator[list[int]]:
    """The service's clock in milliseconds, which tests move on; it starts at the real time."""
    moment = [clock.now_ms()]
    monkeypatch.setattr(dependencies, "now_ms", lambda: moment[0])
    dependencies.reset()
    yield moment
    monkeypatch.undo()
    dependencies.reset()


@pytest.fixture
def client(aws: None) -> Iterator[Client]:
    from app import app

    with Client(app, stage_name="local") as test_client:
        yield test_client


@dataclass
class CallLog:
    """DynamoDB operations made, in order, recorded by a botocore event hook."""

    operations: list[str] = field(default_factory=list)

    def record(self, model: Any, **_: Any) -> None:
        self.operations.append(model.name)

    def during(self) -> "CallLog":
        self.operations.clear()
        return self


@pytest.fixture
def dynamodb_calls(aws: None) -> Iterator[CallLog]:
    calls = CallLog()
    events = dependencies.dynamodb_client().meta.events
    events.register("before-call.dynamodb", calls.record)
    yield calls
    events.unregister("before-call.dynamodb", calls.record)


def post_json(client: Client, path: str, body: Any, headers: dict | None = None) -> Any:
    payload = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.http.post(
        path, headers={"Content-Type": "application/json", **(headers or {})}, body=payload
    )


def sign_up(client: Client, name: str | None = None) -> str:
    """A v1 account through tests/support's account helper; returns its name."""
    return V1(in_process(client)).sign_up(name)


def log_in(client: Client, name: str) -> str:
    return V1(in_process(client)).log_in(name)


@pytest.fixture
def token(client: Client) -> str:
    return V1(in_process(client)).new_user()


def send_json(
    client: Client, method: str, path: str, body: Any, headers: dict | None = None
) -> Any:
    payload = body if isinstance(body, str | bytes) else json.dumps(body)
    merged = {"Content-Type": "application/json", **(headers or {})}
    return client.http.request(method, path, headers=merged, body=payload)
