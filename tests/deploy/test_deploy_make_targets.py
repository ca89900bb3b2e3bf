"""`make deploy`, `destroy`, `url`, `logs`, `smoke STAGE=` and `rotate-secret`, up to
the calls to AWS, which a fake aws CLI answers (tests/deploy/test_deploy_rotate_secret.py
runs rotate-secret with the real CLI).

Without the aws CLI, or without credentials, they stop before doing anything,
saying what is missing. With both, deploy packages, runs `aws cloudformation
package` and `deploy` with the capabilities the stack needs and the
parameters given, and prints the API URL; destroy deletes the stack and says
the table was kept; url prints the base URL; logs follows the log group.
"""

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.deploy.support import PROJECT_DIR, path_without_aws, without_aws_settings

API_URL = "https://abc123.execute-api.eu-west-1.amazonaws.com/api/"
DOMAIN_URL = "https://api.example.com/"
FAKE_AWS = r"""#!/usr/bin/env bash
printf '%s\n' "$*" >> "$FAKE_AWS_LOG"
case "$1 $2" in
    "configure get") echo eu-west-1 ;;
    "sts get-caller-identity")
        if [ -n "${FAKE_AWS_NO_CREDENTIALS:-}" ]; then
            echo "Unable to locate credentials. You can configure credentials by running" \
                '"aws configure".' >&2
            exit 253
        fi
        echo 123456789012 ;;
    "s3api head-bucket") ;;
    "cloudformation package")
        while [ $# -gt 0 ]; do
            case "$1" in
                --template-file) source=$2 ;;
                --output-template-file) target=$2 ;;
            esac
            shift
        done
        cp "$source" "$target" ;;
    "cloudformation deploy" | "cloudformation delete-stack" | "cloudformation wait") ;;
    "cloudformation describe-stacks")
        if [ -n "${FAKE_AWS_NO_STACK:-}" ]; then
            echo "An error occurred (ValidationError): Stack todo-service-dev does not exist" >&2
            exit 254
        fi
        case "$*" in
            *EndpointURL*) echo "__API_URL__" ;;
            *DomainURL*) echo "${FAKE_AWS_DOMAIN_URL:-None}" ;;
            *DomainTarget*) echo d-abc123.execute-api.eu-west-1.amazonaws.com ;;
            *TableName*) echo todo-service-dev-todos ;;
            *LogGroupName*) echo /aws/lambda/todo-service-dev-api ;;
        esac ;;
    "dynamodb describe-table")
        if [ -z "${FAKE_AWS_RETAINED_TABLE:-}" ]; then
            echo "An error occurred (ResourceNotFoundException): Requested resource not found" >&2
            exit 254
        fi
        echo ACTIVE ;;
    "logs tail") echo "2026-01-01T00:00:00 {\"event\": \"request\"}" ;;
    *) echo "fake aws: unexpected call: $*" >&2; exit 2 ;;
esac
""".replace("__API_URL__", API_URL)


@pytest.fixture
def fake_aws(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """An environment whose `aws` is the fake above, logging each call to the returned file."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "aws").write_text(FAKE_AWS)
    (bin_dir / "aws").chmod(0o755)
    log = tmp_path / "aws-calls.log"
    log.touch()
    env = without_aws_settings()
    env |= {"PATH": f"{bin_dir}{os.pathsep}{path_without_aws()}", "FAKE_AWS_LOG": str(log)}
    return env, log


def make(
    target: str, out: Path, env: dict[str, str], *args: str
) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    result = subprocess.run(
        ["make", "--no-print-directory", target, "STAGE=dev", f"OUT={out}", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result, time.monotonic() - started


@pytest.mark.parametrize("target", ["deploy", "destroy", "url", "logs", "smoke", "rotate-secret"])
def test_without_the_aws_cli_it_stops_at_once_and_says_so(target: str, tmp_path: Path) -> None:
    env = {**without_aws_settings(), "PATH": path_without_aws()}
    result, seconds = make(target, tmp_path / "out", env)
    assert result.returncode != 0
    assert "the aws CLI is not installed" in result.stderr
    assert seconds < 10
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("target", ["deploy", "url", "logs", "rotate-secret"])
def test_without_credentials_it_stops_before_doing_anything(
    fake_aws: tuple[dict[str, str], Path], tmp_path: Path, target: str
) -> None:
    env, log = fake_aws
    result, seconds = make(target, tmp_path / "out", {**env, "FAKE_AWS_NO_CREDENTIALS": "1"})
    assert result.returncode != 0
    assert "no usable AWS credentials" in result.stderr
    assert "Unable to locate credentials" in result.stderr
    assert seconds < 10
    assert log.read_text().splitlines() == ["configure get region", _identity_call()]
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(shutil.which("aws") is None, reason="the real aws CLI is not installed")
def test_the_real_aws_cli_without_credentials_stops_the_deploy(tmp_path: Path) -> None:
    nowhere = str(tmp_path / "no-such-file")
    env = without_aws_settings() | {
        "AWS_REGION": "eu-west-1",
        "AWS_CONFIG_FILE": nowhere,
        "AWS_SHARED_CREDENTIALS_FILE": nowhere,
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    result, seconds = make("deploy", tmp_path / "out", env)
    assert result.returncode != 0
    assert "no usable AWS credentials" in result.stderr
    assert seconds < 30
    assert not (tmp_path / "out").exists()


def test_deploy_packages_then_deploys_with_the_needed_capabilities_and_prints_the_url(
    fake_aws: tuple[dict[str, str], Path], tmp_path: Path
) -> None:
    env, log = fake_aws
    out = tmp_path / "out"
    result, _ = make("deploy", out, env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"API URL: {API_URL}" in result.stdout
    assert (out / "dev" / "sam.json").exists()
    assert (out / "dev" / "deployment.zip").exists()
    calls = log.read_text().splitlines()
    bucket = "todo-service-artifacts-123456789012-eu-west-1"
    package = next(c for c in calls if c.startswith("cloudformation package"))
    assert f"--template-file {out}/dev/sam.json" in package
    assert f"--s3-bucket {bucket}" in package
    deploy = next(c for c in calls if c.startswith("cloudformation deploy"))
    assert f"--template-file {out}/dev/packaged.json" in deploy
    assert "--stack-name todo-service-dev" in deploy
    assert "--capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND" in deploy
    assert "--region eu-west-1" in deploy
    # No optional parameter was given, so the stack keeps whatever it had.
    assert "--parameter-overrides" not in deploy


def test_deploy_after_a_destroy_stops_at_once_while_the_kept_table_exists(
    fake_aws: tuple[dict[str, str], Path], tmp_path: Path
) -> None:
    env, log = fake_aws
    env |= {"FAKE_AWS_NO_STACK": "1", "FAKE_AWS_RETAINED_TABLE": "1"}
    result, _ = make("deploy", tmp_path / "out", env)

    assert result.returncode != 0
    assert (
        "make deploy: the table todo-service-dev-todos, kept by an earlier make destroy, still "
        "exists, and a new stack todo-service-dev cannot create it again. Delete it, or import "
        "it into the stack: docs/DEPLOY.md, Teardown.\n"
    ) in result.stderr
    assert not (tmp_path / "out" / "dev").exists()
    assert not [c for c in log.read_text().splitlines() if c.startswith("cloudformation deploy")]


def test_deploy_passes_the_optional_parameters_that_are_given_and_only_those(
    fake_aws: tuple[dict[str, str], Path], tmp_path: Path
) -> None:
    env, log = fake_aws
    given = ["ALARM_EMAIL=ops@example.com", "DOMAIN_NAME=api.example.com", "HOSTED_ZONE_ID="]
    given.append("AUTH_RATE_LIMIT=100")
    result, _ = make("deploy", tmp_path / "out", {**env, "FAKE_AWS_DOMAIN_URL": DOMAIN_URL}, *given)
    assert result.returncode == 0, result.stdout + result.stderr
    deploy = next(c for c in log.read_text().splitlines() if c.startswith("cloudformation deploy"))
    overrides = deploy.split("--parameter-overrides ")[1].split(" --")[0].split()
    # An empty value is passed too: it is how an operator removes the DNS record.
    assert overrides == [
        "AlarmEmail=ops@example.com",
        "DomainName=api.example.com",
        "HostedZoneId=",
        "AuthRateLimit=100",
    ]
    assert f"Domain URL: {DOMAIN_URL}" in result.stdout


@pytest.mark.parametrize(("domain", "expected"), [(None, API_URL), (DOMAIN_URL, DOMAIN_URL)])
def test_url_prints_the_domain_when_the_stack_has_one_and_the_gateways_url_otherwise(
    fake_aws: tuple[dict[str, str], Path], tmp_path: Path, domain: str | None, expected: str
) -> None:
    env, _ = fake_aws
    env = {**env, "FAKE_AWS_DOMAIN_URL": domain} if domain else env
    result, _ = make("url", tmp_path / "out", env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{expected}\n"
    assert not (tmp_path / "out").exists()


def test_url_and_logs_say_so_when_the_stage_is_not_deployed(
    fake_aws: tuple[dict[str, str], Path], tmp_path: Path
) -> None:
    env, _ = fake_aws
    for target in ("url", "logs"):
        result, _ = make(target, tmp_path / "out", {**env, "FAKE_AWS_NO_STACK": "1"})
        assert result.returncode != 0
        assert "there is no stack todo-service-dev in eu-west-1; deploy it first" in result.stderr


def test_logs_follows_the_functions_log_group_with_the_arguments_given(
    fake_aws: tuple[dict[str, str], Path], tmp_path: Path
) -> None:
    env, log = fake_aws
    result, _ = make("logs", tmp_path / "out", env, "LOGS_ARGS=--since 1h")
    assert result.returncode == 0, result.stderr
    assert '{"event": "request"}' in result.stdout
    tail = next(c for c in log.read_text().splitlines() if c.startswith("logs tail"))
    assert tail == (
        "logs tail /aws/lambda/todo-service-dev-api --region eu-west-1 --follow --format short "
        "--since 1h"
    )


def test_destroy_deletes_the_stack_and_says_the_table_is_kept(
    fake_aws: tuple[dict[str, str], Path], tmp_path: Path
) -> None:
    env, log = fake_aws
    result, _ = make("destroy", tmp_path / "out", env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "The DynamoDB table todo-service-dev-todos was RETAINED" in result.stdout
    calls = log.read_text().splitlines()
    assert "cloudformation delete-stack --stack-name todo-service-dev --region eu-west-1" in calls
    assert any(c.startswith("cloudformation wait stack-delete-complete") for c in calls)


def _identity_call() -> str:
    return (
        "sts get-caller-identity --query Account --output text "
        "--cli-connect-timeout 5 --cli-read-timeout 10"
    )
