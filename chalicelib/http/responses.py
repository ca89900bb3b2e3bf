"""Response shapes shared by the route modules: CORS, caching and JSON bodies."""

import os
from typing import Any

from chalice import CORSConfig, Response

# Chalice bakes CORS into the API Gateway definition when it packages the
# app, so the origin has to be known when routes are declared. Chalice sets
# the stage's environment before importing the app, for `chalice local`
# and `chalice package` alike. Tokens travel in headers, never cookies, so a
# permissive origin grants no ambient authority; stages can still narrow it.
CORS = CORSConfig(
    allow_origin=os.environ.get("CORS_ALLOW_ORIGIN", "*"),
    allow_headers=["token", "Authorization", "Content-Type", "If-Match", "If-None-Match"],
    expose_headers=["token", "ETag", "Location"],
    max_age=600,
)

# Per-user data: browsers may keep it but must revalidate; shared caches never.
PRIVATE = {"Cache-Control": "private, no-cache"}
NO_STORE = {"Cache-Control": "no-store"}


def json_response(
    body: Any, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(body=body, status_code=status_code, headers={**PRIVATE, **(headers or {})})
