"""What CloudFormation made and resolved: the generated secret, read by reference,
and the log group the function's JSON lines reach."""

import json
import time

import jwt

from chalicelib.platform.signing_keys import SigningKey
from tests.emulated.conftest import EmulatedStack
from tests.support.api import V1, auth
from tests.support.values import unique

FUNCTION = "todo-service-dev-api"


def test_the_secret_is_generated_at_deploy_and_passed_by_reference(
    emulated: EmulatedStack,
) -> None:
    arn = emulated.output("SigningSecretArn")
    function = emulated.aws("lambda").get_function_configuration(FunctionName=FUNCTION)
    environment = function["Environment"]["Variables"]
    secret = emulated.aws("secretsmanager").get_secret_value(SecretId=arn)["SecretString"]

    assert environment["JWT_SECRET_ARN"] == arn
    assert environment["TABLE_NAME"] == emulated.output("TableName")
    assert "JWT_SECRET" not in environment
    assert len(secret) == 64
    assert secret.isalnum()


def test_the_function_signs_with_the_generated_secret(emulated: EmulatedStack) -> None:
    """A token from the deployed function verifies with the secret's current value,
    so the function read it over the API, through the ARN in its environment."""
    v1 = V1(emulated.client())
    token = v1.log_in(v1.sign_up(unique()))
    arn = emulated.output("SigningSecretArn")
    secret = emulated.aws("secretsmanager").get_secret_value(SecretId=arn)["SecretString"]

    assert jwt.get_unverified_header(token)["kid"] == SigningKey.of(secret.encode()).kid
    claims = jwt.decode(token, secret, algorithms=["HS256"], options={"verify_aud": False})
    assert claims["iss"] == "todo-service"


def test_the_log_group_receives_the_json_lines(emulated: EmulatedStack) -> None:
    send = emulated.client()
    token = V1(send).log_in(V1(send).sign_up(unique()))
    reply = send("GET", "/v1/item/get", headers=auth(token))
    request_id = reply.headers["X-Request-Id"]
    group = emulated.output("LogGroupName")

    lines = _json_lines(emulated, group, request_id)

    assert group == f"/aws/lambda/{FUNCTION}"
    assert lines, f"no JSON line with request_id {request_id} in {group}"
    assert all(line["request_id"] == request_id for line in lines)
    assert {"event"} <= set(lines[0])


def _json_lines(emulated: EmulatedStack, group: str, request_id: str) -> list[dict]:
    logs = emulated.aws("logs")
    deadline = time.monotonic() + 20
    while True:
        events = logs.filter_log_events(logGroupName=group, filterPattern=f'"{request_id}"')
        found = [json.loads(e["message"]) for e in events["events"] if e["message"].startswith("{")]
        if found or time.monotonic() > deadline:
            return [line for line in found if line.get("request_id") == request_id]
        time.sleep(0.5)
