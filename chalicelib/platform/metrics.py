"""Business metrics, as CloudWatch Embedded Metric Format (EMF) log lines.

A JSON log line with an `_aws` member is turned into CloudWatch metric data
by CloudWatch Logs itself, so counting costs no API call and no client: the
line goes to stdout with the others (logs.log_event), request id included.
One line per event, written when it happens; CloudWatch adds them up.

The names are the contract with infra/: the alarms and the dashboard in the
template read these metrics by NAMESPACE, name and the Stage dimension.
"""

import os
import time

from chalicelib.platform import logs

NAMESPACE = "TodoService"
STAGE_DIMENSION = "Stage"

SIGN_UPS = "SignUps"
LOGINS = "Logins"
FAILED_LOGINS = "FailedLogins"
TODOS_CREATED = "TodosCreated"
QUOTA_REJECTIONS = "QuotaRejections"
# Counted by the account-security code: a login refused during back-off, a token refresh.
LOCKOUTS = "Lockouts"
REFRESHES = "Refreshes"

NAMES = (SIGN_UPS, LOGINS, FAILED_LOGINS, TODOS_CREATED, QUOTA_REJECTIONS, LOCKOUTS, REFRESHES)


def count(name: str) -> None:
    """Count one occurrence of the business event `name`."""
    logs.log_event("metric", **emf_members(name, 1, time.time()))


def emf_members(name: str, value: float, now: float) -> dict:
    """The members an EMF document needs: the metadata, the dimension and the value."""
    if name not in NAMES:
        raise ValueError(f"unknown metric {name!r}")
    directive = {
        "Namespace": NAMESPACE,
        "Dimensions": [[STAGE_DIMENSION]],
        "Metrics": [{"Name": name, "Unit": "Count"}],
    }
    return {
        "_aws": {"Timestamp": int(now * 1000), "CloudWatchMetrics": [directive]},
        STAGE_DIMENSION: os.environ.get("APP_STAGE", "local"),
        name: value,
    }
