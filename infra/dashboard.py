"""The stack's CloudWatch dashboard: traffic, errors, latency, the function, the
table and the business metrics, one row each, for the last three hours."""

import json
from typing import Any

from chalicelib.platform import metrics
from infra.alarms import API_5XX_RATE, API_LATENCY_P99, FUNCTION_ERRORS

DASHBOARD = "OperationsDashboard"
WIDTH = 8  # three widgets per row of the 24-column grid
HEIGHT = 6

# Placeholders that Fn::Sub fills in: the dashboard body is one JSON string.
FUNCTION = "${APIHandler}"
API = "${AWS::StackName}"
TABLE = "${TodoTable}"
REGION = "${AWS::Region}"
STAGE_NAME = "${Stage}"


def resource(api_stage: str, stage: str) -> dict[str, Any]:
    body = json.dumps({"start": "-PT3H", "widgets": widgets()}, separators=(",", ":"))
    return {
        "Type": "AWS::CloudWatch::Dashboard",
        "Properties": {
            "DashboardName": {"Fn::Sub": "${AWS::StackName}"},
            "DashboardBody": {"Fn::Sub": [body, {"Stage": stage, "ApiStage": api_stage}]},
        },
    }


def widgets() -> list[dict[str, Any]]:
    api = ["ApiName", API, "Stage", "${ApiStage}"]
    function = ["FunctionName", FUNCTION]
    table = ["TableName", TABLE]
    business = [
        [metrics.NAMESPACE, name, metrics.STAGE_DIMENSION, STAGE_NAME] for name in metrics.NAMES
    ]
    rows = [
        [
            graph("Requests", [["AWS/ApiGateway", "Count", *api]], "Sum"),
            graph("Errors", [
                ["AWS/ApiGateway", "5XXError", *api],
                ["AWS/ApiGateway", "4XXError", *api],
                ["AWS/Lambda", "Errors", *function],
                ["AWS/Lambda", "Throttles", *function],
            ], "Sum"),
            graph("Latency percentiles (ms)", [
                ["AWS/ApiGateway", "Latency", *api, {"stat": stat, "label": stat}]
                for stat in ("p50", "p90", "p99")
            ], "p50"),
        ],
        [
            graph("Lambda duration (ms)", [
                ["AWS/Lambda", "Duration", *function, {"stat": stat, "label": stat}]
                for stat in ("p50", "p99", "Maximum")
            ], "p50"),
            graph("Lambda concurrency", [["AWS/Lambda", "ConcurrentExecutions", *function]],
                  "Maximum"),
            graph("DynamoDB consumed capacity", [
                ["AWS/DynamoDB", "ConsumedReadCapacityUnits", *table],
                ["AWS/DynamoDB", "ConsumedWriteCapacityUnits", *table],
            ], "Sum"),
        ],
        [
            graph("Business events", business, "Sum"),
            alarms_widget(),
        ],
    ]  # fmt: skip
    placed = []
    for y, row in enumerate(rows):
        for x, widget in enumerate(row):
            placed.append({**widget, "x": x * WIDTH, "y": y * HEIGHT})
    return placed


def graph(title: str, series: list[list[Any]], stat: str) -> dict[str, Any]:
    return {
        "type": "metric",
        "width": WIDTH,
        "height": HEIGHT,
        "properties": {
            "title": title,
            "region": REGION,
            "metrics": series,
            "stat": stat,
            "period": 60,
            "view": "timeSeries",
        },
    }


def alarms_widget() -> dict[str, Any]:
    """The state of the alarms CodeDeploy watches, beside the graphs that explain them."""
    arns = [
        f"arn:${{AWS::Partition}}:cloudwatch:{REGION}:${{AWS::AccountId}}:alarm:${{{alarm}}}"
        for alarm in (FUNCTION_ERRORS, API_5XX_RATE, API_LATENCY_P99)
    ]
    return {
        "type": "alarm",
        "width": WIDTH * 2,
        "height": HEIGHT,
        "properties": {"title": "Release alarms", "alarms": arns},
    }
