"""Response shapes shared by the route modules: CORS, caching and JSON bodies."""

import os
import re
from collections.abc import Mapping
from typing import Any

from chalice import CORSConfig, Response
from chalice.app import Request


def cors_origin(environ: Mapping[str, str] = os.environ) -> str:
    """The allowed browser origin: the stage's CORS_ALLOW_ORIGIN, or any.

    Tokens travel in headers, never cookies, so a permissive origin grants
    no ambient authority; stages can still narrow it. infra/template.py
    asks this too, for the deployed gateway's own answers.
    """
    return environ.get("CORS_ALLOW_ORIGIN", "*")


# Chalice bakes CORS into the API Gateway definition when it packages the
# app, so the origin has to be known when routes are declared. Chalice sets
# the stage's environment before importing the app, for `chalice local`
# and `chalice package` alike.
_ORIGIN = cors_origin()
_EXPOSED = ["token", "ETag", "Location"]
CORS = CORSConfig(
    allow_origin=_ORIGIN,
    allow_headers=["token", "Authorization", "Content-Type", "If-Match", "If-None-Match"],
    expose_headers=_EXPOSED,
    max_age=600,
)

# Request headers the book's clients send besides those. Its login form sends
# two response headers as request headers, by mistake, and its Postman
# collection sends `user-token`. The book's server allowed any request header,
# so these worked there; the v1 routes allow them so that the book's clients
# keep working from another origin. None of them is read.
BOOK_CLIENT_HEADERS = ["Access-Control-Allow-Origin", "Access-Control-Expose-Headers", "user-token"]
V1_CORS = CORSConfig(
    allow_origin=_ORIGIN,
    allow_headers=["token", "Authorization", "Content-Type", *BOOK_CLIENT_HEADERS],
    expose_headers=_EXPOSED,
    max_age=600,
)

# Per-user data: browsers may keep it but must revalidate; shared caches never.
PRIVATE = {"Cache-Control": "private, no-cache"}
NO_STORE = {"Cache-Control": "no-store"}


def json_response(
    body: Any, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(body=body, status_code=status_code, headers={**PRIVATE, **(headers or {})})


# What may stand before our routes in a client's path: the stage of an
# execute-api URL, or a custom domain's base path. Whole path segments only,
# none empty or "." or "..", so a Location can never name another host.
_PATH_PREFIX = re.compile(r"(?:/(?!\.\.?(?:/|$))[\w.~!$&'()*+,;=:@%-]+)*", re.ASCII)


def created_location(request: Request, collection: str, item_id: str) -> str:
    """The path of an item just created by a POST to `collection`, as the client addresses it."""
    return f"{mount_prefix(request, collection)}{collection}/{item_id}"


def mount_prefix(request: Request, route_path: str) -> str:
    """What stands before our routes in the path the client asked for.

    API Gateway's requestContext.path is the path the client asked for: with
    the stage in front on an execute-api URL (`/api/v2/todos`), with the base
    path in front on a custom domain, and as it is under `chalice local`.
    What stands before the route's own path is kept, so paths made with it
    resolve wherever the API is mounted.
    """
    path = str((request.context or {}).get("path") or "").rstrip("/")
    prefix = path.removesuffix(route_path) if path.endswith(route_path) else ""
    return prefix if _PATH_PREFIX.fullmatch(prefix) else ""
