"""An optional AWS WAF web ACL that caps how often one IP address may try a password.

The service's own back-off (chalicelib's login back-off) is per username: it
stops one account from being guessed at, but not one address trying a few
passwords on each of many accounts, or making accounts by the thousand. With
AuthRateLimit set, a regional web ACL on the API's stage counts each client
IP's requests to the sign-in and sign-up paths over five minutes, and answers
those over the limit itself, with a 429 problem body, before API Gateway or
the function sees them. At 0 (the default) none of it exists: a web ACL is
billed every month whether or not it blocks anything (docs/DEPLOY.md).
"""

import json
import re
from typing import Any

from chalicelib.http.problem_types import PROBLEM_TYPES
from infra import alarms

PARAMETER = "AuthRateLimit"
ENABLED = "HasAuthRateLimit"
WEB_ACL = "AuthWebAcl"
ASSOCIATION = "AuthWebAclAssociation"
BLOCKED_ALARM = "AuthRateLimitedAlarm"
RULE = "auth-rate-limit"
BLOCKED_BODY = "too-many-requests"

# Every route that takes a password without a token first: v1 login and sign-up,
# v2 token (both grants) and sign-up. Routes that need an access token are not here.
AUTH_PATHS = ("/v1/auth/login", "/v1/user/create", "/v2/auth/token", "/v2/users")
WINDOW_SECONDS = 300
# A hint only: WAF lifts the block once the address's count over the window is
# under the limit again, which it checks every few seconds.
RETRY_AFTER_SECONDS = 60
BLOCKED_DETAIL = "Too many sign-in or sign-up requests from this address; retry later."


def parameters() -> dict[str, Any]:
    return {
        PARAMETER: {
            "Type": "String",
            "Default": "0",
            # WAF's lowest rate limit is 10 requests per window.
            "AllowedPattern": r"^(0|[1-9][0-9]{1,8})$",
            "ConstraintDescription": "0 for no web ACL, or a whole number from 10",
            "Description": (
                "Requests one IP address may make to the sign-in and sign-up paths in "
                f"{WINDOW_SECONDS // 60} minutes before AWS WAF answers 429; 0 for no web ACL"
            ),
        }
    }


def conditions() -> dict[str, Any]:
    return {ENABLED: {"Fn::Not": [{"Fn::Equals": [{"Ref": PARAMETER}, "0"]}]}}


def auth_path_pattern(api_stage: str) -> str:
    """The auth paths, on API Gateway's own URL (under the stage) or on a custom
    domain (at the root), with or without a trailing slash."""
    paths = "|".join(re.escape(path) for path in AUTH_PATHS)
    return f"^(/{re.escape(api_stage)})?({paths})/?$"


def blocked_body() -> str:
    status, title = PROBLEM_TYPES[BLOCKED_BODY]
    problem = {"type": f"/problems/{BLOCKED_BODY}", "title": title, "status": status}
    return json.dumps({**problem, "detail": BLOCKED_DETAIL})


def resources(api: str, api_stage: str, cors_origin: str) -> dict[str, Any]:
    web_acl_name = {"Fn::Sub": "${AWS::StackName}-auth"}
    return {
        WEB_ACL: {
            "Type": "AWS::WAFv2::WebACL",
            "Condition": ENABLED,
            "Properties": {
                "Name": web_acl_name,
                "Description": "Rate limit per IP address on the sign-in and sign-up paths",
                "Scope": "REGIONAL",
                "DefaultAction": {"Allow": {}},
                "CustomResponseBodies": {
                    BLOCKED_BODY: {
                        "ContentType": "APPLICATION_JSON",
                        "Content": blocked_body(),
                    }
                },
                "Rules": [_rate_rule(api_stage, cors_origin)],
                "VisibilityConfig": _visibility(web_acl_name),
            },
        },
        ASSOCIATION: {
            "Type": "AWS::WAFv2::WebACLAssociation",
            "Condition": ENABLED,
            "Properties": {
                # The stage, by reference, so the association waits for it.
                "ResourceArn": {
                    "Fn::Sub": [
                        "arn:${AWS::Partition}:apigateway:${AWS::Region}::"
                        "/restapis/${Api}/stages/${Stage}",
                        {"Api": {"Ref": api}, "Stage": {"Ref": f"{api}.Stage"}},
                    ]
                },
                "WebACLArn": {"Fn::GetAtt": [WEB_ACL, "Arn"]},
            },
        },
        BLOCKED_ALARM: {
            **alarms.alarm(
                "AWS WAF blocked 20 or more sign-in or sign-up requests in 5 minutes: "
                "an address went over AuthRateLimit, likely guessing passwords",
                alarms.metric(
                    "AWS/WAFV2",
                    "BlockedRequests",
                    {"Region": {"Ref": "AWS::Region"}, "Rule": RULE, "WebACL": web_acl_name},
                    period=300,
                ),
                threshold=20,
                periods=1,
            ),
            "Condition": ENABLED,
        },
    }


def _rate_rule(api_stage: str, cors_origin: str) -> dict[str, Any]:
    auth_path = {
        "RegexMatchStatement": {
            "FieldToMatch": {"UriPath": {}},
            "RegexString": auth_path_pattern(api_stage),
            "TextTransformations": [
                {"Priority": 0, "Type": "URL_DECODE"},
                {"Priority": 1, "Type": "NORMALIZE_PATH"},
            ],
        }
    }
    # Preflights carry no password, so browsers' OPTIONS requests are not counted.
    preflight = {
        "ByteMatchStatement": {
            "FieldToMatch": {"Method": {}},
            "PositionalConstraint": "EXACTLY",
            "SearchString": "OPTIONS",
            "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
        }
    }
    return {
        "Name": RULE,
        "Priority": 0,
        "Statement": {
            "RateBasedStatement": {
                "Limit": {"Ref": PARAMETER},
                "EvaluationWindowSec": WINDOW_SECONDS,
                "AggregateKeyType": "IP",
                "ScopeDownStatement": {
                    "AndStatement": {
                        "Statements": [auth_path, {"NotStatement": {"Statement": preflight}}]
                    }
                },
            }
        },
        "Action": {
            "Block": {
                "CustomResponse": {
                    "ResponseCode": 429,
                    "CustomResponseBodyKey": BLOCKED_BODY,
                    "ResponseHeaders": [
                        {"Name": "Retry-After", "Value": str(RETRY_AFTER_SECONDS)},
                        {"Name": "Access-Control-Allow-Origin", "Value": cors_origin},
                    ],
                }
            }
        },
        "VisibilityConfig": _visibility(RULE),
    }


def _visibility(metric_name: Any) -> dict[str, Any]:
    return {
        "CloudWatchMetricsEnabled": True,
        "MetricName": metric_name,
        "SampledRequestsEnabled": True,
    }
