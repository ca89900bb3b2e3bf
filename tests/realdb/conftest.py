"""In-process tests against Amazon's DynamoDB Local, through the Lambda handler.

Requests go through chalice's LocalGateway, which builds the API Gateway
proxy event and calls the app exactly as Lambda would, so many threads can
drive the real handler at once. DynamoDB Local is skipped, with the reason,
where Java or npm is missing, unless REQUIRE_DYNAMODB_LOCAL is set (CI sets
it), in which case its absence fails the run.
"""

import json
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.config import Config
from chalice.local import LocalGateway

from chalicelib import dependencies
from infra.dev_stack import OFFLINE_AWS_ENV, PROJECT_DIR, create_table, local_client
from tests.support.api import V2
from tests.support.client import Reply, handler_reply
from tests.support.stack import started_database


@pytest.fixture(scope="session")
def dynamodb_local() -> Iterator[str]:
    with started_database("dynamodb-local") as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
def real_table(dynamodb_local: str) -> str:
    name = "todo-realdb"
    create_table(dynamodb_local, name)
    return name


class Handler:
    """Calls the Lambda handler with API Gateway proxy events: a Send (tests/support/client.py).

    Every request says `Content-Type: application/json`, as the book's client does.
    """

    def __init__(self, gateway: LocalGateway) -> None:
        self._gateway = gateway

    def __call__(
        self, method: str, path: str, body: Any = None, headers: dict | None = None
    ) -> Reply:
        payload = None if body is None else json.dumps(body).encode()
        all_headers = {"content-type": "application/json", **(headers or {})}
        raw = self._gateway.handle_request(method, path, all_headers, payload)
        return handler_reply(raw["statusCode"], raw["headers"], raw.get("body") or "")

    def new_user(self) -> str:
        """Sign up a fresh user through v2; return a token for it."""
        return V2(self).new_user()


@pytest.fixture
def handler(real_table: str, dynamodb_local: str, monkeypatch: pytest.MonkeyPatch) -> Handler:
    from app import app

    for name, value in OFFLINE_AWS_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DYNAMODB_ENDPOINT_URL", dynamodb_local)
    monkeypatch.setenv("TABLE_NAME", real_table)
    monkeypatch.setenv("APP_STAGE", "local")
    monkeypatch.setenv("JWT_SECRET", secrets.token_urlsafe(48))
    dependencies.reset()
    config_file = json.loads((PROJECT_DIR / ".chalice" / "config.json").read_text())
    config = Config(chalice_stage="local", config_from_disk=config_file)
    yield Handler(LocalGateway(app, config))
    dependencies.reset()


@pytest.fixture
def table_client(dynamodb_local: str) -> Any:
    return local_client(dynamodb_local)
