"""What `make run` answers besides the app: unknown routes, and settings given to make.

Under `chalice local` an unknown route answered 403 with the request's
Authorization header quoted in `message`. The deployed API answers the
404 problem in infra/template.py, echoing nothing, and now so does make run.
"""

import json

import jwt
import pytest

from infra.template import GATEWAY_PROBLEMS, gateway_response
from tests.devstack.support import EXPIRE_MINUTES, Run
from tests.support.api import V2, credentials
from tests.support.client import http_client

SECRET_LOOKING = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl"


def deployed_answer(request_id: str) -> tuple[int, dict]:
    """The gateway's status and body for a missing route, as infra/template.py deploys it."""
    response = gateway_response("*", *GATEWAY_PROBLEMS["MISSING_AUTHENTICATION_TOKEN"])
    body = response["ResponseTemplates"]["application/json"]
    return int(response["StatusCode"]), json.loads(body.replace("$context.requestId", request_id))


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/v1/item/create/"), ("GET", "/no/such/route"), ("DELETE", "/v2/todos/a/b")],
)
@pytest.mark.parametrize("authorization", [None, SECRET_LOOKING, "AWS4-HMAC-SHA256 Credential=x"])
def test_an_unknown_route_gets_the_deployed_gateways_404_problem_echoing_nothing(
    serving: Run, method: str, path: str, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}

    status, reply_headers, body = http_client(serving.base_url)(method, path, None, headers)

    assert reply_headers["Content-Type"] == "application/problem+json"
    assert (status, body) == deployed_answer(body["request_id"])
    if authorization:
        assert authorization not in json.dumps(body)
        assert authorization not in json.dumps(reply_headers)
        assert "eyJ" not in json.dumps(body)


def test_a_setting_given_to_make_reaches_the_app_over_the_stage_default(serving: Run) -> None:
    # conftest started `make run TOKEN_EXPIRE_MINUTES=7`; .chalice/config.json says 60
    send = http_client(serving.base_url)
    name = V2(send).sign_up()

    status, _, answer = send("POST", "/v1/auth/login", credentials(name))

    assert status == 200
    claims = jwt.decode(answer["token"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == int(EXPIRE_MINUTES) * 60
