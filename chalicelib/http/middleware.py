"""The middleware every request passes: errors mapped for every route, and one log line."""

import time
import uuid

from chalice import Response
from chalice.app import Request

from chalicelib.http.chalice_app import ViewRaised
from chalicelib.http.problems import (
    error_to_response,
    from_chalice_error,
    internal_error,
    is_chalice_error,
)
from chalicelib.platform import logs, retries
from chalicelib.platform.start_up import first_request_without_collector


def handle_request(request: Request, get_response) -> Response:
    with first_request_without_collector():
        return _handle(request, get_response)


def _handle(request: Request, get_response) -> Response:
    started = time.perf_counter()
    request_id = _request_id(request)
    logs.request_id.set(request_id)
    logs.user_id.set(None)
    budget = retries.begin_request(_remaining_seconds(request))
    try:
        response = get_response(request)
    except ViewRaised as raised:
        response = error_to_response(raised.error)
        response.headers.update(raised.cors_headers)
    except Exception as error:  # raised outside any view, by Chalice itself
        logs.log_exception("unhandled_error", error)
        response = internal_error()
    finally:
        retries.end_request(budget)
    if is_chalice_error(response):
        response = from_chalice_error(response)
    response.headers["X-Request-Id"] = request_id
    logs.log_event(
        "request",
        method=request.method,
        path=request.path,
        status=response.status_code,
        duration_ms=round((time.perf_counter() - started) * 1000, 2),
        user_id=logs.user_id.get(),
    )
    return response


def _remaining_seconds(request: Request) -> float | None:
    """How long Lambda will still wait for this request, when it says."""
    remaining = getattr(request.lambda_context, "get_remaining_time_in_millis", None)
    return remaining() / 1000 if remaining else None


def _request_id(request: Request) -> str:
    from_gateway = (request.context or {}).get("requestId")
    from_lambda = getattr(request.lambda_context, "aws_request_id", None)
    return from_gateway or from_lambda or uuid.uuid4().hex
