"""The floor of the v2 task routes: a bare Chalice route that makes given DynamoDB calls.

`GET /floor/replay` decodes one JWT with PyJWT, as every route of ours
does, then makes the calls in `script` one after another, straight through
a boto3 client, and returns their count. The benchmark sets `script` to the
calls one of our requests has just made, so the floor costs what those
calls cost with nothing of ours around them.
"""

import os
from functools import cache
from typing import Any

import boto3
import jwt
from botocore import xform_name
from chalice import Chalice

app = Chalice(app_name="perf-replay-floor")
script: list[tuple[str, dict[str, Any]]] = []  # (operation, parameters), set before each call


@cache
def client() -> Any:
    return boto3.client("dynamodb", endpoint_url=os.environ.get("DYNAMODB_ENDPOINT_URL"))


@app.route("/floor/replay")
def replay() -> dict[str, int]:
    token = app.current_request.headers.get("authorization", "").removeprefix("Bearer ")
    jwt.decode(
        token,
        os.environ["JWT_SECRET"],
        algorithms=["HS256"],
        issuer=os.environ.get("TOKEN_ISSUER", "todo-service"),
        options={"require": ["sub", "iat", "exp", "iss"]},
    )
    dynamodb = client()
    for operation, params in script:
        getattr(dynamodb, xform_name(operation))(**params)
    return {"calls": len(script)}
