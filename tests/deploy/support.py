"""Deployment test helpers: packaging, template lookups, a stack in moto, the walk-through."""

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from infra.template import FUNCTION, LOG_GROUP, SECRET, TABLE
from tests.support.api import V1, board, credentials
from tests.support.client import Send

PROJECT_DIR = Path(__file__).resolve().parents[2]
STAGES = ("dev", "prod")
# Stand-ins for what CloudFormation resolves at deploy time.
ACCOUNT = "123456789012"
REGION = "eu-west-1"
STACK_NAME = "todo-service-{stage}"
TABLE_NAME = "todo-service-{stage}-todos"
TABLE_ARN = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{{table}}"
SECRET_ARN = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:JwtSecret-AbCdEf"


@dataclass(frozen=True)
class Packaged:
    stage: str
    template: dict[str, Any]
    template_path: Path
    zip_path: Path

    @property
    def resources(self) -> dict[str, Any]:
        return self.template["Resources"]

    def properties(self, logical_id: str) -> dict[str, Any]:
        return self.resources[logical_id]["Properties"]


def clean_make_env(**extra: str) -> dict[str, str]:
    """The environment for a nested `make`, free of the outer make's flags."""
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    return {**env, **extra}


def without_aws_settings() -> dict[str, str]:
    """clean_make_env() without AWS_ variables: no profile, region or endpoint of the caller."""
    return {k: v for k, v in clean_make_env().items() if not k.startswith("AWS_")}


def path_without_aws() -> str:
    """PATH without any folder that holds an aws CLI."""
    directories = [d for d in os.environ["PATH"].split(os.pathsep) if d]
    kept = os.pathsep.join(d for d in directories if not (Path(d) / "aws").exists())
    assert shutil.which("aws", path=kept) is None
    assert shutil.which("make", path=kept), "make must be on PATH outside the aws CLI's folder"
    return kept


def make_package(stage: str, out_root: Path) -> Packaged:
    """Run `make package STAGE=<stage>` into out_root/<stage>, as an operator would."""
    command = ["make", "--no-print-directory", "package", f"STAGE={stage}", f"OUT={out_root}"]
    subprocess.run(command, cwd=PROJECT_DIR, env=clean_make_env(), check=True)
    out_dir = out_root / stage
    template_path = out_dir / "sam.json"
    return Packaged(
        stage=stage,
        template=json.loads(template_path.read_text()),
        template_path=template_path,
        zip_path=out_dir / "deployment.zip",
    )


def function_environment(packaged: Packaged) -> dict[str, Any]:
    return packaged.properties(FUNCTION)["Environment"]["Variables"]


# --- resolving the template's references the way CloudFormation would -------------


def stand_in_values(stage: str) -> dict[str, str]:
    """Values for Ref and GetAtt on the resources the policy names."""
    table = TABLE_NAME.format(stage=stage)
    return {
        TABLE: table,
        f"{TABLE}.Arn": TABLE_ARN.format(table=table),
        SECRET: SECRET_ARN,
        LOG_GROUP: f"/aws/lambda/{STACK_NAME.format(stage=stage)}-api",
        "AWS::Partition": "aws",
        "AWS::Region": REGION,
        "AWS::AccountId": ACCOUNT,
        "AWS::StackName": STACK_NAME.format(stage=stage),
    }


def resolve(value: Any, values: dict[str, str]) -> Any:
    """Ref, Fn::GetAtt ... Arn and Fn::Sub, enough for this template's policy and environment."""
    if isinstance(value, str):
        return value
    if "Ref" in value:
        return values[value["Ref"]]
    if "Fn::GetAtt" in value:
        return values[".".join(value["Fn::GetAtt"])]
    if "Fn::Sub" in value:
        return re.sub(r"\$\{([^}]+)\}", lambda m: values[m.group(1)], value["Fn::Sub"])
    raise ValueError(f"cannot resolve {value!r}")


# --- a stack "deployed" into moto -----------------------------------------------------


@dataclass(frozen=True)
class Deployment:
    stack_name: str
    table_name: str
    secret_arn: str
    environment: dict[str, str]


def deploy_to_moto(packaged: Packaged) -> Deployment:
    """The template's non-Lambda resources, from the template's own definitions.

    The table goes through moto's CloudFormation. moto's CloudFormation has no
    AWS::SecretsManager::Secret, so the secret is made by Secrets Manager's
    GetRandomPassword with the template's GenerateSecretString parameters, which
    are the same parameters; the value is never read back here. The stack's
    outputs name both, as the real stack's do.
    """
    stack_name = STACK_NAME.format(stage=packaged.stage)
    secrets = boto3.client("secretsmanager")
    generate = packaged.properties(SECRET)["GenerateSecretString"]
    value = secrets.get_random_password(**generate)["RandomPassword"]
    secret_arn = secrets.create_secret(Name=f"{stack_name}-{SECRET}", SecretString=value)["ARN"]

    outputs = packaged.template["Outputs"]
    assert outputs["SigningSecretArn"] == {"Value": {"Ref": SECRET}}
    data_stack = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {TABLE: packaged.resources[TABLE]},
        "Outputs": {"TableName": outputs["TableName"], "SigningSecretArn": {"Value": secret_arn}},
    }
    cloudformation = boto3.client("cloudformation")
    cloudformation.create_stack(StackName=stack_name, TemplateBody=json.dumps(data_stack))
    (stack,) = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    table_name = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}["TableName"]

    values = {TABLE: table_name, SECRET: secret_arn}
    environment = {k: resolve(v, values) for k, v in function_environment(packaged).items()}
    return Deployment(stack_name, table_name, secret_arn, environment)


# --- the book's walk-through ---------------------------------------------------------

NAME = "maxwell"
LOGIN = credentials(NAME)


def sign_up_and_log_in(send: Send, name: str = NAME) -> str:
    """The book's user, through v1; returns their token."""
    v1 = V1(send)
    return v1.log_in(v1.sign_up(name))


def book_steps() -> list[tuple[str, str, dict | None, dict[str, Any]]]:
    """(method, path, body, the state expected afterwards), in the book's order."""
    both_pending = board(pending=("washing", "cooking"))
    both_done = board(done=("washing", "cooking"))
    edit_washing = {"title": "washing", "status": "pending"}
    edit_cooking = {"title": "cooking", "status": "pending"}
    return [
        ("POST", "/v1/item/create/washing", None, board(pending=("washing",))),
        ("POST", "/v1/item/create/cooking", None, both_pending),
        ("POST", "/v1/item/create/cooking", None, both_pending),
        ("GET", "/v1/item/get", None, both_pending),
        ("POST", "/v1/item/edit", edit_washing, board(pending=("cooking",), done=("washing",))),
        ("POST", "/v1/item/edit", edit_cooking, both_done),
        ("POST", "/v1/item/edit", edit_cooking, both_done),
        (
            "POST",
            "/v1/item/delete",
            {"title": "cooking", "status": "DONE"},
            board(done=("washing",)),
        ),
        ("POST", "/v1/item/delete", {"title": "washing", "status": "DONE"}, board()),
    ]
