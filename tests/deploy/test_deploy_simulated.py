"""A simulated deploy: the prod template's table and secret in moto, the app in process.

The function's environment is the template's, with references resolved, so the
app finds its table by the name CloudFormation gave it and reads its signing
secret from Secrets Manager through the code path it uses in AWS.
"""

import json
from typing import Any

import boto3
import pytest

from chalicelib import dependencies
from tests.deploy.support import LOGIN, Deployment, book_steps, sign_up_and_log_in
from tests.support.api import auth
from tests.support.client import Send


def secret_reads() -> list[str]:
    calls: list[str] = []
    dependencies.secrets_client().meta.events.register(
        "before-call.secrets-manager", lambda model, **_: calls.append(model.name)
    )
    return calls


def config_errors(captured: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in captured.splitlines() if line.startswith("{")]
    return [line for line in lines if line["event"] == "config_error"]


def test_the_books_walk_through_works_on_the_deployed_resources(
    deployed: Send, deployment: Deployment
) -> None:
    # GIVEN a cold container whose secret lives in Secrets Manager
    reads = secret_reads()
    token = sign_up_and_log_in(deployed)
    # WHEN the book's steps run, THEN each answers with the expected state, as does a read after it
    for method, path, body, expected in book_steps():
        response = deployed(method, path, body, auth(token))
        assert (response.status, response.body) == (200, expected), (method, path, body)
        read = deployed("GET", "/v1/item/get", None, auth(token))
        assert read.body == expected
    # AND the secret was fetched once for the container (its current version, and the
    # previous one, which a fresh stack does not have yet), the data sits in the stack's table
    assert reads == ["GetSecretValue", "GetSecretValue"]
    items = boto3.client("dynamodb").scan(TableName=deployment.table_name)["Items"]
    assert items, "the walk-through should have stored its user in the stack's table"


def test_a_cold_start_without_the_secret_fails_loudly_and_uses_no_default(
    deployed: Send, deployment: Deployment, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a token issued while the secret existed
    token = sign_up_and_log_in(deployed)
    # WHEN the secret is gone and a new container starts
    boto3.client("secretsmanager").delete_secret(
        SecretId=deployment.secret_arn, ForceDeleteWithoutRecovery=True
    )
    dependencies.reset()
    capsys.readouterr()
    login = deployed("POST", "/v1/auth/login", LOGIN)
    items = deployed("GET", "/v1/item/get", None, auth(token))
    # THEN nothing is signed or verified: both answer 503, and each logs a critical config_error
    for response in (login, items):
        assert response.status == 503
        assert response.body["type"] == "/problems/service-unavailable"
    assert "token" not in login.headers
    errors = config_errors(capsys.readouterr().out)
    assert len(errors) == 2
    assert all(
        e["level"] == "critical" and "ResourceNotFoundException" in e["detail"] for e in errors
    )
    assert all(deployment.secret_arn in e["detail"] for e in errors)


def test_a_jwt_secret_beside_the_arn_is_refused_never_used_as_a_fallback(
    deployed: Send, deployment: Deployment, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a user, and a managed secret that has gone missing
    sign_up_and_log_in(deployed)
    boto3.client("secretsmanager").delete_secret(
        SecretId=deployment.secret_arn, ForceDeleteWithoutRecovery=True
    )
    # WHEN a plain JWT_SECRET is also set and a new container starts
    monkeypatch.setenv("JWT_SECRET", "a-local-secret-that-is-long-enough-0123456789")
    dependencies.reset()
    # THEN the service refuses to serve rather than sign with it
    response = deployed("POST", "/v1/auth/login", LOGIN)
    assert response.status == 503


def test_rotating_the_secret_logs_nobody_out_and_a_second_rotation_retires_the_first_key(
    deployed: Send, deployment: Deployment
) -> None:
    # GIVEN a token signed with the current secret
    old_token = sign_up_and_log_in(deployed)
    secrets = boto3.client("secretsmanager")

    def rotate() -> None:
        """What make rotate-secret does: put a new value, which becomes AWSCURRENT."""
        value = secrets.get_random_password(PasswordLength=64, ExcludePunctuation=True)
        secrets.put_secret_value(
            SecretId=deployment.secret_arn, SecretString=value["RandomPassword"]
        )
        dependencies.reset()  # the keys are read again: a new container, or their TTL passed

    # WHEN the secret is rotated, THEN the old token still works, as does a fresh login
    rotate()
    assert deployed("GET", "/v1/item/get", None, auth(old_token)).status == 200
    fresh = sign_up_and_log_in(deployed, "ada")
    assert deployed("GET", "/v1/item/get", None, auth(fresh)).status == 200
    # WHEN it is rotated again, THEN the first key's token is refused and the second's is not
    rotate()
    refused = deployed("GET", "/v1/item/get", None, auth(old_token))
    assert (refused.status, refused.body["reason"]) == (401, "invalid")
    assert deployed("GET", "/v1/item/get", None, auth(fresh)).status == 200


def test_deleting_the_stack_keeps_the_table_and_its_data(deployment: Deployment) -> None:
    dynamodb = boto3.client("dynamodb")
    dynamodb.put_item(
        TableName=deployment.table_name, Item={"pk": {"S": "keep"}, "sk": {"S": "me"}}
    )
    with pytest.raises(dynamodb.exceptions.ClientError, match="DeletionProtectionEnabled"):
        dynamodb.delete_table(TableName=deployment.table_name)
    boto3.client("cloudformation").delete_stack(StackName=deployment.stack_name)
    assert deployment.table_name in dynamodb.list_tables()["TableNames"]
    assert dynamodb.get_item(
        TableName=deployment.table_name, Key={"pk": {"S": "keep"}, "sk": {"S": "me"}}
    )["Item"]
