"""Every reply the HTTP-level suite receives is checked against chalicelib/http/openapi.json.

openapi-core validates each reply to a documented operation: that its
status is listed, its Content-Type, its body against the schema, and each
documented header (present when required, matching its schema when sent),
with OpenAPI 3.1's JSON Schema. What is left here is a thin shim for the
answers API Gateway gives itself, which the document cannot list, and each
is checked for what it is instead:

* an undocumented path, or one with an empty segment: the gateway's 404
  problem (infra/template.py's answer for API Gateway's "missing
  authentication token", which the local server gives too,
  infra/local_server.no_route_reply), which never reaches the app;
* an unlisted method on a documented path: a 405 problem whose Allow header
  names exactly the documented methods; CORS preflights (OPTIONS) are
  answered by API Gateway and `chalice local` from the routes' CORS
  settings, and pass unchecked.
"""

import json
from collections.abc import Mapping
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from openapi_core import Config, OpenAPI
from openapi_core.deserializing.media_types.util import plain_loads
from openapi_core.exceptions import OpenAPIError
from openapi_core.templating.paths.exceptions import (
    OperationNotFound,
    PathNotFound,
    ServerNotFound,
)
from openapi_core.templating.paths.finders import APICallPathFinder
from openapi_core.testing import MockRequest, MockResponse

from chalicelib.http.openapi import OPENAPI_PATH
from infra.local_server import no_route_reply

HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
HOST = "http://127.0.0.1"


class ContractViolation(AssertionError):
    """A reply that the published OpenAPI document does not allow."""


@cache
def published() -> OpenAPI:
    # openapi-core reads JSON, text/html and text/plain; the document's other types too.
    extra = {"application/problem+json": json.loads}
    extra |= {kind: plain_loads for kind in ("text/css", "text/javascript", "image/svg+xml")}
    config = Config(extra_media_type_deserializers=extra)
    return OpenAPI.from_file_path(str(OPENAPI_PATH), config=config)


def check_reply(method: str, target: str, reply: Any, text: str) -> None:
    """tests/support/client.py's Check: the reply to `method target`, against the document."""
    check(method, target, reply.status, reply.headers, text)


def check(method: str, target: str, status: int, headers: Mapping[str, str], text: str) -> None:
    """Raise ContractViolation unless the reply to `method target` is allowed."""
    label = f"{method} {target[:120]} -> {status}"
    headers = {name.lower(): value for name, value in headers.items()}
    parts = urlsplit(target)
    request = MockRequest(HOST, method.lower(), parts.path, args=dict(parse_qsl(parts.query)))
    content_type = headers.get("content-type", "")
    response = MockResponse(text.encode(), status, headers, content_type)
    if "" in parts.path.split("/")[1:] and parts.path != "/":
        # API Gateway routes no empty segment to a path parameter; openapi-core would.
        _check_gateway_miss(label, status, headers, text)
        return
    try:
        published().validate_response(request, response)
    except (PathNotFound, ServerNotFound):
        _check_gateway_miss(label, status, headers, text)
    except OperationNotFound:
        _check_unlisted_method(label, method, parts.path, status, headers, text)
    except OpenAPIError as error:
        raise ContractViolation(f"{label}: {_reason(error)}; body {text[:300]!r}") from None


def _reason(error: BaseException) -> str:
    """The error and what caused it: openapi-core wraps schema errors in its own."""
    header = getattr(error, "name", None)
    reasons = [f"{type(error).__name__}{f' ({header})' if header else ''}: {error}"]
    for inner in getattr(error, "schema_errors", ()) or ():
        reasons.append(f"at {'/'.join(map(str, inner.absolute_path)) or '(root)'}: {inner.message}")
    if error.__cause__ is not None:
        reasons.append(_reason(error.__cause__))
    return "; ".join(reasons)


def _check_unlisted_method(
    label: str, method: str, path: str, status: int, headers: Mapping[str, str], text: str
) -> None:
    if method.upper() == "OPTIONS":
        return  # a CORS preflight: answered before the app, never by it
    documented = _documented_methods(path)
    allowed = {name.strip() for name in headers.get("allow", "").split(",")}
    if status != 405 or allowed != documented:
        raise ContractViolation(f"{label}: expected 405 with Allow {sorted(documented)}")
    problem = json.loads(text) if headers.get("content-type") == "application/problem+json" else {}
    if problem.get("status") != 405 or not problem.get("type"):
        raise ContractViolation(f"{label}: a 405 that is not a problem")


def _documented_methods(path: str) -> set[str]:
    """The methods the document lists for `path`, found as openapi-core finds operations."""
    finder = APICallPathFinder(published().spec, HOST)
    documented = set()
    for method in HTTP_METHODS:
        try:
            finder.find(method, HOST + path)
        except OpenAPIError:
            continue
        documented.add(method.upper())
    return documented


def _check_gateway_miss(label: str, status: int, headers: Mapping[str, str], text: str) -> None:
    expected_status, expected_headers, expected_body = no_route_reply("")
    try:
        body = json.loads(text)
    except ValueError:
        raise ContractViolation(
            f"{label}: undocumented path, and not JSON: {text[:200]!r}"
        ) from None
    if isinstance(body, dict):
        body = {**body, "request_id": ""}  # the one part that varies
    if status != expected_status or body != json.loads(expected_body):
        raise ContractViolation(f"{label}: undocumented path, and not the gateway's 404 problem")
    if headers.get("content-type") != expected_headers["Content-Type"]:
        raise ContractViolation(f"{label}: undocumented path, but Content-Type is not problem+json")
