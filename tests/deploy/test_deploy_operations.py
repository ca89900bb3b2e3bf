"""Operating the stack: alarms and their topic, the dashboard, releases through an
alias with CodeDeploy, and the optional custom domain, in each stage's template,
for every combination of the optional parameters."""

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from chalicelib.platform import metrics
from infra import alarms, dashboard, domain, releases
from infra.template import API, FUNCTION, TABLE, stage_settings
from tests.deploy.stack_parameters import (
    COMBINATIONS,
    DOMAIN,
    EMAIL,
    ZONE,
    condition_values,
    failed_rules,
    resolve_for,
)
from tests.deploy.support import Packaged

CFN_LINT = str(Path(sys.executable).with_name("cfn-lint"))
STACK_NAME = {"Fn::Sub": "${AWS::StackName}"}
ALARM_IDS = {
    alarms.FUNCTION_ERRORS,
    alarms.FUNCTION_THROTTLES,
    alarms.API_5XX_RATE,
    alarms.API_LATENCY_P99,
    alarms.TABLE_THROTTLES,
    alarms.TABLE_SYSTEM_ERRORS,
    alarms.LOGIN_LOCKOUTS,
}
DOMAIN_RESOURCES = {domain.API_DOMAIN, domain.BASE_PATH_MAPPING, domain.DNS_RECORD}


def test_cfn_lint_is_clean_for_every_stage_and_combination_of_parameters(
    packages: dict[str, Packaged], tmp_path: Path
) -> None:
    files = []
    for stage, packaged in packages.items():
        for name, values in COMBINATIONS.items():
            path = tmp_path / f"{stage}, {name}.json"
            path.write_text(json.dumps(resolve_for(packaged.template, values)))
            files.append(str(path))
    assert len(files) == 2 * 2 * 3 * 2
    result = subprocess.run([CFN_LINT, *files], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _alarm(packaged: Packaged, logical_id: str) -> dict[str, Any]:
    resource = packaged.resources[logical_id]
    assert resource["Type"] == "AWS::CloudWatch::Alarm"
    return resource["Properties"]


def test_the_stack_has_exactly_the_seven_alarms_each_notifying_the_topic(
    packaged: Packaged,
) -> None:
    resources = resolve_for(packaged.template, {})["Resources"]
    found = {k for k, r in resources.items() if r["Type"] == "AWS::CloudWatch::Alarm"}
    # With the default parameters: a rate limit adds one (tests/deploy/test_deploy_waf.py).
    assert found == ALARM_IDS
    assert packaged.resources[alarms.TOPIC]["Type"] == "AWS::SNS::Topic"
    for logical_id in ALARM_IDS:
        alarm = _alarm(packaged, logical_id)
        # Every metric here is published only when something happens: no data is good news.
        assert alarm["TreatMissingData"] == "notBreaching", logical_id
        assert alarm["AlarmActions"] == alarm["OKActions"] == [{"Ref": alarms.TOPIC}]
        assert alarm["AlarmDescription"]
        assert 1 <= alarm["DatapointsToAlarm"] <= alarm["EvaluationPeriods"]


@dataclass(frozen=True)
class Watch:
    namespace: str
    metric: str
    statistic: str
    dimensions: tuple[str, ...]
    threshold: float
    period: int
    periods: int
    datapoints: int


SINGLE_METRIC_ALARMS = {
    alarms.FUNCTION_ERRORS: Watch("AWS/Lambda", "Errors", "Sum", ("FunctionName",), 1, 60, 1, 1),
    alarms.FUNCTION_THROTTLES: Watch(
        "AWS/Lambda", "Throttles", "Sum", ("FunctionName",), 1, 300, 1, 1
    ),
    alarms.API_LATENCY_P99: Watch(
        "AWS/ApiGateway", "Latency", "p99", ("ApiName", "Stage"), 2500, 60, 3, 3
    ),
    alarms.LOGIN_LOCKOUTS: Watch(
        metrics.NAMESPACE, metrics.LOCKOUTS, "Sum", (metrics.STAGE_DIMENSION,), 20, 300, 1, 1
    ),
}


@pytest.mark.parametrize("alarm_id", SINGLE_METRIC_ALARMS)
def test_each_single_metric_alarm_watches_its_metric_at_its_threshold(
    packaged: Packaged, alarm_id: str
) -> None:
    watch = SINGLE_METRIC_ALARMS[alarm_id]
    alarm = _alarm(packaged, alarm_id)
    assert (alarm["Namespace"], alarm["MetricName"]) == (watch.namespace, watch.metric)
    assert alarm.get("Statistic", alarm.get("ExtendedStatistic")) == watch.statistic
    assert (alarm["Threshold"], alarm["Period"]) == (watch.threshold, watch.period)
    assert (alarm["EvaluationPeriods"], alarm["DatapointsToAlarm"]) == (
        watch.periods,
        watch.datapoints,
    )
    dimensions = {dimension["Name"]: dimension["Value"] for dimension in alarm["Dimensions"]}
    assert tuple(dimensions) == watch.dimensions
    expected = {
        "FunctionName": {"Ref": FUNCTION},
        "ApiName": STACK_NAME,
        # API Gateway's Stage is the API's stage; the service's own metrics carry the stack's.
        "Stage": packaged.stage
        if watch.namespace == metrics.NAMESPACE
        else stage_settings(packaged.stage).api_stage,
    }
    assert dimensions == {name: expected[name] for name in watch.dimensions}


def test_the_5xx_alarm_is_a_rate_of_requests_ignoring_minutes_too_quiet_to_judge(
    packaged: Packaged,
) -> None:
    alarm = _alarm(packaged, alarms.API_5XX_RATE)
    queries = {query["Id"]: query for query in alarm["Metrics"]}
    errors, requests = queries["errors"]["MetricStat"], queries["requests"]["MetricStat"]
    assert (errors["Metric"]["MetricName"], requests["Metric"]["MetricName"]) == (
        "5XXError",
        "Count",
    )
    for stat in (errors, requests):
        assert stat["Metric"]["Namespace"] == "AWS/ApiGateway"
        assert (stat["Stat"], stat["Period"]) == ("Sum", 60)
        dimensions = {d["Name"]: d["Value"] for d in stat["Metric"]["Dimensions"]}
        assert dimensions == {"ApiName": STACK_NAME, "Stage": "api"}
    assert [q["Id"] for q in alarm["Metrics"] if q["ReturnData"]] == ["rate"]
    assert queries["rate"]["Expression"] == "IF(requests >= 10, 100 * errors / requests, 0)"
    assert (alarm["Threshold"], alarm["EvaluationPeriods"], alarm["DatapointsToAlarm"]) == (5, 3, 2)


@pytest.mark.parametrize(
    ("alarm_id", "metric"),
    [(alarms.TABLE_THROTTLES, "ThrottledRequests"), (alarms.TABLE_SYSTEM_ERRORS, "SystemErrors")],
)
def test_the_table_alarms_add_up_every_operation_the_function_makes(
    packaged: Packaged, alarm_id: str, metric: str
) -> None:
    alarm = _alarm(packaged, alarm_id)
    stats = [query["MetricStat"] for query in alarm["Metrics"] if "MetricStat" in query]
    operations = []
    for stat in stats:
        assert (stat["Metric"]["Namespace"], stat["Metric"]["MetricName"]) == (
            "AWS/DynamoDB",
            metric,
        )
        dimensions = {d["Name"]: d["Value"] for d in stat["Metric"]["Dimensions"]}
        assert dimensions["TableName"] == {"Ref": TABLE}
        operations.append(dimensions["Operation"])
        assert (stat["Stat"], stat["Period"]) == ("Sum", 300)
    assert sorted(operations) == sorted(alarms.TABLE_OPERATIONS)
    (total,) = [query for query in alarm["Metrics"] if query["ReturnData"]]
    assert total["Expression"] == "SUM(METRICS())"
    assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (
        5,
        "GreaterThanOrEqualToThreshold",
    )


def test_the_email_subscription_exists_only_when_an_address_is_given(packaged: Packaged) -> None:
    without = resolve_for(packaged.template, {})["Resources"]
    with_email = resolve_for(packaged.template, EMAIL)["Resources"]
    assert alarms.SUBSCRIPTION not in without
    assert alarms.TOPIC in without
    subscription = with_email[alarms.SUBSCRIPTION]["Properties"]
    assert subscription == {
        "Protocol": "email",
        "Endpoint": {"Ref": alarms.EMAIL_PARAMETER},
        "TopicArn": {"Ref": alarms.TOPIC},
    }
    pattern = re.compile(packaged.template["Parameters"][alarms.EMAIL_PARAMETER]["AllowedPattern"])
    assert pattern.fullmatch("")
    assert pattern.fullmatch(EMAIL["AlarmEmail"])
    assert not pattern.fullmatch("ops at example.com")


def _dashboard_body(packaged: Packaged) -> dict[str, Any]:
    """The dashboard's JSON with Fn::Sub's variables filled in as CloudFormation would."""
    text, variables = packaged.properties(dashboard.DASHBOARD)["DashboardBody"]["Fn::Sub"]
    known = {
        "APIHandler": "todo-service-prod-api",
        "TodoTable": "todo-service-prod-todos",
        "AWS::StackName": "todo-service-prod",
        "AWS::Region": "eu-west-1",
        "AWS::Partition": "aws",
        "AWS::AccountId": "123456789012",
        **{alarm: f"alarm-{alarm}" for alarm in ALARM_IDS},
        **variables,
    }
    return json.loads(re.sub(r"\$\{([^}]+)\}", lambda m: known[m.group(1)], text))


def test_the_dashboard_shows_traffic_errors_latency_the_function_the_table_and_the_business(
    packaged: Packaged,
) -> None:
    body = _dashboard_body(packaged)
    graphs = {
        w["properties"]["title"]: w["properties"] for w in body["widgets"] if w["type"] == "metric"
    }
    series = {title: [row[1] for row in p["metrics"]] for title, p in graphs.items()}
    assert series["Requests"] == ["Count"]
    assert set(series["Errors"]) == {"5XXError", "4XXError", "Errors", "Throttles"}
    latency = graphs["Latency percentiles (ms)"]["metrics"]
    assert [row[-1]["stat"] for row in latency] == ["p50", "p90", "p99"]
    assert set(series["Lambda duration (ms)"]) == {"Duration"}
    assert series["Lambda concurrency"] == ["ConcurrentExecutions"]
    assert series["DynamoDB consumed capacity"] == [
        "ConsumedReadCapacityUnits",
        "ConsumedWriteCapacityUnits",
    ]
    assert series["Business events"] == list(metrics.NAMES)
    business = graphs["Business events"]["metrics"]
    assert all(row[0] == metrics.NAMESPACE and row[3] == packaged.stage for row in business)
    api_rows = [row for p in graphs.values() for row in p["metrics"] if row[0] == "AWS/ApiGateway"]
    assert all(row[2:6] == ["ApiName", "todo-service-prod", "Stage", "api"] for row in api_rows)
    (alarm_widget,) = [w for w in body["widgets"] if w["type"] == "alarm"]
    watched = [arn.rsplit(":", 1)[1] for arn in alarm_widget["properties"]["alarms"]]
    assert watched == [f"alarm-{alarm}" for alarm in alarms.ROLLBACK_ALARMS]
    # Nothing overlaps on the 24-column grid.
    cells = [
        (x, y)
        for w in body["widgets"]
        for x in range(w["x"], w["x"] + w["width"])
        for y in range(w["y"], w["y"] + w["height"])
    ]
    assert len(cells) == len(set(cells))
    assert max(x for x, _ in cells) < 24


def test_the_function_is_released_through_an_alias_by_codedeploy_with_rollback_alarms(
    packaged: Packaged,
) -> None:
    function = packaged.properties(FUNCTION)
    assert function["AutoPublishAlias"] == releases.ALIAS == "live"
    preference = function["DeploymentPreference"]
    expected = {"dev": "AllAtOnce", "prod": "Canary10Percent5Minutes"}[packaged.stage]
    assert preference["Type"] == expected == stage_settings(packaged.stage).deployment_preference
    rollback = [alarm["Ref"] for alarm in preference["Alarms"]]
    assert rollback == [alarms.FUNCTION_ERRORS, alarms.API_5XX_RATE, alarms.API_LATENCY_P99]
    assert set(rollback) <= set(packaged.resources)


def _integrations(resources: dict[str, Any]) -> list[dict[str, Any]]:
    paths = (
        resources[API]["Properties"].get("DefinitionBody") or resources[API]["Properties"]["Body"]
    )
    return [
        operation["x-amazon-apigateway-integration"]
        for methods in paths["paths"].values()
        for operation in methods.values()
        if operation["x-amazon-apigateway-integration"]["type"] == "aws_proxy"
    ]


def test_every_route_the_api_sends_to_lambda_invokes_the_alias_not_the_function(
    packaged: Packaged,
) -> None:
    from app import app

    integrations = _integrations(packaged.resources)
    routes = [m for methods in app.routes.values() for m in methods]
    assert len(integrations) == len(routes)
    alias = {"Ref": f"{FUNCTION}.Alias"}
    for integration in integrations:
        uri, variables = integration["uri"]["Fn::Sub"]
        assert variables == {releases.ALIAS_VARIABLE: alias}
        assert uri.endswith(f"/functions/${{{releases.ALIAS_VARIABLE}}}/invocations")
    permission = packaged.properties(f"{FUNCTION}InvokePermission")
    assert permission["FunctionName"] == alias
    assert "${APIHandler.Arn}" not in json.dumps(packaged.resources[API])


def test_the_rewrite_refuses_an_integration_it_does_not_recognise() -> None:
    template = {
        "Resources": {
            "Api": {
                "Properties": {
                    "DefinitionBody": {
                        "paths": {
                            "/x": {
                                "get": {
                                    "x-amazon-apigateway-integration": {
                                        "type": "aws_proxy",
                                        "uri": {"Fn::GetAtt": ["Fn", "Arn"]},
                                    }
                                }
                            }
                        }
                    }
                }
            },
            "FnInvokePermission": {"Properties": {"FunctionName": {"Ref": "Fn"}}},
        }
    }
    with pytest.raises(ValueError, match="unexpected integration URI"):
        releases.invoke_alias(template, "Fn", "Api")


def test_the_api_is_named_after_the_stack_so_its_metrics_are_its_own(packaged: Packaged) -> None:
    api = packaged.properties(API)
    assert api["Name"] == api["DefinitionBody"]["info"]["title"] == STACK_NAME


def test_without_a_domain_no_domain_resource_or_output_exists(packaged: Packaged) -> None:
    resolved = resolve_for(packaged.template, EMAIL)
    assert DOMAIN_RESOURCES.isdisjoint(resolved["Resources"])
    assert {"DomainURL", "DomainTarget"}.isdisjoint(resolved["Outputs"])
    assert "EndpointURL" in resolved["Outputs"]


def test_a_domain_maps_the_stage_at_its_root_and_a_zone_adds_the_alias_record(
    packaged: Packaged,
) -> None:
    elsewhere = resolve_for(packaged.template, DOMAIN)["Resources"]
    in_zone = resolve_for(packaged.template, DOMAIN | ZONE)["Resources"]
    assert DOMAIN_RESOURCES - set(elsewhere) == {domain.DNS_RECORD}
    assert set(in_zone) >= DOMAIN_RESOURCES
    api_domain = in_zone[domain.API_DOMAIN]["Properties"]
    assert api_domain["DomainName"] == {"Ref": domain.DOMAIN_NAME}
    assert api_domain["RegionalCertificateArn"] == {"Ref": domain.CERTIFICATE_ARN}
    assert api_domain["EndpointConfiguration"] == {"Types": ["REGIONAL"]}
    assert api_domain["SecurityPolicy"] == "TLS_1_2"
    mapping = in_zone[domain.BASE_PATH_MAPPING]["Properties"]
    assert "BasePath" not in mapping  # the root: clients call /v1/..., with no /api prefix
    assert mapping["RestApiId"] == {"Ref": API}
    assert mapping["Stage"] == {"Ref": f"{API}.Stage"}
    record = in_zone[domain.DNS_RECORD]["Properties"]
    assert (record["Type"], record["Name"]) == ("A", {"Ref": domain.DOMAIN_NAME})
    assert record["AliasTarget"]["DNSName"] == {
        "Fn::GetAtt": [domain.API_DOMAIN, "RegionalDomainName"]
    }
    outputs = resolve_for(packaged.template, DOMAIN)["Outputs"]
    assert outputs["DomainURL"]["Value"] == {"Fn::Sub": "https://${DomainName}/"}


def test_the_stack_refuses_half_a_domain_before_changing_anything(packaged: Packaged) -> None:
    template = packaged.template
    assert failed_rules(template, {}) == []
    assert failed_rules(template, DOMAIN | ZONE) == []
    assert failed_rules(template, {"DomainName": "api.example.com"}) == [
        "DomainName needs CertificateArn"
    ]
    assert failed_rules(template, ZONE) == ["CertificateArn and HostedZoneId need DomainName"]
    assert condition_values(template, ZONE)[domain.HAS_DNS_RECORD] is False


# --- what CloudFormation's SAM transform makes of it -----------------------------------


def test_after_the_sam_transform_the_api_invokes_the_alias_and_codedeploy_watches_the_alarms(
    transformed: dict[str, dict[str, Any]],
) -> None:
    for stage, template in transformed.items():
        resources = template["Resources"]
        alias_id = f"{FUNCTION}Alias{releases.ALIAS}"
        alias = resources[alias_id]
        assert alias["Type"] == "AWS::Lambda::Alias"
        assert alias["Properties"]["Name"] == "live"
        assert "CodeDeployLambdaAliasUpdate" in alias["UpdatePolicy"]
        for integration in _integrations(resources):
            assert integration["uri"]["Fn::Sub"][1] == {releases.ALIAS_VARIABLE: {"Ref": alias_id}}
        assert resources[f"{FUNCTION}InvokePermission"]["Properties"]["FunctionName"] == {
            "Ref": alias_id
        }
        group = resources[f"{FUNCTION}DeploymentGroup"]["Properties"]
        config = group["DeploymentConfigName"]["Fn::Sub"][1]["ConfigName"]
        assert config == stage_settings(stage).deployment_preference
        watched = [alarm["Name"]["Ref"] for alarm in group["AlarmConfiguration"]["Alarms"]]
        assert watched == alarms.ROLLBACK_ALARMS
        assert group["AutoRollbackConfiguration"]["Enabled"] is True
        assert "DEPLOYMENT_STOP_ON_ALARM" in group["AutoRollbackConfiguration"]["Events"]
        mapping = resources[domain.BASE_PATH_MAPPING]["Properties"]
        assert mapping["Stage"] == {"Ref": f"{API}apiStage"}


def test_cfn_lint_finds_nothing_in_the_transformed_templates(
    transformed: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    files = []
    for stage, template in transformed.items():
        path = tmp_path / f"{stage}-transformed.json"
        path.write_text(json.dumps(template))
        files.append(str(path))
    result = subprocess.run([CFN_LINT, *files], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
