"""The floors the benchmark measures against: a bare Chalice app with nothing of ours.

`GET /floor/items/{item_id}` imports boto3 and does one GetItem (the
cold-start floor); `GET /floor/constant` returns constant JSON after one
PyJWT decode (the warm-request floor). Configuration comes from the same
environment variables the service reads.
"""

import os
from functools import cache
from typing import Any

import boto3
from chalice import Chalice

app = Chalice(app_name="perf-floor")


@cache
def _client() -> Any:
    return boto3.client("dynamodb", endpoint_url=os.environ.get("DYNAMODB_ENDPOINT_URL"))


@app.route("/floor/items/{item_id}")
def get_item(item_id: str) -> dict[str, bool]:
    key = {"pk": {"S": "FLOOR"}, "sk": {"S": item_id}}
    reply = _client().get_item(TableName=os.environ["TABLE_NAME"], Key=key)
    return {"found": "Item" in reply}


@app.route("/floor/constant")
def constant() -> dict[str, str]:
    # Imported here so the cold-start floor, which never calls this route, stays bare.
    import jwt

    token = app.current_request.headers.get("authorization", "").removeprefix("Bearer ")
    jwt.decode(
        token,
        os.environ["JWT_SECRET"],
        algorithms=["HS256"],
        issuer=os.environ.get("TOKEN_ISSUER", "todo-service"),
        options={"require": ["sub", "iat", "exp", "iss"]},
    )
    return {"status": "ok"}
