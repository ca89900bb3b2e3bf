"""What a fresh container imports to serve one request: only what that request needs.

Each case runs the Lambda handler once in a fresh interpreter, as a cold
start does, against the embedded DynamoDB server, then reports which of
the heavy modules it loaded.
"""

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.dev_stack import OFFLINE_AWS_ENV, create_table
from infra.local_stack import embedded_database
from tests.support.values import TEST_SECRET

PROJECT = Path(__file__).resolve().parents[2]
COLD_TABLE = "todo-cold-path"
HEAVY = {
    "password hashing": "chalicelib.platform.passwords",
    "static files": "chalicelib.http.static_files",
    "OpenAPI document": "chalicelib.http.openapi",
    "list pagers": "chalicelib.use_cases.listing",
    "sync reader": "chalicelib.use_cases.sync",
    "account use cases": "chalicelib.use_cases.accounts",
    "cookie parser": "http.cookies",
}
SCRIPT = r"""
import gc, json, sys, types
from app import app
paused_after_import = not gc.isenabled()
from chalicelib.platform.tokens import issue_token

method, path, resource, params, body = json.loads(sys.argv[1])
token = issue_token("0123456789abcdef0123456789abcdef", secret=sys.argv[2].encode(),
                    issuer="todo-service", ttl_minutes=5)
event = {
    "resource": resource, "path": path, "httpMethod": method, "body": body,
    "headers": {"authorization": f"Bearer {token}", "content-type": "application/json"},
    "multiValueQueryStringParameters": None, "pathParameters": params,
    "stageVariables": None, "isBase64Encoded": False,
    "requestContext": {"httpMethod": method, "resourcePath": resource, "path": path,
                       "identity": {"sourceIp": "127.0.0.1"}},
}
context = types.SimpleNamespace(aws_request_id="cold", get_remaining_time_in_millis=lambda: 20000)
status = app(event, context)["statusCode"]
jwks = sys.modules.get("jwt.jwks_client")
print(json.dumps({
    "status": status,
    "modules": sorted(sys.modules),
    "jwks_client_loaded": jwks is not None and type(jwks).__name__ != "_StandIn",
    "paused_after_import": paused_after_import,
    "collector_enabled": gc.isenabled(),
    "frozen_objects": gc.get_freeze_count(),
}))
"""


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    with embedded_database() as endpoint:
        create_table(endpoint, COLD_TABLE)
        yield endpoint


def cold_request(database: str, method: str, path: str, resource: str, **extra: object) -> dict:
    env = {
        **OFFLINE_AWS_ENV,
        "PATH": "/usr/bin:/bin",
        "DYNAMODB_ENDPOINT_URL": database,
        "TABLE_NAME": COLD_TABLE,
        "JWT_SECRET": TEST_SECRET,
        # Lambda names the function; the app pauses the collector at import only there.
        **(
            {"AWS_LAMBDA_FUNCTION_NAME": "todo-service-cold"}
            if extra.get("on_lambda", True)
            else {}
        ),
    }
    request = [method, path, resource, extra.get("params"), extra.get("body")]
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(request), TEST_SECRET],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def loaded_heavy(report: dict) -> set[str]:
    modules = set(report["modules"])
    found = {name for name, module in HEAVY.items() if module in modules}
    return found | ({"JWKS client"} if report["jwks_client_loaded"] else set())


def test_reading_a_todo_cold_loads_nothing_its_route_does_not_need(
    database: str,
) -> None:
    todo_id = "01ARZ3NDEKTSV4RRFFQ69G5FAV"
    report = cold_request(
        database,
        "GET",
        f"/v2/todos/{todo_id}",
        "/v2/todos/{todo_id}",
        params={"todo_id": todo_id},
    )
    assert report["status"] == 404  # read from DynamoDB: no such todo
    assert loaded_heavy(report) == set()


def test_logging_in_cold_loads_password_hashing_which_is_how_the_check_can_fail(
    database: str,
) -> None:
    body = json.dumps({"username": "nobody", "password": "correct horse battery"})
    report = cold_request(database, "POST", "/v2/auth/token", "/v2/auth/token", body=body)
    assert report["status"] == 401
    assert loaded_heavy(report) == {"password hashing", "account use cases"}


def test_listing_and_syncing_cold_load_their_own_modules_which_is_how_the_check_can_fail(
    database: str,
) -> None:
    listed = cold_request(database, "GET", "/v2/todos", "/v2/todos")
    synced = cold_request(database, "GET", "/v2/sync", "/v2/sync")
    assert listed["status"] == synced["status"] == 200
    assert loaded_heavy(listed) == {"list pagers"}
    assert loaded_heavy(synced) == {"sync reader", "list pagers"}  # its page size is a list's


def test_start_up_runs_paused_and_the_first_request_ends_it_with_what_it_built_frozen(
    database: str,
) -> None:
    todo_id = "01ARZ3NDEKTSV4RRFFQ69G5FAV"
    report = cold_request(
        database, "GET", f"/v2/todos/{todo_id}", "/v2/todos/{todo_id}", params={"todo_id": todo_id}
    )
    assert report["paused_after_import"] is True
    assert report["collector_enabled"] is True
    # The modules, the app and the DynamoDB client: far more than a bare interpreter has.
    assert report["frozen_objects"] > 50_000


def test_away_from_lambda_importing_the_app_leaves_the_collector_on(database: str) -> None:
    report = cold_request(database, "GET", "/v1/auth/ping", "/v1/auth/ping", on_lambda=False)
    assert report["paused_after_import"] is False
    assert report["collector_enabled"] is True
