"""A created todo's Location resolves to the todo wherever the API is mounted.

Deployed, API Gateway serves the API under its stage on the execute-api URL
(`/api/v2/todos`), or under a base path on a custom domain. Here the Lambda
handler gets the proxy events API Gateway sends in each case; the Location it
answers is resolved against the URL the client used, as RFC 9110 says a
client does, and the resulting URL must serve the same todo.
"""

import json
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from chalice.test import Client

from tests.routes.conftest import send_json
from tests.support.api import bearer

EXECUTE_API = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"
CUSTOM_DOMAIN = "https://todo.example.com"
STAGE = "api"
OPENAPI = json.loads(
    (Path(__file__).parents[2] / "chalicelib" / "http" / "openapi.json").read_text()
)
LOCATION_PATTERN = OPENAPI["components"]["headers"]["Location"]["schema"]["pattern"]


class Mount:
    """Where the API is mounted, and the proxy events API Gateway sends for it."""

    def __init__(self, origin: str, prefix: str, prefix_in_event_path: bool) -> None:
        self.origin, self.prefix = origin, prefix
        # On an execute-api URL the gateway drops the stage from `path`; a
        # custom domain's base path stays in it. requestContext.path has both.
        self.prefix_in_event_path = prefix_in_event_path

    def url(self, route_path: str) -> str:
        return f"{self.origin}{self.prefix}{route_path}"

    def event(
        self, method: str, resource: str, route_path: str, headers: dict, body: Any = None
    ) -> dict[str, Any]:
        params = {"todo_id": route_path.rsplit("/", 1)[1]} if "{todo_id}" in resource else None
        event_path = f"{self.prefix}{route_path}" if self.prefix_in_event_path else route_path
        return {
            "resource": resource,
            "path": event_path,
            "httpMethod": method,
            "headers": headers,
            "multiValueHeaders": {name: [value] for name, value in headers.items()},
            "queryStringParameters": None,
            "multiValueQueryStringParameters": None,
            "pathParameters": params,
            "stageVariables": None,
            "requestContext": {
                "resourcePath": resource,
                "httpMethod": method,
                "path": f"{self.prefix}{route_path}",
                "stage": STAGE,
                "requestId": f"gateway-{method}",
                "identity": {"sourceIp": "203.0.113.7"},
            },
            "body": json.dumps(body) if body is not None else None,
            "isBase64Encoded": False,
        }

    def route_path_of(self, url: str) -> str:
        """What the gateway routes a URL by: its path without this mount's prefix."""
        parts = urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}" == self.origin, url
        assert parts.path.startswith(f"{self.prefix}/"), f"{url} is outside the API"
        return parts.path.removeprefix(self.prefix)


MOUNTS = {
    "execute-api stage": Mount(EXECUTE_API, f"/{STAGE}", prefix_in_event_path=False),
    "custom domain base path": Mount(CUSTOM_DOMAIN, "/todo", prefix_in_event_path=True),
    "custom domain root": Mount(CUSTOM_DOMAIN, "", prefix_in_event_path=False),
}


def handle(event: dict[str, Any]) -> dict[str, Any]:
    from app import app

    context = SimpleNamespace(aws_request_id="lambda-request", function_name="todo-api")
    return app(event, context)


@pytest.mark.parametrize("mount", MOUNTS.values(), ids=MOUNTS.keys())
def test_the_location_of_a_created_todo_resolves_to_it_behind_api_gateway(
    client: Client, token: str, mount: Mount
) -> None:
    # GIVEN a client that reaches the API at mount.url("/v2/todos")
    headers = {**bearer(token), "Content-Type": "application/json"}
    # WHEN it creates a todo there
    created = handle(mount.event("POST", "/v2/todos", "/v2/todos", headers, {"title": "washing"}))
    todo = json.loads(created["body"])
    assert created["statusCode"] == 201, todo
    location = created["headers"]["Location"]
    assert re.fullmatch(LOCATION_PATTERN, location), location  # as published
    # THEN the Location, resolved against the URL it posted to, is a URL that serves the todo
    target = urljoin(mount.url("/v2/todos"), location)
    route_path = mount.route_path_of(target)
    assert route_path == f"/v2/todos/{todo['id']}"
    read = handle(mount.event("GET", "/v2/todos/{todo_id}", route_path, bearer(token)))
    assert (read["statusCode"], json.loads(read["body"])) == (200, todo)


def test_without_a_prefix_the_location_is_the_todos_own_path(client: Client, token: str) -> None:
    created = send_json(client, "POST", "/v2/todos", {"title": "washing"}, bearer(token))

    assert created.headers["Location"] == f"/v2/todos/{created.json_body['id']}"


def test_a_trailing_slash_on_the_collection_still_gives_the_todos_path(
    client: Client, token: str
) -> None:
    created = send_json(client, "POST", "/v2/todos/", {"title": "washing"}, bearer(token))

    assert created.status_code == 201
    assert created.headers["Location"] == f"/v2/todos/{created.json_body['id']}"


@pytest.mark.parametrize(
    "client_path",
    ["//evil.example/v2/todos", "/../v2/todos", "/a b/v2/todos", "/a\r\nX: 1/v2/todos"],
)
def test_a_path_that_is_not_a_plain_prefix_never_reaches_the_location(
    client: Client, token: str, client_path: str
) -> None:
    # GIVEN a request whose path, as received, has something odd before the route
    headers = {**bearer(token), "Content-Type": "application/json"}
    event = MOUNTS["custom domain root"].event(
        "POST", "/v2/todos", "/v2/todos", headers, {"title": "x"}
    )
    event["requestContext"]["path"] = client_path
    # WHEN it creates a todo
    created = handle(event)
    # THEN the Location is the plain path, on the same host
    todo = json.loads(created["body"])
    assert created["headers"]["Location"] == f"/v2/todos/{todo['id']}"
