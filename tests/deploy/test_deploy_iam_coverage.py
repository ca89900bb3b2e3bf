"""The role's policy allows every AWS call the service made during the whole test suite.

moto records each request it serves (tests/deploy/conftest.py switches its
recorder on), in process and on the embedded server that the HTTP-level suite
and the zip test call. This test runs after all others and checks each call the
service's own clients made, transaction items included, against the policy
statements in each stage's template.
"""

import pytest

from infra.alarms import TABLE_OPERATIONS
from infra.template import SECRET, TABLE
from tests.deploy.iam_policy import (
    Call,
    is_allowed,
    needed_permissions,
    recorded_calls,
    role_statements,
)
from tests.deploy.support import Packaged, book_steps, sign_up_and_log_in, stand_in_values
from tests.support.api import auth
from tests.support.client import Send

# tests/routes/conftest.py makes and drops a table per test through the service's
# own client; the service never does.
TEST_SETUP_OPERATIONS = {"CreateTable", "DeleteTable"}
# What the book's walk-through alone makes the service call. Its edits and deletes
# go inside TransactWriteItems (with the account item), which needs
# dynamodb:UpdateItem, DeleteItem and ConditionCheckItem.
WALK_THROUGH_OPERATIONS = {
    "GetSecretValue",
    "GetItem",
    "Query",
    "TransactWriteItems",
}


def denied_calls(packaged: Packaged, calls: list[Call]) -> set[tuple[str, str]]:
    statements = role_statements(packaged)
    values = stand_in_values(packaged.stage)
    table_arn, secret_arn = values[f"{TABLE}.Arn"], values[SECRET]
    return {
        (action, resource)
        for call in calls
        for action, resource in needed_permissions(call, table_arn, secret_arn)
        if not is_allowed(statements, action, resource, values)
    }


@pytest.mark.after_all_others
def test_the_policy_allows_every_call_the_service_made_in_this_session(
    packages: dict[str, Packaged], deployed: Send
) -> None:
    # GIVEN at least the walk-through's calls, on top of whatever ran before this test
    token = sign_up_and_log_in(deployed)
    for method, path, body, _ in book_steps():
        deployed(method, path, body, auth(token))
    calls = [c for c in recorded_calls() if c.operation not in TEST_SETUP_OPERATIONS]
    assert {c.operation for c in calls} >= WALK_THROUGH_OPERATIONS
    # THEN every permission they needed is granted in every stage
    for packaged in packages.values():
        assert denied_calls(packaged, calls) == set(), packaged.stage


@pytest.mark.after_all_others
def test_the_table_alarms_watch_every_dynamodb_operation_the_service_made() -> None:
    # DynamoDB publishes throttles and system errors per operation, so an operation
    # missing from the alarms' list would be throttled unseen.
    made = {
        c.operation
        for c in recorded_calls()
        if c.service == "dynamodb" and c.operation not in TEST_SETUP_OPERATIONS
    }
    assert made >= {"GetItem", "Query", "TransactWriteItems"}
    assert made <= set(TABLE_OPERATIONS)


def test_the_check_refuses_what_the_policy_does_not_grant(packages: dict[str, Packaged]) -> None:
    packaged = packages["prod"]
    values = stand_in_values("prod")
    table = {"TableName": values[TABLE]}
    refused = [
        Call("dynamodb", "Scan", table),
        Call("dynamodb", "Query", {**table, "IndexName": "by_owner"}),
        Call("dynamodb", "DeleteTable", table),
        Call("dynamodb", "DescribeTable", table),
    ]
    for call in refused:
        assert denied_calls(packaged, [call]), call
    allowed = [
        Call("dynamodb", "Query", {**table, "IndexName": "by_status"}),
        Call("dynamodb", "TransactWriteItems", {"TransactItems": [{"Put": {}}, {"Delete": {}}]}),
        Call("secretsmanager", "GetSecretValue", {"SecretId": values[SECRET]}),
    ]
    assert denied_calls(packaged, allowed) == set()
    other_table = values[f"{TABLE}.Arn"].replace(values[TABLE], "someone-elses-table")
    statements = role_statements(packaged)
    assert not is_allowed(statements, "dynamodb:GetItem", other_table, values)
    assert not is_allowed(statements, "dynamodb:GetItem", values[SECRET], values)
