"""The one place where errors become HTTP responses (RFC 9457 problem+json)."""

import json
from typing import Any

from chalice import Response

from chalicelib.domain import errors
from chalicelib.http.problem_types import PROBLEM_TYPES
from chalicelib.platform import logs, metrics
from chalicelib.platform.config import ConfigError

PROBLEM_CONTENT_TYPE = "application/problem+json"
# Errors can be about one user's data and are never worth reusing.
_PROBLEM_HEADERS = {"Content-Type": PROBLEM_CONTENT_TYPE, "Cache-Control": "no-store"}

# Each error the service raises, as the slug of its problem type. Subclasses
# take their nearest listed ancestor's.
_SLUGS: dict[type[Exception], str] = {
    errors.MalformedRequest: "malformed-request",
    errors.Unauthenticated: "unauthenticated",
    errors.NotFound: "not-found",
    errors.Conflict: "conflict",
    errors.QuotaExceeded: "quota-exceeded",
    errors.PreconditionFailed: "precondition-failed",
    errors.PayloadTooLarge: "payload-too-large",
    errors.InvalidInput: "validation-error",
    errors.Unavailable: "service-unavailable",
    errors.TooManyAttempts: "too-many-requests",
    errors.Gone: "gone",
}


def problem(
    slug: str, detail: str, headers: dict[str, str] | None = None, **extensions: Any
) -> Response:
    status, title = PROBLEM_TYPES[slug]
    body = {"type": f"/problems/{slug}", "title": title, "status": status, "detail": detail}
    body.update(extensions)
    return Response(
        body=json.dumps(body),
        status_code=status,
        headers={**_PROBLEM_HEADERS, **(headers or {})},
    )


def error_to_response(error: Exception) -> Response:
    """The problem for anything a view raised; unexpected errors are logged, not shown."""
    if isinstance(error, errors.ServiceError):
        return _service_problem(error)
    if isinstance(error, ConfigError):
        logs.log_event("config_error", level="critical", detail=str(error))
        return problem("service-unavailable", "Misconfigured service.")
    logs.log_exception("unhandled_error", error)
    return internal_error()


def internal_error() -> Response:
    return problem("internal-error", "An unexpected error occurred.")


def _service_problem(error: errors.ServiceError) -> Response:
    if isinstance(error, errors.QuotaExceeded):
        metrics.count(metrics.QUOTA_REJECTIONS)
    slug = next(_SLUGS[cls] for cls in type(error).__mro__ if cls in _SLUGS)
    return problem(slug, error.detail, _headers(error), **_extensions(error))


def _headers(error: errors.ServiceError) -> dict[str, str] | None:
    if isinstance(error, errors.Unavailable | errors.TooManyAttempts):
        return {"Retry-After": str(error.retry_after_seconds)}
    if isinstance(error, errors.Unauthenticated):
        return {"WWW-Authenticate": 'Bearer realm="todo"'}
    return None


def _extensions(error: errors.ServiceError) -> dict[str, Any]:
    if isinstance(error, errors.InvalidInput):
        return {"errors": [{"field": e.field, "message": e.message} for e in error.errors]}
    if isinstance(error, errors.Unauthenticated):
        return {"reason": error.reason}
    if isinstance(error, errors.Conflict) and error.field:
        return {"field": error.field}
    if isinstance(error, errors.QuotaExceeded):
        return {"limit": error.limit}
    return {}


def from_chalice_error(response: Response) -> Response:
    """Rewrite an error response Chalice made itself into problem+json, keeping its headers."""
    body = response.body if isinstance(response.body, dict) else {}
    slug = f"http-{response.status_code}"
    if slug not in PROBLEM_TYPES:
        slug = "http-500" if response.status_code >= 500 else "http-400"
    detail = body.get("Message") or PROBLEM_TYPES[slug].title
    if response.status_code >= 500:
        detail = "An unexpected error occurred."
    kept = {k: v for k, v in response.headers.items() if k.lower() != "content-type"}
    return problem(slug, str(detail), headers=kept)


def is_chalice_error(response: Response) -> bool:
    body = response.body
    return response.status_code >= 400 and isinstance(body, dict) and "Code" in body
