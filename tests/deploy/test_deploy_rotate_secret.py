"""`make rotate-secret STAGE=…` with the real aws CLI against moto's server.

The CLI is AWS CLI version 1 from the package index (version 2 is not
published there), installed into out/.cache. moto's server, in a process of
its own, plays STS, CloudFormation, Secrets Manager and DynamoDB; the stack's
table and secret are made in it from the prod template, as the simulated
deploy makes them. The service, in process, reads the secret from the same
server, so what make writes is checked by the service's own reading of it.
"""

import http.client
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import jwt
import pytest
from chalice.test import Client

from chalicelib import dependencies
from infra.dev_stack import OFFLINE_AWS_ENV, free_port
from infra.template import SECRET
from tests.deploy.support import (
    PROJECT_DIR,
    Deployment,
    Packaged,
    deploy_to_moto,
    path_without_aws,
    sign_up_and_log_in,
    without_aws_settings,
)
from tests.deploy.tool_cache import installed
from tests.support.api import auth
from tests.support.client import Send, in_process

AWS_CLI = "awscli==1.46.3"
STAGE = "prod"
RUN_AWS = """#!/bin/sh
printf '%s\\n' "$*" >> "$AWS_CALLS_LOG"
PYTHONPATH='{target}' exec '{python}' -S -m awscli "$@"
"""


@pytest.fixture(scope="module")
def aws_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder whose `aws` runs the installed CLI, noting each call's arguments."""
    folder = tmp_path_factory.mktemp("aws-cli")
    script = folder / "aws"
    script.write_text(RUN_AWS.format(target=installed(AWS_CLI), python=sys._base_executable))
    script.chmod(0o755)
    return folder


def moto_api(port: int, method: str, path: str) -> int:
    """A call to moto's own API (its state, its reset); the status it answered."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request(method, f"/moto-api/{path}")
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.fixture(scope="module")
def moto_server() -> Iterator[str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTO_")}
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_until_answering(port, server)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wait_until_answering(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert server.poll() is None, "moto's server exited"
        try:
            if moto_api(port, "GET", "data.json") == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"moto's server did not answer on port {port}")


@pytest.fixture
def stack(
    moto_server: str, packages: dict[str, Packaged], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Deployment]:
    """The prod stack's table and secret in the server, and the service set to use them."""
    assert moto_api(int(moto_server.rsplit(":", 1)[1]), "POST", "reset") == 200
    for name, value in OFFLINE_AWS_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    for name in ("JWT_SECRET", "JWT_SECRET_ARN", "TABLE_NAME", "DYNAMODB_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    dependencies.reset()
    deployed = deploy_to_moto(packages[STAGE])
    for name, value in deployed.environment.items():
        monkeypatch.setenv(name, value)
    yield deployed
    dependencies.reset()


@pytest.fixture
def service(stack: Deployment) -> Iterator[Send]:
    from app import app

    with Client(app, stage_name=STAGE) as client:
        yield in_process(client)


def operator_env(aws_bin: Path, moto_server: str, calls: Path) -> dict[str, str]:
    """An operator's shell: the CLI on PATH, credentials and a region, no profile of theirs."""
    nowhere = str(calls.with_name("no-such-file"))
    env = without_aws_settings() | OFFLINE_AWS_ENV
    return env | {
        "AWS_ENDPOINT_URL": moto_server,
        "AWS_CONFIG_FILE": nowhere,
        "AWS_SHARED_CREDENTIALS_FILE": nowhere,
        "AWS_CALLS_LOG": str(calls),
        "PATH": f"{aws_bin}{os.pathsep}{path_without_aws()}",
    }


def rotate(
    aws_bin: Path, moto_server: str, tmp_path: Path, stage: str = STAGE
) -> tuple[subprocess.CompletedProcess, list[str]]:
    """`make rotate-secret`, as an operator runs it; and the aws calls it made."""
    calls = tmp_path / "aws-calls.log"
    calls.unlink(missing_ok=True)
    result = subprocess.run(
        ["make", "--no-print-directory", "rotate-secret", f"STAGE={stage}"],
        cwd=PROJECT_DIR,
        env=operator_env(aws_bin, moto_server, calls),
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result, calls.read_text().splitlines() if calls.exists() else []


def documented_commands() -> str:
    """The aws CLI commands docs/DEPLOY.md gives for rotating by hand."""
    deploy_doc = (PROJECT_DIR / "docs" / "DEPLOY.md").read_text()
    section = deploy_doc.split("\n## Rotating the signing secret\n", 1)[1].split("\n## ", 1)[0]
    (by_hand,) = [b for b in re.findall(r"```sh\n(.*?)```", section, re.S) if "aws " in b]
    return by_hand


def labels(secret_arn: str) -> dict[str, list[str]]:
    versions = boto3.client("secretsmanager").describe_secret(SecretId=secret_arn)
    return versions["VersionIdsToStages"]


def value(secret_arn: str, stage: str) -> str:
    secrets = boto3.client("secretsmanager")
    return secrets.get_secret_value(SecretId=secret_arn, VersionStage=stage)["SecretString"]


def key_id(token: str) -> str:
    return jwt.get_unverified_header(token)["kid"]


def test_rotation_makes_a_fresh_key_current_and_keeps_the_old_one_as_previous(
    aws_bin: Path,
    moto_server: str,
    stack: Deployment,
    service: Send,
    packages: dict[str, Packaged],
    tmp_path: Path,
) -> None:
    # GIVEN a deployed secret with one version, and a user with a token signed by it
    (first_version,) = labels(stack.secret_arn)
    first = value(stack.secret_arn, "AWSCURRENT")
    old_token = sign_up_and_log_in(service)

    # WHEN the operator rotates the secret
    result, calls = rotate(aws_bin, moto_server, tmp_path)

    # THEN a new version is AWSCURRENT and the first one is AWSPREVIOUS
    assert result.returncode == 0, result.stdout + result.stderr
    after = labels(stack.secret_arn)
    (current,) = [v for v, stages in after.items() if "AWSCURRENT" in stages]
    assert current != first_version
    assert after[first_version] == ["AWSPREVIOUS"]
    assert f"version {current} is now AWSCURRENT" in result.stdout
    # AND the new value has the shape the stack generates, and nobody saw it
    new = value(stack.secret_arn, "AWSCURRENT")
    generate = packages[STAGE].properties(SECRET)["GenerateSecretString"]
    assert generate == {"PasswordLength": 64, "ExcludePunctuation": True}
    assert re.fullmatch(r"[A-Za-z0-9]{64}", new)
    assert new != first
    assert value(stack.secret_arn, "AWSPREVIOUS") == first
    assert new not in result.stdout + result.stderr
    assert not [call for call in calls if new in call]
    assert [call.split()[:2] for call in calls][-2:] == [
        ["secretsmanager", "get-random-password"],
        ["secretsmanager", "put-secret-value"],
    ]

    # WHEN a container reads its keys again (a new one, or its keys' TTL passed)
    dependencies.reset()
    keys = dependencies.signing_keys()
    # THEN it signs with the new key and still verifies with the old one
    assert keys.current.secret == new.encode()
    assert keys.previous is not None
    assert keys.previous.secret == first.encode()
    assert service("GET", "/v1/item/get", None, auth(old_token)).status == 200
    new_token = sign_up_and_log_in(service, "ada")
    assert key_id(new_token) == keys.current.kid != key_id(old_token) == keys.previous.kid
    assert service("GET", "/v1/item/get", None, auth(new_token)).status == 200


def test_a_second_rotation_retires_the_first_key_and_only_it(
    aws_bin: Path, moto_server: str, stack: Deployment, service: Send, tmp_path: Path
) -> None:
    # GIVEN a token from before one rotation, and one from after it
    first_token = sign_up_and_log_in(service)
    assert rotate(aws_bin, moto_server, tmp_path)[0].returncode == 0
    dependencies.reset()
    second_token = sign_up_and_log_in(service, "ada")
    # WHEN the secret is rotated again and the keys are read again
    result, _ = rotate(aws_bin, moto_server, tmp_path)
    assert result.returncode == 0, result.stderr
    dependencies.reset()
    # THEN the first key's token is refused, and the second key's still works
    refused = service("GET", "/v1/item/get", None, auth(first_token))
    assert (refused.status, refused.body["reason"]) == (401, "invalid")
    assert service("GET", "/v1/item/get", None, auth(second_token)).status == 200
    # AND only two versions are labelled: the first key's is labelled no more
    labelled = [stages for stages in labels(stack.secret_arn).values() if stages]
    assert sorted(labelled) == [["AWSCURRENT"], ["AWSPREVIOUS"]]


def test_without_the_stage_deployed_it_stops_and_changes_nothing(
    aws_bin: Path, moto_server: str, stack: Deployment, tmp_path: Path
) -> None:
    before = labels(stack.secret_arn)
    result, calls = rotate(aws_bin, moto_server, tmp_path, stage="dev")
    assert result.returncode != 0
    assert "there is no stack todo-service-dev in us-east-1; deploy it first" in result.stderr
    assert not [call for call in calls if call.startswith("secretsmanager")]
    assert labels(stack.secret_arn) == before


def test_the_documented_aws_cli_commands_rotate_the_same_way(
    aws_bin: Path, moto_server: str, stack: Deployment, service: Send, tmp_path: Path
) -> None:
    # GIVEN a token signed with the deployed key
    (first_version,) = labels(stack.secret_arn)
    old_token = sign_up_and_log_in(service)
    # WHEN an operator runs docs/DEPLOY.md's commands instead of the make target
    calls = tmp_path / "aws-calls.log"
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", documented_commands()],
        env=operator_env(aws_bin, moto_server, calls),
        capture_output=True,
        text=True,
        timeout=120,
    )
    # THEN the labels move as make's do, and the service takes the new key as it is
    assert result.returncode == 0, result.stdout + result.stderr
    after = labels(stack.secret_arn)
    assert after[first_version] == ["AWSPREVIOUS"]
    new = value(stack.secret_arn, "AWSCURRENT")
    assert re.fullmatch(r"[A-Za-z0-9]{64}", new)
    assert not [call for call in calls.read_text().splitlines() if new in call]
    dependencies.reset()
    assert dependencies.signing_keys().current.secret == new.encode()
    assert service("GET", "/v1/item/get", None, auth(old_token)).status == 200
