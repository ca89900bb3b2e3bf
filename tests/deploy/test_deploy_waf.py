"""The optional AWS WAF rate limit on the sign-in and sign-up paths: absent by
default, and with AuthRateLimit set, a regional web ACL on the API's stage whose
one rule counts each IP address's requests to those paths, answers the excess
429 in the service's problem shape, and has an alarm on what it blocks.

cfn-lint runs over every stage with it on and off, together with the other
optional parameters, in test_deploy_operations.py."""

import json
import re
from typing import Any

from chalicelib.http.problem_types import PROBLEM_TYPES
from infra import alarms, waf
from infra.template import API, stage_settings
from tests.deploy.stack_parameters import RATE_LIMIT, condition_values, resolve_for
from tests.deploy.support import Packaged

WAF_RESOURCES = {waf.WEB_ACL, waf.ASSOCIATION, waf.BLOCKED_ALARM}
STACK_NAME = "${AWS::StackName}"


def _on(packaged: Packaged) -> dict[str, Any]:
    return resolve_for(packaged.template, RATE_LIMIT)["Resources"]


def _rule(packaged: Packaged) -> dict[str, Any]:
    (rule,) = _on(packaged)[waf.WEB_ACL]["Properties"]["Rules"]
    return rule


def test_by_default_there_is_no_web_acl_and_nothing_of_wafs(packaged: Packaged) -> None:
    parameter = packaged.template["Parameters"][waf.PARAMETER]
    assert parameter["Default"] == "0"
    resources = resolve_for(packaged.template, {})["Resources"]
    assert WAF_RESOURCES.isdisjoint(resources)
    assert not [r for r in resources.values() if r["Type"].startswith("AWS::WAFv2::")]
    assert condition_values(packaged.template, {})[waf.ENABLED] is False


def test_with_a_rate_limit_a_regional_web_acl_guards_the_apis_stage(packaged: Packaged) -> None:
    resources = _on(packaged)
    assert set(resources) >= WAF_RESOURCES
    web_acl = resources[waf.WEB_ACL]
    assert web_acl["Type"] == "AWS::WAFv2::WebACL"
    properties = web_acl["Properties"]
    assert properties["Scope"] == "REGIONAL"
    # Everything the rule does not block goes through: the ACL only rate-limits.
    assert properties["DefaultAction"] == {"Allow": {}}
    association = resources[waf.ASSOCIATION]
    assert association["Type"] == "AWS::WAFv2::WebACLAssociation"
    assert association["Properties"]["WebACLArn"] == {"Fn::GetAtt": [waf.WEB_ACL, "Arn"]}
    arn, variables = association["Properties"]["ResourceArn"]["Fn::Sub"]
    assert arn.endswith("::/restapis/${Api}/stages/${Stage}")
    assert arn.startswith("arn:${AWS::Partition}:apigateway:${AWS::Region}::")
    # The stage by reference, so CloudFormation associates only once the stage exists.
    assert variables == {"Api": {"Ref": API}, "Stage": {"Ref": f"{API}.Stage"}}


def test_the_rule_counts_requests_per_ip_address_up_to_the_parameter(packaged: Packaged) -> None:
    rule = _rule(packaged)
    rate = rule["Statement"]["RateBasedStatement"]
    assert rate["AggregateKeyType"] == "IP"
    assert rate["Limit"] == {"Ref": waf.PARAMETER}
    assert rate["EvaluationWindowSec"] == 300
    pattern = re.compile(packaged.template["Parameters"][waf.PARAMETER]["AllowedPattern"])
    # 0 turns it off; WAF's lowest limit is 10.
    assert [v for v in ("0", "10", "100", "20000", "999999999") if pattern.fullmatch(v)] == [
        "0",
        "10",
        "100",
        "20000",
        "999999999",
    ]
    assert not [v for v in ("", "1", "9", "-1", "010", "1e3", "ten") if pattern.fullmatch(v)]


def _scope(packaged: Packaged) -> tuple[dict[str, Any], dict[str, Any]]:
    scope = _rule(packaged)["Statement"]["RateBasedStatement"]["ScopeDownStatement"]
    path, not_preflight = scope["AndStatement"]["Statements"]
    return path["RegexMatchStatement"], not_preflight["NotStatement"]["Statement"]


def test_only_the_paths_that_take_a_password_without_a_token_are_counted(
    packaged: Packaged,
) -> None:
    from app import app

    path, _ = _scope(packaged)
    assert path["FieldToMatch"] == {"UriPath": {}}
    assert [t["Type"] for t in path["TextTransformations"]] == ["URL_DECODE", "NORMALIZE_PATH"]
    pattern = re.compile(path["RegexString"])
    routes = set(app.routes)
    # v1 login and sign-up, v2 token (both grants) and sign-up
    assert set(waf.AUTH_PATHS) == {
        "/v1/auth/login",
        "/v1/user/create",
        "/v2/auth/token",
        "/v2/users",
    }
    assert set(waf.AUTH_PATHS) <= routes
    api_stage = stage_settings(packaged.stage).api_stage
    for route in routes:
        # On API Gateway's URL the stage comes first; on a custom domain, nothing does.
        for seen in (route, f"/{api_stage}{route}", f"/{api_stage}{route}/"):
            assert bool(pattern.fullmatch(seen)) == (route in waf.AUTH_PATHS), seen
    assert not pattern.fullmatch("/v1/auth/login/extra")
    assert not pattern.fullmatch("/other/v2/users")
    assert not pattern.fullmatch(f"/{api_stage}/v2/users/me")


def test_preflights_are_not_counted(packaged: Packaged) -> None:
    _, preflight = _scope(packaged)
    assert preflight["ByteMatchStatement"]["FieldToMatch"] == {"Method": {}}
    assert preflight["ByteMatchStatement"]["PositionalConstraint"] == "EXACTLY"
    assert preflight["ByteMatchStatement"]["SearchString"] == "OPTIONS"


def test_a_blocked_request_gets_a_429_problem_with_retry_after_readable_by_browsers(
    packaged: Packaged,
) -> None:
    properties = _on(packaged)[waf.WEB_ACL]["Properties"]
    response = _rule(packaged)["Action"]["Block"]["CustomResponse"]
    assert response["ResponseCode"] == 429
    headers = {h["Name"]: h["Value"] for h in response["ResponseHeaders"]}
    assert int(headers["Retry-After"]) > 0
    origin = stage_settings(packaged.stage).cors_allow_origin
    assert headers["Access-Control-Allow-Origin"] == origin
    body = properties["CustomResponseBodies"][response["CustomResponseBodyKey"]]
    assert body["ContentType"] == "APPLICATION_JSON"
    problem = json.loads(body["Content"])
    status, title = PROBLEM_TYPES["too-many-requests"]
    assert problem == {
        "type": "/problems/too-many-requests",
        "title": title,
        "status": status,
        "detail": waf.BLOCKED_DETAIL,
    }


def test_should_the_gateway_answer_for_waf_it_gives_the_same_problem(packaged: Packaged) -> None:
    response = packaged.properties(API)["GatewayResponses"]["WAF_FILTERED"]
    body = response["ResponseTemplates"]["application/json"].replace("$context.requestId", "r-1")
    assert response["StatusCode"] == "429"
    assert "Retry-After" in response["ResponseParameters"]["Headers"]
    assert json.loads(body) == {
        "type": "/problems/too-many-requests",
        "title": PROBLEM_TYPES["too-many-requests"][1],
        "status": 429,
        "detail": waf.BLOCKED_DETAIL,
        "request_id": "r-1",
    }


def test_an_alarm_tells_the_topic_when_the_rule_blocks_and_exists_only_with_it(
    packaged: Packaged,
) -> None:
    resources = _on(packaged)
    found = {k for k, r in resources.items() if r["Type"] == "AWS::CloudWatch::Alarm"}
    assert waf.BLOCKED_ALARM in found
    alarm = resources[waf.BLOCKED_ALARM]["Properties"]
    assert (alarm["Namespace"], alarm["MetricName"]) == ("AWS/WAFV2", "BlockedRequests")
    dimensions = {d["Name"]: d["Value"] for d in alarm["Dimensions"]}
    web_acl = resources[waf.WEB_ACL]["Properties"]
    rule = _rule(packaged)
    # WAF publishes per rule under the rule's metric name, and per web ACL under its name.
    assert dimensions == {
        "Region": {"Ref": "AWS::Region"},
        "Rule": rule["VisibilityConfig"]["MetricName"],
        "WebACL": web_acl["Name"],
    }
    assert web_acl["Name"] == {"Fn::Sub": f"{STACK_NAME}-auth"}
    assert rule["VisibilityConfig"]["CloudWatchMetricsEnabled"] is True
    assert alarm["AlarmActions"] == alarm["OKActions"] == [{"Ref": alarms.TOPIC}]
    assert alarm["TreatMissingData"] == "notBreaching"
    assert alarm["Statistic"] == "Sum"
    assert alarm["Threshold"] >= 1


def test_after_the_sam_transform_the_association_names_the_stage_sam_creates(
    transformed: dict[str, dict[str, Any]],
) -> None:
    for template in transformed.values():
        resources = template["Resources"]
        association = resources[waf.ASSOCIATION]
        assert association["Condition"] == waf.ENABLED
        _, variables = association["Properties"]["ResourceArn"]["Fn::Sub"]
        stage_id = variables["Stage"]["Ref"]
        assert resources[stage_id]["Type"] == "AWS::ApiGateway::Stage"
        assert resources[stage_id]["Properties"]["RestApiId"] == {"Ref": API}
