"""A checker for CloudWatch Embedded Metric Format documents, written from AWS's
specification ("Specification: Embedded metric format", CloudWatch User Guide).

The JSON Schema holds the document's shape; what a schema cannot say (that
every dimension and metric a directive names is a member of the root, with a
value of the right type) is checked after it.
"""

from typing import Any

import jsonschema

# CloudWatch's StandardUnit values (PutMetricData's MetricDatum.Unit).
UNITS = [
    "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes",
    "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count",
    "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second",
    "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second",
    "Terabits/Second", "Count/Second", "None",
]  # fmt: skip

NAME = {"type": "string", "minLength": 1, "maxLength": 255}
# Printable ASCII, not starting with a colon (CloudWatch's Dimension.Name).
DIMENSION_NAME = {**NAME, "pattern": "^[\\x20-\\x39\\x3b-\\x7e][\\x20-\\x7e]*$"}
EMF_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["_aws"],
    "properties": {
        "_aws": {
            "type": "object",
            "required": ["Timestamp", "CloudWatchMetrics"],
            "properties": {
                # Milliseconds since the epoch.
                "Timestamp": {"type": "number", "minimum": 0},
                "CloudWatchMetrics": {"type": "array", "items": {"$ref": "#/$defs/directive"}},
            },
        }
    },
    "$defs": {
        "directive": {
            "type": "object",
            "required": ["Namespace", "Dimensions", "Metrics"],
            "additionalProperties": False,
            "properties": {
                # A namespace of one's own: AWS/ is reserved for AWS's services.
                "Namespace": {**NAME, "pattern": "^(?!AWS/)"},
                "Dimensions": {
                    "type": "array",
                    "items": {"type": "array", "maxItems": 30, "items": DIMENSION_NAME},
                },
                "Metrics": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 100,
                    "items": {
                        "type": "object",
                        "required": ["Name"],
                        "additionalProperties": False,
                        "properties": {
                            "Name": NAME,
                            "Unit": {"enum": UNITS},
                            "StorageResolution": {"enum": [1, 60]},
                        },
                    },
                },
            },
        }
    },
}
# How far from now CloudWatch accepts a timestamp: two weeks back, two hours ahead.
OLDEST_MS = 14 * 24 * 3600 * 1000
NEWEST_MS = 2 * 3600 * 1000


def emf_problems(document: Any, now_ms: int) -> list[str]:
    """Everything that keeps `document` from being a valid EMF document; empty if valid."""
    schema_errors = sorted(
        jsonschema.Draft202012Validator(EMF_SCHEMA).iter_errors(document), key=str
    )
    if schema_errors:
        return [f"{list(e.absolute_path)}: {e.message}" for e in schema_errors]
    problems = []
    timestamp = document["_aws"]["Timestamp"]
    if not now_ms - OLDEST_MS <= timestamp <= now_ms + NEWEST_MS:
        problems.append(f"Timestamp {timestamp} is too far from now ({now_ms})")
    for directive in document["_aws"]["CloudWatchMetrics"]:
        for dimension in {key for keys in directive["Dimensions"] for key in keys}:
            if not isinstance(document.get(dimension), str):
                problems.append(f"dimension {dimension!r} is not a string member of the root")
        for metric in directive["Metrics"]:
            if not _is_metric_value(document.get(metric["Name"])):
                problems.append(f"metric {metric['Name']!r} has no numeric member in the root")
    return problems


def _is_metric_value(value: Any) -> bool:
    def number(item: Any) -> bool:
        return isinstance(item, int | float) and not isinstance(item, bool)

    if isinstance(value, list):
        return 0 < len(value) <= 100 and all(number(item) for item in value)
    return number(value)
