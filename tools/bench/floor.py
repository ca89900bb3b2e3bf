"""The floors the benchmark measures against: a bare Chalice app with nothing of ours.

- `GET /floor/items/{item_id}`: one GetItem, through a DynamoDB client built
  as the service builds its own (one botocore session, the same Config). It
  is the cold-start floor, shipped as the `app.py` of a zip built like the
  service's, and the warm floor of routes that make one GetItem.
- `GET /floor/constant`: constant JSON and nothing else, no token: what any
  Chalice route costs.
- `GET /floor/jwt`: constant JSON after one PyJWT decode of the bearer token,
  what verifying a token costs without a memory of verified tokens.
- `POST /floor/token`: what a token grant cannot avoid: one PyJWT encode of
  an access token, and a 256-bit random refresh token with its SHA-256.

Configuration comes from the same environment variables the service reads.
PyJWT and the hashing modules are imported only inside the routes that use them, so that the cold
start, which never calls them, imports nothing the floor does not need.
"""

import os
import time
from functools import cache
from typing import Any

from chalice import Chalice

app = Chalice(app_name="perf-floor")


@cache
def client() -> Any:
    # As chalicelib/dependencies.py builds the service's client, with its settings.
    import botocore.session
    from botocore.config import Config

    config = Config(
        retries={"mode": "standard", "total_max_attempts": 1},
        connect_timeout=1,
        read_timeout=2,
        user_agent_extra="perf-floor",
    )
    session = botocore.session.get_session()
    endpoint = os.environ.get("DYNAMODB_ENDPOINT_URL") or None
    return session.create_client("dynamodb", endpoint_url=endpoint, config=config)


@app.route("/floor/items/{item_id}")
def get_item(item_id: str) -> dict[str, bool]:
    key = {"pk": {"S": "FLOOR"}, "sk": {"S": item_id}}
    reply = client().get_item(TableName=os.environ["TABLE_NAME"], Key=key)
    return {"found": "Item" in reply}


@app.route("/floor/constant")
def constant() -> dict[str, str]:
    return {"status": "ok"}


@app.route("/floor/jwt")
def decode_token() -> dict[str, str]:
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


@app.route("/floor/token", methods=["POST"])
def issue_token() -> dict[str, str]:
    import base64
    import hashlib
    import secrets

    import jwt

    now = int(time.time())
    claims = {"sub": "floor", "iat": now, "exp": now + 900, "iss": "todo-service"}
    access = jwt.encode(claims, os.environ["JWT_SECRET"], algorithm="HS256")
    refresh = base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode()
    hashlib.sha256(refresh.encode()).hexdigest()
    return {"access_token": access, "refresh_token": refresh}
