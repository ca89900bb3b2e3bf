"""`make deploy` and `make destroy`, up to the calls to AWS, which a fake aws CLI answers.

Without the aws CLI, or without credentials, they stop before packaging,
saying what is missing. With both, they package, run `aws cloudformation
package` and `deploy` with the capabilities the stack needs, and print the
API URL; destroy deletes the stack and says the table was kept.
"""

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.deploy.support import PROJECT_DIR, clean_make_env

API_URL = "https://abc123.execute-api.eu-west-1.amazonaws.com/api/"
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
        case "$*" in
            *EndpointURL*) echo "__API_URL__" ;;
            *TableName*) echo todo-service-dev-todos ;;
        esac ;;
    *) echo "fake aws: unexpected call: $*" >&2; exit 2 ;;
esac
""".replace("__API_URL__", API_URL)


def without_aws_settings() -> dict[str, str]:
    return {k: v for k, v in clean_make_env().items() if not k.startswith("AWS_")}


def path_without_aws() -> str:
    directories = [d for d in os.environ["PATH"].split(os.pathsep) if d]
    kept = os.pathsep.join(d for d in directories if not (Path(d) / "aws").exists())
    assert shutil.which("aws", path=kept) is None
    assert shutil.which("make", path=kept), "make must be on PATH outside the aws CLI's folder"
    return kept


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


def make(target: str, out: Path, env: dict[str, str]) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    result = subprocess.run(
        ["make", "--no-print-directory", target, "STAGE=dev", f"OUT={out}"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result, time.monotonic() - started


@pytest.mark.parametrize("target", ["deploy", "destroy"])
def test_without_the_aws_cli_it_stops_at_once_and_says_so(target: str, tmp_path: Path) -> None:
    env = {**without_aws_settings(), "PATH": path_without_aws()}
    result, seconds = make(target, tmp_path / "out", env)
    assert result.returncode != 0
    assert "the aws CLI is not installed" in result.stderr
    assert seconds < 10
    assert not (tmp_path / "out").exists()


def test_without_credentials_it_stops_before_packaging(
    fake_aws: tuple[dict[str, str], Path], tmp_path: Path
) -> None:
    env, log = fake_aws
    result, seconds = make("deploy", tmp_path / "out", {**env, "FAKE_AWS_NO_CREDENTIALS": "1"})
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
