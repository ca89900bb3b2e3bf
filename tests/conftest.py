"""Route-level fixtures: the app in-process, with moto standing in for DynamoDB."""

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from chalice.test import Client
from moto import mock_aws

from chalicelib import dependencies
from infra.dev_stack import LOCAL_TABLE, OFFLINE_AWS_ENV, table_definition

TEST_SECRET = "route-tests-secret-that-is-long-enough-0123456789"
PASSWORD = "correct horse battery"
# The request headers that make the book's clients preflight, lower-cased: its
# React front end sends `token`, JSON bodies, and (from its login form, by
# mistake) two response headers; its Postman collection also sends `user-token`.
BOOK_CLIENT_REQUEST_HEADERS = frozenset(
    {
        "token",
        "content-type",
        "access-control-allow-origin",
        "access-control-expose-headers",
        "user-token",
    }
)


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in OFFLINE_AWS_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("DYNAMODB_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("JWT_SECRET", TEST_SECRET)
    monkeypatch.setenv("TABLE_NAME", LOCAL_TABLE)
    dependencies.reset()
    with mock_aws():
        dependencies.dynamodb_client().create_table(**table_definition(LOCAL_TABLE))
        yield
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
def dynamodb_calls(aws: None) -> CallLog:
    calls = CallLog()
    dependencies.dynamodb_client().meta.events.register("before-call.dynamodb", calls.record)
    return calls


def unique(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def post_json(client: Client, path: str, body: Any, headers: dict | None = None) -> Any:
    payload = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.http.post(
        path, headers={"Content-Type": "application/json", **(headers or {})}, body=payload
    )


def sign_up(client: Client, name: str | None = None) -> str:
    name = name or unique()
    body = {"name": name, "email": f"{name}@example.com", "password": PASSWORD}
    response = post_json(client, "/v1/user/create", body)
    assert response.status_code == 201, response.body
    return name


def log_in(client: Client, name: str) -> str:
    response = post_json(client, "/v1/auth/login", {"username": name, "password": PASSWORD})
    assert response.status_code == 200, response.body
    return response.json_body["token"]


@pytest.fixture
def token(client: Client) -> str:
    return log_in(client, sign_up(client))


def auth(token: str) -> dict[str, str]:
    return {"token": token}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def send_json(
    client: Client, method: str, path: str, body: Any, headers: dict | None = None
) -> Any:
    payload = body if isinstance(body, str | bytes) else json.dumps(body)
    merged = {"Content-Type": "application/json", **(headers or {})}
    return client.http.request(method, path, headers=merged, body=payload)
