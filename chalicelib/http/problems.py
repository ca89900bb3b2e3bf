"""The one place where errors become HTTP responses (RFC 9457 problem+json)."""

import functools
import json
from collections.abc import Callable
from typing import Any

from chalice import Response

from chalicelib.domain import errors
from chalicelib.platform import logs
from chalicelib.platform.config import ConfigError

PROBLEM_CONTENT_TYPE = "application/problem+json"
# Errors can be about one user's data and are never worth reusing.
_PROBLEM_HEADERS = {"Content-Type": PROBLEM_CONTENT_TYPE, "Cache-Control": "no-store"}

# error class -> (HTTP status, problem type slug, title)
_PROBLEM_TYPES: dict[type[Exception], tuple[int, str, str]] = {
    errors.MalformedRequest: (400, "malformed-request", "Malformed request"),
    errors.Unauthenticated: (401, "unauthenticated", "Authentication required"),
    errors.NotFound: (404, "not-found", "Not found"),
    errors.Conflict: (409, "conflict", "Conflict"),
    errors.QuotaExceeded: (409, "quota-exceeded", "Quota exceeded"),
    errors.PreconditionFailed: (412, "precondition-failed", "Precondition failed"),
    errors.PayloadTooLarge: (413, "payload-too-large", "Payload too large"),
    errors.InvalidInput: (422, "validation-error", "Invalid input"),
    errors.Unavailable: (503, "service-unavailable", "Service unavailable"),
}

# Chalice answers some requests itself (wrong method, bad media type) with
# {"Code", "Message"}; these are rewritten into the same problem shape.
_STATUS_TITLES = {
    400: "Bad request",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    415: "Unsupported media type",
    500: "Internal server error",
}


def problem(
    status: int,
    slug: str,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> Response:
    body = {"type": f"/problems/{slug}", "title": title, "status": status, "detail": detail}
    body.update(extensions)
    return Response(
        body=json.dumps(body),
        status_code=status,
        headers={**_PROBLEM_HEADERS, **(headers or {})},
    )


def error_to_response(error: Exception) -> Response:
    if isinstance(error, ConfigError):
        logs.log_event("config_error", level="critical", detail=str(error))
        return problem(503, "service-unavailable", "Service unavailable", "Misconfigured service.")
    assert isinstance(error, errors.ServiceError)
    status, slug, title = _problem_type(error)
    headers = None
    if isinstance(error, errors.Unavailable):
        headers = {"Retry-After": str(error.retry_after_seconds)}
    if isinstance(error, errors.Unauthenticated):
        headers = {"WWW-Authenticate": 'Bearer realm="todo"'}
    return problem(status, slug, title, error.detail, headers, **_extras(error))


def _problem_type(error: errors.ServiceError) -> tuple[int, str, str]:
    for cls in type(error).__mro__:
        if cls in _PROBLEM_TYPES:
            return _PROBLEM_TYPES[cls]
    raise TypeError(f"no problem type for {type(error).__name__}")


def _extras(error: errors.ServiceError) -> dict[str, Any]:
    if isinstance(error, errors.InvalidInput):
        return {"errors": [{"field": e.field, "message": e.message} for e in error.errors]}
    if isinstance(error, errors.Unauthenticated):
        return {"reason": error.reason}
    if isinstance(error, errors.Conflict) and error.field:
        return {"field": error.field}
    if isinstance(error, errors.QuotaExceeded):
        return {"limit": error.limit}
    return {}


def internal_error() -> Response:
    return problem(500, "internal-error", "Internal server error", "An unexpected error occurred.")


def from_chalice_error(response: Response) -> Response:
    """Rewrite a Chalice-made error response into problem+json, keeping its headers."""
    body = response.body if isinstance(response.body, dict) else {}
    status = response.status_code
    title = _STATUS_TITLES.get(status, "Error")
    detail = body.get("Message") or title
    if status >= 500:
        detail = "An unexpected error occurred."
    kept = {k: v for k, v in response.headers.items() if k.lower() != "content-type"}
    return problem(status, f"http-{status}", title, str(detail), headers=kept)


def is_chalice_error(response: Response) -> bool:
    body = response.body
    return response.status_code >= 400 and isinstance(body, dict) and "Code" in body


def mapped(view: Callable[..., Response]) -> Callable[..., Response]:
    """Wrap a view so every ServiceError becomes its problem response.

    The wrapping happens inside the view because Chalice turns exceptions
    into its own error bodies before middleware sees them, and adds CORS
    headers only to responses a view returns.
    """

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        try:
            return view(*args, **kwargs)
        except (errors.ServiceError, ConfigError) as error:
            return error_to_response(error)
        except Exception:
            logs.log_exception("unhandled_error")
            return internal_error()

    return wrapper
