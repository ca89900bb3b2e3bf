"""Turning request bodies and headers into plain values, or client errors."""

import json
from typing import Any
from urllib.parse import unquote

from chalice.app import Request

from chalicelib.domain.errors import FieldError, InvalidInput, MalformedRequest, PayloadTooLarge

MAX_BODY_BYTES = 16 * 1024


def json_object(request: Request, max_bytes: int = MAX_BODY_BYTES) -> dict[str, Any]:
    raw = request.raw_body or b""
    if len(raw) > max_bytes:
        raise PayloadTooLarge(f"Request body exceeds {max_bytes} bytes.")
    if not raw.strip():
        raise MalformedRequest("Request body must be a JSON object.")
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        raise MalformedRequest("Request body is not valid JSON.") from None
    if not isinstance(value, dict):
        raise MalformedRequest("Request body must be a JSON object.")
    return value


def string_fields(body: dict[str, Any], *names: str) -> list[str]:
    """Return the named fields in order; each must be present and a string."""
    problems = [problem for name in names if (problem := _string_problem(body, name))]
    if problems:
        raise InvalidInput(*problems)
    return [body[name] for name in names]


def _string_problem(body: dict[str, Any], name: str) -> FieldError | None:
    if name not in body:
        return FieldError(name, "is required")
    if not isinstance(body[name], str):
        return FieldError(name, "must be a string")
    if not is_unicode_text(body[name]):
        return FieldError(name, "must be valid Unicode text")
    return None


def is_unicode_text(text: str) -> bool:
    """False for strings holding lone surrogates, which JSON allows but UTF-8 cannot encode."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def path_text(raw: str, field: str) -> str:
    """Percent-decode a path parameter; API Gateway and `chalice local` pass it encoded."""
    try:
        return unquote(raw, errors="strict")
    except UnicodeDecodeError:
        raise InvalidInput(FieldError(field, "must be percent-encoded UTF-8")) from None


def bearer_token(request: Request) -> str | None:
    """The token from the book's `token` header, or from `Authorization: Bearer`."""
    headers = request.headers
    if headers.get("token"):
        return headers["token"].strip()
    scheme, _, credentials = (headers.get("authorization") or "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return None
