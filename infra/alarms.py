"""The stack's alarms, the SNS topic they notify, and its optional email subscription.

Each alarm's threshold, period and treatment of missing data is argued in
docs/DEPLOY.md ("Alarms"); the numbers live here only. Missing data is never
left to CloudWatch's default (`missing`, which holds the last state): every
metric here is published only when something happens (a request, an error, a
business event), so no data means nothing went wrong and counts as OK.
"""

from dataclasses import dataclass
from typing import Any

from chalicelib.platform import metrics

TOPIC = "AlarmTopic"
SUBSCRIPTION = "AlarmEmailSubscription"
EMAIL_PARAMETER = "AlarmEmail"
HAS_EMAIL = "HasAlarmEmail"

FUNCTION_ERRORS = "FunctionErrorsAlarm"
FUNCTION_THROTTLES = "FunctionThrottlesAlarm"
API_5XX_RATE = "Api5xxRateAlarm"
API_LATENCY_P99 = "ApiLatencyP99Alarm"
TABLE_THROTTLES = "TableThrottledRequestsAlarm"
TABLE_SYSTEM_ERRORS = "TableSystemErrorsAlarm"
LOGIN_LOCKOUTS = "LoginLockoutsAlarm"
# The alarms CodeDeploy watches while it shifts traffic: errors of any kind
# (the app turns its own exceptions into 500s, which Lambda does not count as
# errors, so the 5xx rate is the one that sees a broken release) and latency.
ROLLBACK_ALARMS = [FUNCTION_ERRORS, API_5XX_RATE, API_LATENCY_P99]

# Every DynamoDB operation the function makes (see .chalice/policy.json);
# DynamoDB publishes throttles and system errors per operation only.
TABLE_OPERATIONS = (
    "GetItem",
    "Query",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "TransactWriteItems",
    "BatchWriteItem",
    "BatchGetItem",
)
MIN_REQUESTS_FOR_5XX_RATE = 10


@dataclass(frozen=True)
class Names:
    """What the alarms watch, as template expressions."""

    function: Any
    api: Any
    api_stage: str
    table: Any
    stage: str


def parameters() -> dict[str, Any]:
    return {
        EMAIL_PARAMETER: {
            "Type": "String",
            "Default": "",
            "AllowedPattern": r"^$|^[^\s@]+@[^\s@]+$",
            "ConstraintDescription": "an email address, or empty for no subscription",
            "Description": "Email address told of every alarm (it must confirm); empty for none",
        }
    }


def conditions() -> dict[str, Any]:
    return {HAS_EMAIL: {"Fn::Not": [{"Fn::Equals": [{"Ref": EMAIL_PARAMETER}, ""]}]}}


def resources(names: Names) -> dict[str, Any]:
    return {
        TOPIC: {
            "Type": "AWS::SNS::Topic",
            "Properties": {"DisplayName": {"Fn::Sub": "${AWS::StackName} alarms"}},
        },
        SUBSCRIPTION: {
            "Type": "AWS::SNS::Subscription",
            "Condition": HAS_EMAIL,
            "Properties": {
                "Protocol": "email",
                "Endpoint": {"Ref": EMAIL_PARAMETER},
                "TopicArn": {"Ref": TOPIC},
            },
        },
        FUNCTION_ERRORS: alarm(
            "the function failed (crash, timeout or out of memory): every one is a defect",
            metric("AWS/Lambda", "Errors", {"FunctionName": names.function}, period=60),
            threshold=1,
            periods=1,
        ),
        FUNCTION_THROTTLES: alarm(
            "Lambda refused invocations for lack of concurrency; clients got 5xx",
            metric("AWS/Lambda", "Throttles", {"FunctionName": names.function}, period=300),
            threshold=1,
            periods=1,
        ),
        API_5XX_RATE: alarm(
            f"5% or more of requests answered 5xx in 2 of 3 minutes "
            f"(minutes with at least {MIN_REQUESTS_FOR_5XX_RATE} requests)",
            _api_5xx_rate(names, period=60),
            threshold=5,
            periods=3,
            datapoints=2,
        ),
        API_LATENCY_P99: alarm(
            "p99 latency over 2.5 s for 3 minutes in a row",
            metric("AWS/ApiGateway", "Latency", _api_dimensions(names), 60, statistic="p99"),
            threshold=2500,
            periods=3,
            comparison="GreaterThanThreshold",
        ),
        TABLE_THROTTLES: alarm(
            "DynamoDB throttled 5 or more requests in 5 minutes, beyond what retries absorb",
            _per_operation(names, "ThrottledRequests", period=300),
            threshold=5,
            periods=1,
        ),
        TABLE_SYSTEM_ERRORS: alarm(
            "DynamoDB answered 5 or more requests with an internal error in 5 minutes",
            _per_operation(names, "SystemErrors", period=300),
            threshold=5,
            periods=1,
        ),
        LOGIN_LOCKOUTS: alarm(
            "20 or more logins refused during back-off in 5 minutes: likely password guessing",
            metric(
                metrics.NAMESPACE,
                metrics.LOCKOUTS,
                {metrics.STAGE_DIMENSION: names.stage},
                period=300,
            ),
            threshold=20,
            periods=1,
        ),
    }


def alarm(
    description: str,
    metric: dict[str, Any],
    *,
    threshold: float,
    periods: int,
    datapoints: int | None = None,
    comparison: str = "GreaterThanOrEqualToThreshold",
) -> dict[str, Any]:
    return {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "AlarmDescription": description,
            **metric,
            "Threshold": threshold,
            "ComparisonOperator": comparison,
            "EvaluationPeriods": periods,
            "DatapointsToAlarm": datapoints or periods,
            "TreatMissingData": "notBreaching",
            "AlarmActions": [{"Ref": TOPIC}],
            "OKActions": [{"Ref": TOPIC}],
        },
    }


def metric(
    namespace: str, name: str, dimensions: dict[str, Any], period: int, statistic: str = "Sum"
) -> dict[str, Any]:
    statistic_key = "ExtendedStatistic" if statistic.startswith("p") else "Statistic"
    return {
        "Namespace": namespace,
        "MetricName": name,
        "Dimensions": [{"Name": key, "Value": value} for key, value in dimensions.items()],
        statistic_key: statistic,
        "Period": period,
    }


def _api_dimensions(names: Names) -> dict[str, Any]:
    return {"ApiName": names.api, "Stage": names.api_stage}


def _query(
    query_id: str, namespace: str, name: str, dimensions: dict[str, Any], period: int
) -> dict[str, Any]:
    metric = {
        "Namespace": namespace,
        "MetricName": name,
        "Dimensions": [{"Name": key, "Value": value} for key, value in dimensions.items()],
    }
    stat = {"Metric": metric, "Stat": "Sum", "Period": period}
    return {"Id": query_id, "MetricStat": stat, "ReturnData": False}


def _api_5xx_rate(names: Names, period: int) -> dict[str, Any]:
    """5XXError as a percentage of Count, left at 0 in minutes too quiet to judge."""
    dimensions = _api_dimensions(names)
    rate = f"IF(requests >= {MIN_REQUESTS_FOR_5XX_RATE}, 100 * errors / requests, 0)"
    return {
        "Metrics": [
            _query("errors", "AWS/ApiGateway", "5XXError", dimensions, period),
            _query("requests", "AWS/ApiGateway", "Count", dimensions, period),
            {"Id": "rate", "Expression": rate, "Label": "5xx % of requests", "ReturnData": True},
        ]
    }


def _per_operation(names: Names, metric_name: str, period: int) -> dict[str, Any]:
    """The sum of a DynamoDB metric over every operation the function makes."""
    queries = [
        _query(
            f"op{index}",
            "AWS/DynamoDB",
            metric_name,
            {"TableName": names.table, "Operation": operation},
            period,
        )
        for index, operation in enumerate(TABLE_OPERATIONS)
    ]
    total = {
        "Id": "total",
        "Expression": "SUM(METRICS())",
        "Label": metric_name,
        "ReturnData": True,
    }
    return {"Metrics": [*queries, total]}
