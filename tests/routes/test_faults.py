"""DynamoDB failing underneath: bounded retries, then a 503 with Retry-After.

Faults are injected at the botocore client, in place of the HTTP send, so
they are parsed and raised by botocore exactly as failures from AWS would
be, and retried by the service's one retry budget per request. The app
talks to the embedded DynamoDB server here rather than moto's in-process
mock, which would still apply a write that the injected fault claims has
failed.
"""

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError
from chalice.test import Client

from chalicelib import dependencies
from chalicelib.platform import retries
from chalicelib.platform.retries import MAX_ATTEMPTS_PER_CALL as RETRY_ATTEMPTS
from infra.dev_stack import OFFLINE_AWS_ENV, create_table
from infra.local_stack import embedded_database
from tests.routes.conftest import post_json, send_json
from tests.support.api import auth, v1_account
from tests.support.values import PASSWORD, TEST_SECRET, unique

# The embedded server (infra/local_stack.py) runs in a process of its own.
FAULTS_TABLE = "todo-faults"


def error_response(status: int, code: str) -> Callable:
    body = json.dumps({"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": code})

    def respond(request, **_: object) -> AWSResponse:
        raw = _RawBody(body.encode())
        return AWSResponse(request.url, status, {"x-amzn-requestid": "fault"}, raw)

    return respond


def raises(error_type: type[Exception]) -> Callable:
    def fail(request, **_: object) -> None:
        raise error_type(endpoint_url=request.url)

    return fail


class _RawBody:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: object) -> Iterator[bytes]:
        yield self._data


FAULTS = {
    "provisioned-throughput": error_response(400, "ProvisionedThroughputExceededException"),
    "throttling": error_response(400, "ThrottlingException"),
    "internal-server-error": error_response(500, "InternalServerError"),
    "connection-error": raises(EndpointConnectionError),
    "read-timeout": raises(ReadTimeoutError),
}


@dataclass
class Injector:
    attempts: dict[str, int] = field(default_factory=dict)
    sleeps: list[float] = field(default_factory=list)

    def fail(self, operation: str, fault: Callable, times: int | None = None) -> None:
        """Make `operation` fail with `fault`, always or for its first `times` attempts."""

        def maybe_fail(request, **kwargs: object) -> object:
            count = self.attempts[operation] = self.attempts.get(operation, 0) + 1
            if times is None or count <= times:
                return fault(request, **kwargs)
            return None

        events = dependencies.dynamodb_client().meta.events
        events.register_first(f"before-send.dynamodb.{operation}", maybe_fail)


@pytest.fixture(scope="module")
def dynamodb_server() -> Iterator[str]:
    with embedded_database() as endpoint:
        create_table(endpoint, FAULTS_TABLE)
        yield endpoint


@pytest.fixture
def client(dynamodb_server: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Client]:
    from app import app

    for name, value in OFFLINE_AWS_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DYNAMODB_ENDPOINT_URL", dynamodb_server)
    monkeypatch.setenv("JWT_SECRET", TEST_SECRET)
    monkeypatch.setenv("TABLE_NAME", FAULTS_TABLE)
    dependencies.reset()
    with Client(app, stage_name="local") as test_client:
        yield test_client
    dependencies.reset()


@pytest.fixture
def faults(client: Client, monkeypatch: pytest.MonkeyPatch) -> Injector:
    injector = Injector()
    # Record the back-off instead of waiting it out.
    monkeypatch.setattr(retries, "sleep", injector.sleeps.append)
    return injector


def assert_unavailable(response) -> None:
    assert response.status_code == 503
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.headers["Retry-After"] == "1"
    assert "Traceback" not in response.body.decode()


@pytest.mark.parametrize("fault", FAULTS.values(), ids=FAULTS.keys())
def test_a_persistent_fault_is_retried_then_answered_503(
    client: Client, token: str, faults: Injector, fault: Callable
) -> None:
    faults.fail("Query", fault)
    response = client.http.get("/v1/item/get", headers=auth(token))
    assert_unavailable(response)
    assert faults.attempts["Query"] == RETRY_ATTEMPTS
    assert len(faults.sleeps) == RETRY_ATTEMPTS - 1


@pytest.mark.parametrize("fault", FAULTS.values(), ids=FAULTS.keys())
def test_a_passing_fault_is_retried_and_the_request_succeeds(
    client: Client, token: str, faults: Injector, fault: Callable
) -> None:
    faults.fail("TransactWriteItems", fault, times=1)
    response = send_json(client, "POST", "/v2/todos", {"title": "x"}, auth(token))
    assert response.status_code == 201
    assert faults.attempts["TransactWriteItems"] == 2


@pytest.mark.parametrize(
    ("operation", "method", "path", "body"),
    [
        ("GetItem", "POST", "/v2/auth/token", {"username": "u", "password": PASSWORD}),
        ("TransactWriteItems", "POST", "/v2/todos", {"title": "x"}),
        ("TransactWriteItems", "POST", "/v1/item/edit", {"title": "kept", "status": "DONE"}),
        ("TransactWriteItems", "POST", "/v1/item/delete", {"title": "kept", "status": "DONE"}),
    ],
)
def test_every_kind_of_call_maps_exhausted_retries_to_503(
    client: Client, token: str, faults: Injector, operation: str, method: str, path: str, body: dict
) -> None:
    client.http.post("/v1/item/create/kept", headers=auth(token))
    faults.fail(operation, FAULTS["throttling"])
    assert_unavailable(send_json(client, method, path, body, auth(token)))
    state = client.http.get("/v1/item/get", headers=auth(token)).json_body
    assert state["pending_items"] == [{"title": "kept", "status": "PENDING"}]


def test_a_sign_up_that_fails_leaves_no_half_made_user(client: Client, faults: Injector) -> None:
    name = unique()
    body = v1_account(name)
    faults.fail("TransactWriteItems", FAULTS["internal-server-error"], times=RETRY_ATTEMPTS)
    assert_unavailable(post_json(client, "/v1/user/create", body))
    # Neither the username nor the email was claimed: with the fault gone,
    # each can be used by a different new account.
    other_email = {**body, "email": f"other-{name}@example.com"}
    other_name = {**body, "name": f"other-{name}"}
    assert post_json(client, "/v1/user/create", other_email).status_code == 201
    assert post_json(client, "/v1/user/create", other_name).status_code == 201


def test_a_sign_up_cancelled_by_throttling_inside_the_transaction_is_503_and_writes_nothing(
    client: Client, faults: Injector
) -> None:
    name = unique()
    cancelled = json.dumps(
        {
            "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
            "message": "Transaction cancelled",
            "CancellationReasons": [{"Code": "ThrottlingError"}, {"Code": "None"}],
        }
    ).encode()
    faults.fail(
        "TransactWriteItems",
        lambda request, **_: AWSResponse(request.url, 400, {}, _RawBody(cancelled)),
        times=1,
    )
    body = v1_account(name)
    assert_unavailable(post_json(client, "/v1/user/create", body))
    assert post_json(client, "/v1/user/create", body).status_code == 201


def test_each_fault_is_logged_as_one_json_line_with_the_request_id(
    client: Client, token: str, faults: Injector, capsys: pytest.CaptureFixture
) -> None:
    faults.fail("Query", FAULTS["read-timeout"])
    capsys.readouterr()
    response = client.http.get("/v1/item/get", headers=auth(token))
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    (fault,) = [line for line in lines if line["event"] == "dynamodb_fault"]
    assert fault["request_id"] == response.headers["X-Request-Id"]
    assert (fault["operation"], fault["code"]) == ("Query", "ReadTimeoutError")


def test_botocore_makes_one_attempt_per_call_so_the_budget_decides_every_retry(
    client: Client,
) -> None:
    config = dependencies.dynamodb_client.__wrapped__().meta.config
    assert config.retries == {"mode": "standard", "total_max_attempts": 1}
    assert config.connect_timeout + config.read_timeout == retries.ATTEMPT_SECONDS


def contention(request, **_: object) -> AWSResponse:
    body = json.dumps(
        {
            "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
            "message": "Transaction cancelled",
            "CancellationReasons": [{"Code": "None"}, {"Code": "TransactionConflict"}],
        }
    )
    return AWSResponse(request.url, 400, {}, _RawBody(body.encode()))


def test_a_rename_under_endless_contention_makes_a_bounded_number_of_calls_then_503(
    client: Client, token: str, faults: Injector
) -> None:
    # GIVEN a todo whose every transaction is cancelled by contention
    todo = send_json(client, "POST", "/v2/todos", {"title": "a"}, auth(token)).json_body
    faults.fail("TransactWriteItems", contention)
    # WHEN it is renamed
    path = f"/v2/todos/{todo['id']}"
    response = send_json(client, "PATCH", path, {"title": "b"}, auth(token))
    # THEN the request gives up after its one budget of retries, not 15 attempts
    assert_unavailable(response)
    assert faults.attempts["TransactWriteItems"] == 1 + retries.MAX_RETRIES_PER_REQUEST
    assert len(faults.sleeps) == retries.MAX_RETRIES_PER_REQUEST


def test_retries_stop_at_the_deadline_leaving_time_to_answer(
    client: Client, token: str, faults: Injector, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a clock on which every attempt takes as long as its timeouts allow
    now = [1000.0]
    monkeypatch.setattr(retries, "monotonic", lambda: now[0])

    def slow_contention(request, **kwargs: object) -> AWSResponse:
        now[0] += retries.ATTEMPT_SECONDS
        return contention(request, **kwargs)

    todo = send_json(client, "POST", "/v2/todos", {"title": "a"}, auth(token)).json_body
    faults.fail("TransactWriteItems", slow_contention)
    started = now[0]
    # WHEN a rename keeps being cancelled
    response = send_json(client, "PATCH", f"/v2/todos/{todo['id']}", {"title": "b"}, auth(token))
    # THEN it stops before the request's deadline, with retries to spare
    assert_unavailable(response)
    assert now[0] - started <= retries.MAX_REQUEST_SECONDS
    assert faults.attempts["TransactWriteItems"] < 1 + retries.MAX_RETRIES_PER_REQUEST
