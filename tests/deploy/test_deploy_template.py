"""The merged SAM template of each stage: lint-clean, protected, least-privilege."""

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from chalicelib.platform import retries
from infra.dev_stack import table_definition, time_to_live
from infra.template import API, FUNCTION, LOG_GROUP, ROLE, SECRET, TABLE, stage_settings
from tests.deploy.iam_policy import actions_of, resources_of, role_statements
from tests.deploy.support import PROJECT_DIR, Packaged, function_environment
from tests.support.values import BOOK_CLIENT_REQUEST_HEADERS, TEST_SECRET

API_GATEWAY_TIMEOUT_SECONDS = 29
TABLE_JSON = json.loads((PROJECT_DIR / "infra" / "table.json").read_text())
CHALICE_CONFIG = json.loads((PROJECT_DIR / ".chalice" / "config.json").read_text())

GRANTED_ACTIONS = {
    "dynamodb:BatchGetItem",  # a move's two todos; the items a sync sends
    "dynamodb:BatchWriteItem",  # account deletion, 25 items a call
    "dynamodb:ConditionCheckItem",
    "dynamodb:DeleteItem",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
    "secretsmanager:GetSecretValue",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "xray:PutTelemetryRecords",
    "xray:PutTraceSegments",
}


def test_cfn_lint_finds_nothing_in_the_merged_template(packaged: Packaged) -> None:
    cfn_lint = str(Path(sys.executable).with_name("cfn-lint"))
    result = subprocess.run([cfn_lint, str(packaged.template_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_table_has_the_key_schema_that_make_run_and_the_tests_use(packaged: Packaged) -> None:
    table = packaged.properties(TABLE)
    local = {**table_definition("any"), "TimeToLiveSpecification": time_to_live()}
    del local["TableName"]
    assert {key: table[key] for key in TABLE_JSON} == TABLE_JSON == local
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}


def test_the_table_cannot_be_lost_by_accident(packaged: Packaged) -> None:
    resource = packaged.resources[TABLE]
    table = resource["Properties"]
    assert (resource["DeletionPolicy"], resource["UpdateReplacePolicy"]) == ("Retain", "Retain")
    assert table["DeletionProtectionEnabled"] is True
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["SSESpecification"] == {"SSEEnabled": True}
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    # Named, so that a change needing replacement is refused instead of done.
    assert table["TableName"] == {"Fn::Sub": "${AWS::StackName}-todos"}


def test_no_iam_statement_has_a_wildcard_action(packaged: Packaged) -> None:
    statements = role_statements(packaged)
    assert statements
    assert [a for s in statements for a in actions_of(s) if "*" in a or "?" in a] == []
    assert all(s["Effect"] == "Allow" and "NotAction" not in s for s in statements)


def test_only_x_ray_is_granted_on_any_resource(packaged: Packaged) -> None:
    # X-Ray has no resource-level permissions; everything else names its resource.
    for statement in role_statements(packaged):
        wildcards = [r for r in resources_of(statement) if isinstance(r, str) and "*" in r]
        if wildcards:
            assert all(a.startswith("xray:") for a in actions_of(statement)), statement
        assert "NotResource" not in statement


def test_the_role_grants_exactly_the_actions_the_code_needs(packaged: Packaged) -> None:
    granted = {a for s in role_statements(packaged) for a in actions_of(s)}
    assert granted == GRANTED_ACTIONS
    role = packaged.properties(ROLE)
    assert "ManagedPolicyArns" not in role
    assert packaged.properties(FUNCTION)["Role"] == {"Fn::GetAtt": [ROLE, "Arn"]}


def test_dynamodb_is_granted_on_the_table_and_its_indexes_only(packaged: Packaged) -> None:
    indexes = [i["IndexName"] for i in TABLE_JSON.get("LocalSecondaryIndexes", [])]
    indexes += [i["IndexName"] for i in TABLE_JSON.get("GlobalSecondaryIndexes", [])]
    expected = [{"Fn::GetAtt": [TABLE, "Arn"]}]
    expected += [{"Fn::Sub": f"${{{TABLE}.Arn}}/index/{name}"} for name in indexes]
    granted = [
        resource
        for statement in role_statements(packaged)
        if any(a.startswith("dynamodb:") for a in actions_of(statement))
        for resource in resources_of(statement)
    ]
    assert sorted(map(json.dumps, granted)) == sorted(map(json.dumps, expected))


def test_the_secret_is_readable_and_only_that_one_secret(packaged: Packaged) -> None:
    secret_statements = [
        s for s in role_statements(packaged) if any("secretsmanager" in a for a in actions_of(s))
    ]
    assert [resources_of(s) for s in secret_statements] == [[{"Ref": SECRET}]]


def test_the_function_gets_the_table_and_the_secret_by_reference(packaged: Packaged) -> None:
    environment = function_environment(packaged)
    assert environment["TABLE_NAME"] == {"Ref": TABLE}
    assert environment["JWT_SECRET_ARN"] == {"Ref": SECRET}
    assert "JWT_SECRET" not in environment
    assert packaged.resources[SECRET]["Type"] == "AWS::SecretsManager::Secret"
    generated = packaged.properties(SECRET)["GenerateSecretString"]
    assert generated["PasswordLength"] >= 2 * 32


def test_no_secret_value_appears_in_the_template_or_the_zip(packaged: Packaged) -> None:
    known = [TEST_SECRET]
    template_text = packaged.template_path.read_text()
    assert "SecretString" not in _keys(packaged.template)
    with zipfile.ZipFile(packaged.zip_path) as archive:
        contents = [archive.read(name) for name in archive.namelist()]
    for value in known:
        assert value not in template_text
        assert not any(value.encode() in content for content in contents)


def test_the_zip_holds_the_app_and_its_runtime_dependencies_only(packaged: Packaged) -> None:
    with zipfile.ZipFile(packaged.zip_path) as archive:
        names = archive.namelist()
    top_level = {name.split("/")[0] for name in names}
    needed = {"app.pyc", "chalicelib", "chalice", "jwt"}
    assert needed <= top_level
    unwanted = {"boto3", "botocore", "tests", "infra", ".chalice", ".local", "out", "moto"}
    # Passwords are hashed with the standard library's scrypt; argon2 is a dev dependency
    # only, for the tests of logging in with a hash from before it.
    unwanted |= {"argon2", "_argon2_cffi_bindings", "cffi", "pycparser"}
    assert top_level.isdisjoint(unwanted)
    # Bytecode is compiled afresh for the zip, never copied from the working tree.
    assert not [name for name in names if "__pycache__" in name]
    assert packaged.zip_path.stat().st_size < 2 * 1024 * 1024


def test_lambda_settings_fit_inside_api_gateways_timeout(packaged: Packaged) -> None:
    function = packaged.properties(FUNCTION)
    stage = CHALICE_CONFIG["stages"][packaged.stage]
    # A request gives up on DynamoDB by its retry budget's deadline, which
    # leaves room to answer 503 before the function or the gateway times out.
    worst_request = retries.MAX_REQUEST_SECONDS + retries.ANSWER_MARGIN_SECONDS
    assert worst_request < function["Timeout"] < API_GATEWAY_TIMEOUT_SECONDS
    assert function["Tracing"] == "Active"
    assert function["MemorySize"] == stage["lambda_memory_size"]
    assert function["Runtime"] == f"python{sys.version_info.major}.{sys.version_info.minor}"
    assert function["Architectures"] == [stage["lambda_architecture"]]
    assert "log_retention_in_days" not in stage  # aws/chalice#2079: use the log group instead
    if packaged.stage == "prod":
        assert function["ReservedConcurrentExecutions"] == stage["reserved_concurrency"]


def test_the_log_group_has_the_functions_name_and_the_stages_retention(packaged: Packaged) -> None:
    log_group = packaged.properties(LOG_GROUP)
    function_name = packaged.properties(FUNCTION)["FunctionName"]["Fn::Sub"]
    assert log_group["LogGroupName"] == {"Fn::Sub": f"/aws/lambda/{function_name}"}
    assert log_group["RetentionInDays"] == stage_settings(packaged.stage).log_retention_days


def test_each_stage_has_its_own_throttling(packages: dict[str, Packaged]) -> None:
    limits = {}
    for stage, packaged in packages.items():
        api = packaged.properties(API)
        (method_settings,) = api["MethodSettings"]
        settings = stage_settings(stage)
        assert method_settings["ResourcePath"] == "/*"
        assert method_settings["HttpMethod"] == "*"
        assert method_settings["ThrottlingRateLimit"] == settings.throttle_rate_limit
        assert method_settings["ThrottlingBurstLimit"] == settings.throttle_burst_limit
        assert api["TracingEnabled"] is True
        limits[stage] = method_settings["ThrottlingRateLimit"]
    assert limits["dev"] < limits["prod"]


@pytest.mark.parametrize(
    ("response_type", "status"),
    [("MISSING_AUTHENTICATION_TOKEN", 404), ("THROTTLED", 429), ("DEFAULT_5XX", None)],
)
def test_gateway_answers_are_problem_json_with_cors(
    packaged: Packaged, response_type: str, status: int | None
) -> None:
    responses = packaged.properties(API)["GatewayResponses"]
    response = responses[response_type]
    body = _render(response["ResponseTemplates"]["application/json"])
    origin = stage_settings(packaged.stage).cors_allow_origin
    headers = response["ResponseParameters"]["Headers"]
    assert headers["Access-Control-Allow-Origin"] == f"'{origin}'"
    assert headers["Content-Type"] == "'application/problem+json'"
    assert body["type"].startswith("/problems/")
    assert body["title"]
    assert body["detail"]
    assert body["request_id"] == "request-1"
    assert body.get("status") == status
    assert response.get("StatusCode") == (str(status) if status else None)


def test_v1_preflights_allow_every_header_the_books_clients_send(packaged: Packaged) -> None:
    # API Gateway answers OPTIONS itself, from the mock integration Chalice writes.
    paths = packaged.properties(API)["DefinitionBody"]["paths"]
    v1_paths = [path for path in paths if path.startswith("/v1/")]
    assert len(v1_paths) == 8
    for path in v1_paths:
        integration = paths[path]["options"]["x-amazon-apigateway-integration"]
        answer = integration["responses"]["default"]["responseParameters"]
        allowed = answer["method.response.header.Access-Control-Allow-Headers"].strip("'")
        assert {h.lower() for h in allowed.split(",")} >= BOOK_CLIENT_REQUEST_HEADERS, path


# What API Gateway can answer a request for a route that does not exist: with no
# Authorization header, MISSING_AUTHENTICATION_TOKEN; with one, it is checked as
# an AWS signature first (INVALID_SIGNATURE, EXPIRED_TOKEN, or a message that
# quotes the header); RESOURCE_NOT_FOUND; and any type the API does not
# customise falls back to DEFAULT_4XX, ACCESS_DENIED and UNAUTHORIZED included.
UNKNOWN_ROUTE_RESPONSES = (
    "MISSING_AUTHENTICATION_TOKEN",
    "INVALID_SIGNATURE",
    "EXPIRED_TOKEN",
    "RESOURCE_NOT_FOUND",
    "ACCESS_DENIED",
    "UNAUTHORIZED",
    "DEFAULT_4XX",
)
BEARER = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl"
# API Gateway's own words for an unknown route with that header, which quote it.
QUOTING_MESSAGE = (
    "Authorization header requires 'Credential' parameter. Authorization header requires "
    f"'Signature' parameter. Authorization={BEARER}"
)


@pytest.mark.parametrize("response_type", UNKNOWN_ROUTE_RESPONSES)
def test_every_answer_an_unknown_route_can_get_is_the_fixed_404(
    packaged: Packaged, response_type: str
) -> None:
    responses = packaged.properties(API)["GatewayResponses"]
    response = responses.get(response_type, responses["DEFAULT_4XX"])
    body = _render(response["ResponseTemplates"]["application/json"], QUOTING_MESSAGE)
    assert response["StatusCode"] == "404"
    assert body == {
        "type": "/problems/not-found",
        "title": "Not found",
        "status": 404,
        "detail": "No route matches this method and path.",
        "request_id": "request-1",
    }


def test_no_gateway_answer_can_echo_anything_the_request_carried(packaged: Packaged) -> None:
    for response_type, response in packaged.properties(API)["GatewayResponses"].items():
        for template in response["ResponseTemplates"].values():
            # $context.requestId is API Gateway's own; every other variable could carry input.
            assert set(re.findall(r"\$[\w.]+", template)) <= {"$context.requestId"}, response_type
            assert BEARER.split()[1] not in json.dumps(_render(template, QUOTING_MESSAGE))


def test_gateway_responses_use_only_what_sam_accepts(packaged: Packaged) -> None:
    for response in packaged.properties(API)["GatewayResponses"].values():
        assert set(response) <= {"ResponseParameters", "ResponseTemplates", "StatusCode"}
        parameters = response["ResponseParameters"]
        assert set(parameters) <= {"Headers", "Paths", "QueryStrings"}
        # Static values only: API Gateway wants them single-quoted.
        assert all(v.startswith("'") and v.endswith("'") for v in parameters["Headers"].values())


def test_the_template_names_no_region(packaged: Packaged) -> None:
    from infra.package import PACKAGING_REGION

    assert PACKAGING_REGION not in packaged.template_path.read_text()


def _render(template: str, message: str = "Internal server error") -> dict[str, Any]:
    """A gateway response template with API Gateway's $context variables filled in."""
    filled = template.replace("$context.requestId", "request-1")
    filled = filled.replace("$context.error.messageString", json.dumps(message))
    assert "$" not in filled
    return json.loads(filled)


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()
