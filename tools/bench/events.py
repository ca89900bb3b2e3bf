"""API Gateway proxy events, built by hand so a handler can be called as Lambda calls it.

Standard library only: the cold-start child imports this before the app, and
anything imported here would be counted against the app.
"""

import json
from types import SimpleNamespace
from typing import Any


def api_event(
    method: str,
    resource: str,
    path: str,
    *,
    path_params: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    body: Any = None,
) -> dict[str, Any]:
    """The REST API proxy event for one request; dict bodies are sent as JSON."""
    all_headers = {k.lower(): v for k, v in (headers or {}).items()}
    if isinstance(body, dict):
        body = json.dumps(body)
        all_headers.setdefault("content-type", "application/json")
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueQueryStringParameters": ({k: [v] for k, v in query.items()} if query else None),
        "pathParameters": path_params,
        "stageVariables": None,
        "requestContext": {
            "httpMethod": method,
            "resourcePath": resource,
            "path": path,
            "identity": {"sourceIp": "127.0.0.1"},
        },
        "body": body,
        "isBase64Encoded": False,
    }


def lambda_context(request_number: int = 0) -> SimpleNamespace:
    """The attributes of a Lambda context that the service and Chalice read."""
    return SimpleNamespace(
        aws_request_id=f"perf-{request_number:08d}",
        function_name="todo-service-perf",
        memory_limit_in_mb=512,
        get_remaining_time_in_millis=lambda: 20_000,
    )


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}
