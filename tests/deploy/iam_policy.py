"""Checking IAM: the template's policy statements, the calls the suite recorded,
and whether each call is allowed, evaluated the way IAM matches actions and ARNs."""

import base64
import fnmatch
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chalicelib.dependencies import USER_AGENT_EXTRA
from tests.deploy.support import Packaged, resolve


def role_statements(packaged: Packaged) -> list[dict[str, Any]]:
    """Every statement of every IAM policy in the template (the function's role has them all)."""
    statements: list[dict[str, Any]] = []
    for resource in packaged.resources.values():
        if resource["Type"] == "AWS::IAM::Role":
            for policy in resource["Properties"].get("Policies", []):
                statements.extend(_as_list(policy["PolicyDocument"]["Statement"]))
        elif resource["Type"] in {"AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"}:
            statements.extend(_as_list(resource["Properties"]["PolicyDocument"]["Statement"]))
    return statements


def actions_of(statement: dict[str, Any]) -> list[str]:
    return _as_list(statement.get("Action", []))


def resources_of(statement: dict[str, Any]) -> list[Any]:
    return _as_list(statement.get("Resource", []))


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


# --- which IAM permissions an API call needs, and whether the policy grants them ----

TRANSACT_ITEM_ACTIONS = {
    "Put": "dynamodb:PutItem",
    "Update": "dynamodb:UpdateItem",
    "Delete": "dynamodb:DeleteItem",
    "ConditionCheck": "dynamodb:ConditionCheckItem",
    "Get": "dynamodb:GetItem",
}


@dataclass(frozen=True)
class Call:
    """One AWS API call as it went over the wire: service prefix, operation and parameters."""

    service: str  # "dynamodb" or "secretsmanager"
    operation: str
    params: dict[str, Any]


def needed_permissions(call: Call, table_arn: str, secret_arn: str) -> Iterator[tuple[str, str]]:
    """(IAM action, resource ARN) pairs that `call` needs, against the deployed table and secret.

    Tests use several table names and secrets; the deployed app has one of each,
    so every call is mapped onto the deployed ones. Transactions need the action
    of each item kind (AWS: "Using IAM with DynamoDB transactions").
    """
    if call.service == "secretsmanager":
        yield f"secretsmanager:{call.operation}", secret_arn
    elif call.operation in {"TransactWriteItems", "TransactGetItems"}:
        for item in call.params["TransactItems"]:
            (kind,) = item
            yield TRANSACT_ITEM_ACTIONS[kind], table_arn
    elif call.operation in {"BatchGetItem", "BatchWriteItem"}:
        yield f"dynamodb:{call.operation}", table_arn
    else:
        index = call.params.get("IndexName")
        yield f"dynamodb:{call.operation}", f"{table_arn}/index/{index}" if index else table_arn


def is_allowed(statements: list[dict[str, Any]], action: str, resource: str, values: dict) -> bool:
    """An Allow statement matches the action and the resource (IAM's * and ? wildcards)."""
    for statement in statements:
        if statement.get("Effect") != "Allow":
            continue
        action_ok = any(
            fnmatch.fnmatchcase(action.lower(), a.lower()) for a in actions_of(statement)
        )
        resource_ok = any(
            fnmatch.fnmatchcase(resource, resolve(r, values)) for r in resources_of(statement)
        )
        if action_ok and resource_ok:
            return True
    return False


# --- the recording of AWS calls (tests/deploy/conftest.py turns moto's recorder on) ---

# X-Amz-Target prefixes of the JSON APIs the app calls.
SERVICES = {"DynamoDB_20120810": "dynamodb", "secretsmanager": "secretsmanager"}


def recorded_calls() -> list[Call]:
    """The DynamoDB and Secrets Manager calls the service made so far in this session.

    The service's clients add runtime.USER_AGENT_EXTRA to their User-Agent;
    calls that tests make with clients of their own are left out.
    """
    calls = []
    for line in Path(os.environ["MOTO_RECORDER_FILEPATH"]).read_text().splitlines():
        entry = json.loads(line)
        headers = {name.lower(): value for name, value in entry["headers"].items()}
        prefix, _, operation = headers.get("x-amz-target", "").partition(".")
        if prefix not in SERVICES or USER_AGENT_EXTRA not in headers.get("user-agent", ""):
            continue
        body = base64.b64decode(entry["body"]) if entry["body_encoded"] else entry["body"]
        calls.append(Call(SERVICES[prefix], operation, json.loads(body or "{}")))
    return calls
