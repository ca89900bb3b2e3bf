"""The real local stack over HTTP: one DynamoDB and two local server processes.

The whole suite runs once per backend: moto's embedded server, which `make
run` uses, and Amazon's DynamoDB Local, which holds the service to real
DynamoDB semantics (tests/support/stack.py says when that one is skipped).

Requests go through the shared standard-library client (tests/support/client.py),
so these tests see exactly what a browser or the book's client would see.
Every reply is also checked against the published OpenAPI document
(tests/http/openapi_contract.py), so a test fails on any response the
contract does not allow.
"""

import itertools
import threading
from collections.abc import Iterator, Sequence

import pytest

from infra.local_stack import LocalStack
from tests.http.openapi_contract import check_reply
from tests.support.api import V1, V2, Board
from tests.support.api import board as expected_board
from tests.support.client import Body, Reply, Send, http_client
from tests.support.stack import started_stack
from tests.support.values import unique


def checked_client(base_url: str) -> Send:
    """A Send bound to one instance; each reply is checked against the OpenAPI document."""
    return http_client(base_url, check=check_reply)


class RoundRobin:
    """A Send that alternates between instances and records which one served each request."""

    def __init__(self, base_urls: Sequence[str]) -> None:
        self._targets = itertools.cycle([(url, checked_client(url)) for url in base_urls])
        self._lock = threading.Lock()
        self.used: list[str] = []

    def __call__(
        self, method: str, path: str, body: Body = None, headers: dict[str, str] | None = None
    ) -> Reply:
        with self._lock:
            url, send = next(self._targets)
            self.used.append(url)
        return send(method, path, body, headers)


# The first wait after failed logins, longer than the stage's 1 s so that a
# slow machine cannot see it end between two requests of a test; and a list
# quota small enough for a test to reach.
STACK_ENV = {"LOGIN_BACKOFF_FIRST_SECONDS": "60", "LIST_QUOTA": "3"}


@pytest.fixture(scope="session", params=["moto", "dynamodb-local"])
def stack(request: pytest.FixtureRequest) -> Iterator[LocalStack]:
    with started_stack(request.param, instances=2, extra_env=STACK_ENV) as started:
        yield started


@pytest.fixture(scope="session")
def base_url(stack: LocalStack) -> str:
    return stack.base_url


@pytest.fixture(scope="session")
def send(base_url: str) -> Send:
    return checked_client(base_url)


@pytest.fixture(scope="session")
def instances(stack: LocalStack) -> tuple[Send, Send]:
    """One Send per server process, in the order of stack.base_urls."""
    first, second = stack.base_urls
    return checked_client(first), checked_client(second)


@pytest.fixture
def round_robin(stack: LocalStack) -> RoundRobin:
    return RoundRobin(stack.base_urls)


@pytest.fixture(scope="session")
def api(send: Send) -> V1:
    return V1(send)


@pytest.fixture(scope="session")
def v2(send: Send) -> V2:
    return V2(send)


@pytest.fixture
def v2_token(v2: V2) -> str:
    return v2.new_user()


@pytest.fixture
def username() -> str:
    return unique()


@pytest.fixture
def token(api: V1) -> str:
    return api.new_user()


@pytest.fixture(scope="session")
def board() -> Board:
    """The expected v1 state for some titles (tests/support/api.py's board)."""
    return expected_board
