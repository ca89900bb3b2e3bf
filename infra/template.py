"""The CloudFormation that Chalice does not write, merged into its SAM template.

`chalice package --merge-template` deep-merges this over Chalice's output:
objects merge key by key, and anything else (lists included) replaces what
Chalice wrote. So this adds the table, the secret and the log group, and
extends the function and the API that Chalice defines under its own logical
ids. The table comes from infra/table.json, the one definition that
`make run` and the tests also use, so the three cannot drift apart.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from chalicelib.http.problem_types import PROBLEM_TYPES
from chalicelib.http.responses import cors_origin
from infra import alarms, dashboard, domain, releases, waf

INFRA_DIR = Path(__file__).resolve().parent
CHALICE_CONFIG = INFRA_DIR.parent / ".chalice" / "config.json"
STAGE_SETTINGS = INFRA_DIR / "stages.json"
TABLE_DEFINITION = INFRA_DIR / "table.json"

# Logical ids: the first three are Chalice's, the rest are ours.
FUNCTION = "APIHandler"
API = "RestAPI"
ROLE = "ApiHandlerRole"
TABLE = "TodoTable"
SECRET = "JwtSecret"  # noqa: S105 - a logical id, not a value
LOG_GROUP = "ApiHandlerLogGroup"
FUNCTION_NAME = "${AWS::StackName}-api"
API_NAME = {"Fn::Sub": "${AWS::StackName}"}

PROBLEM_JSON = "application/problem+json"


class GatewayProblem(NamedTuple):
    status: str | None  # None keeps the gateway's own status, and leaves it out of the body
    slug: str
    title: str
    detail: str


def gateway_problem(slug: str, detail: str, *, keep_status: bool = False) -> GatewayProblem:
    """A gateway answer as the app's problem of that slug, from the one table of them."""
    status, title = PROBLEM_TYPES[slug]
    return GatewayProblem(None if keep_status else str(status), slug, title, detail)


# Answers API Gateway gives without calling the function, by response type.
# Every detail is fixed text. API Gateway's own messages ($context.error.messageString)
# can quote request headers: with an Authorization header it cannot read as an
# AWS signature, an unknown route's message quotes the header, bearer token and all.
NOT_FOUND = gateway_problem("not-found", "No route matches this method and path.")
GATEWAY_PROBLEMS: dict[str, GatewayProblem] = {
    # What an unknown route gets: with no Authorization header, "Missing
    # Authentication Token"; with one, API Gateway checks it as an AWS
    # signature first (INVALID_SIGNATURE, EXPIRED_TOKEN); RESOURCE_NOT_FOUND
    # where it finds no resource; and DEFAULT_4XX for any type not listed
    # here. No method here has an authorizer, API key or request validator,
    # so no other gateway 4xx can reach DEFAULT_4XX; WAF_FILTERED has its own.
    "MISSING_AUTHENTICATION_TOKEN": NOT_FOUND,
    "INVALID_SIGNATURE": NOT_FOUND,
    "EXPIRED_TOKEN": NOT_FOUND,
    "RESOURCE_NOT_FOUND": NOT_FOUND,
    "DEFAULT_4XX": NOT_FOUND,
    "THROTTLED": gateway_problem("too-many-requests", "Retry after a short wait."),
    # A request the optional rate limit blocked (infra/waf.py). WAF sends its own
    # answer, the same problem, which AWS documents as taking precedence over the
    # gateway's; this one is for the case it does not.
    "WAF_FILTERED": gateway_problem("too-many-requests", waf.BLOCKED_DETAIL),
    "REQUEST_TOO_LARGE": gateway_problem("payload-too-large", "The body is too large."),
    "INTEGRATION_TIMEOUT": gateway_problem("gateway-timeout", "No answer in time."),
    # Every other 5xx, whose status varies: the body leaves "status" out.
    "DEFAULT_5XX": gateway_problem(
        "gateway-error", "The gateway could not answer.", keep_status=True
    ),
}


@dataclass(frozen=True)
class StageSettings:
    name: str
    throttle_rate_limit: float
    throttle_burst_limit: int
    log_retention_days: int
    deployment_preference: str  # CodeDeploy's: AllAtOnce, Canary10Percent5Minutes, ...
    cors_allow_origin: str
    api_stage: str


def deployable_stages() -> list[str]:
    return sorted(json.loads(STAGE_SETTINGS.read_text()))


def stage_settings(stage: str) -> StageSettings:
    """Per-stage infrastructure settings, with the CORS origin the app itself uses."""
    stages = json.loads(STAGE_SETTINGS.read_text())
    if stage not in stages:
        raise ValueError(f"unknown stage {stage!r}: deployable stages are {sorted(stages)}")
    config = json.loads(CHALICE_CONFIG.read_text())
    env = {
        **config.get("environment_variables", {}),
        **config["stages"][stage].get("environment_variables", {}),
    }
    return StageSettings(
        name=stage,
        cors_allow_origin=cors_origin(env),
        api_stage=config["stages"][stage]["api_gateway_stage"],
        **stages[stage],
    )


def merge_template(stage: str) -> dict[str, Any]:
    settings = stage_settings(stage)
    watched = alarms.Names(
        function={"Ref": FUNCTION},
        api=API_NAME,
        api_stage=settings.api_stage,
        table={"Ref": TABLE},
        stage=stage,
    )
    return {
        "Parameters": {**alarms.parameters(), **domain.parameters(), **waf.parameters()},
        "Conditions": {**alarms.conditions(), **domain.conditions(), **waf.conditions()},
        "Rules": domain.rules(),
        "Resources": {
            TABLE: table_resource(),
            SECRET: secret_resource(),
            LOG_GROUP: log_group_resource(settings.log_retention_days),
            FUNCTION: {"Properties": function_properties(settings)},
            API: {"Properties": api_properties(settings)},
            **alarms.resources(watched),
            dashboard.DASHBOARD: dashboard.resource(settings.api_stage, stage),
            **domain.resources(API),
            **waf.resources(API, settings.api_stage, settings.cors_allow_origin),
        },
        "Outputs": {
            "TableName": {"Value": {"Ref": TABLE}},
            "SigningSecretArn": {"Value": {"Ref": SECRET}},
            "LogGroupName": {"Value": {"Ref": LOG_GROUP}},
            "AlarmTopicArn": {"Value": {"Ref": alarms.TOPIC}},
            "DashboardName": {"Value": {"Ref": dashboard.DASHBOARD}},
            **domain.outputs(),
        },
    }


def table_resource() -> dict[str, Any]:
    """The table from infra/table.json, with the protections a stack must not lose.

    The name derives from the stack name: a named table makes CloudFormation
    refuse a change that would replace it, instead of quietly creating an
    empty table beside the retained one.
    """
    return {
        "Type": "AWS::DynamoDB::Table",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "TableName": {"Fn::Sub": "${AWS::StackName}-todos"},
            **json.loads(TABLE_DEFINITION.read_text()),
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "SSESpecification": {"SSEEnabled": True},
            "DeletionProtectionEnabled": True,
        },
    }


def secret_resource() -> dict[str, Any]:
    """A signing secret that Secrets Manager generates at deploy time; no person sees it."""
    return {
        "Type": "AWS::SecretsManager::Secret",
        "Properties": {
            "Description": {"Fn::Sub": "JWT signing secret for ${AWS::StackName}"},
            "GenerateSecretString": {"PasswordLength": 64, "ExcludePunctuation": True},
        },
    }


def log_group_resource(retention_days: int) -> dict[str, Any]:
    """The function's log group, made here so that it has a retention period.

    Its name is built from the function's name rather than taken from the
    function, because the role (which the function needs) grants writes to
    this group: a reference either way round would be circular.
    """
    return {
        "Type": "AWS::Logs::LogGroup",
        "Properties": {
            "LogGroupName": {"Fn::Sub": f"/aws/lambda/{FUNCTION_NAME}"},
            "RetentionInDays": retention_days,
        },
    }


def function_properties(settings: StageSettings) -> dict[str, Any]:
    """A fixed name, and references, never values: the table's name and the secret's ARN.

    Each deploy publishes a version that CodeDeploy shifts traffic to (infra/releases.py).
    """
    return {
        "FunctionName": {"Fn::Sub": FUNCTION_NAME},
        "Environment": {
            "Variables": {"TABLE_NAME": {"Ref": TABLE}, "JWT_SECRET_ARN": {"Ref": SECRET}}
        },
        **releases.function_release_properties(
            settings.deployment_preference, alarms.ROLLBACK_ALARMS
        ),
    }


def api_properties(settings: StageSettings) -> dict[str, Any]:
    """The API, named after the stack: CloudWatch keys API Gateway's metrics by the
    API's name, so two stages in one account need two names. The OpenAPI body's
    title is the name API Gateway takes when it imports the body, so it says the same."""
    return {
        "Name": API_NAME,
        "DefinitionBody": {"info": {"title": API_NAME}},
        "TracingEnabled": True,
        "MethodSettings": [
            {
                "ResourcePath": "/*",
                "HttpMethod": "*",
                "ThrottlingRateLimit": settings.throttle_rate_limit,
                "ThrottlingBurstLimit": settings.throttle_burst_limit,
            }
        ],
        "GatewayResponses": {
            response_type: gateway_response(settings.cors_allow_origin, *problem)
            for response_type, problem in GATEWAY_PROBLEMS.items()
        },
    }


def gateway_response(
    origin: str, status: str | None, slug: str, title: str, detail: str
) -> dict[str, Any]:
    """A gateway answer in the app's problem+json shape, readable by browsers (CORS).

    Gateway response templates substitute $context variables but run no other
    template logic, and header values can only be static, so the request id
    travels in the body rather than in X-Request-Id as the app sends it. It is
    the only variable used: every other part is fixed, so nothing the request
    carried can come back.
    """
    status_member = f', "status": {status}' if status is not None else ""
    body = (
        f'{{"type": "/problems/{slug}", "title": "{title}"{status_member}, "detail": "{detail}"'
        ', "request_id": "$context.requestId"}'
    )
    headers = {"Access-Control-Allow-Origin": f"'{origin}'", "Content-Type": f"'{PROBLEM_JSON}'"}
    if status == "429":
        headers["Retry-After"] = "'1'"
    response: dict[str, Any] = {
        "ResponseParameters": {"Headers": headers},
        "ResponseTemplates": {"application/json": body},
    }
    if status is not None:
        response["StatusCode"] = status
    return response


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Print the merge template for a stage.")
    parser.add_argument("stage", choices=deployable_stages())
    print(json.dumps(merge_template(parser.parse_args().stage), indent=2))


if __name__ == "__main__":
    main()
