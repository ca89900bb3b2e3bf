"""Low-level DynamoDB helpers shared by the stores: attribute values and failures."""

import base64
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.errors import Unavailable
from chalicelib.logs import log_event

# Codes that mean "try again later" rather than "this request is wrong".
TRANSIENT_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "TransactionInProgressException",
    }
)

Item = dict[str, dict[str, Any]]


def s(value: str) -> dict[str, str]:
    return {"S": value}


def n(value: int) -> dict[str, str]:
    return {"N": str(value)}


def key_digest(text: str) -> str:
    """A fixed-size key part for user-supplied text.

    Normalisation can grow text several-fold (NFKC expands some characters
    to 18), so raw titles, usernames and emails could pass our length checks
    and still break DynamoDB's key size limits. A digest never does.
    """
    digest = hashlib.sha256(text.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def error_code(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Code", "")


def cancellation_reasons(error: ClientError) -> list[dict[str, Any]]:
    return error.response.get("CancellationReasons") or []


def failed_condition(reason: dict[str, Any]) -> bool:
    return reason.get("Code") == "ConditionalCheckFailed"


@contextmanager
def transient_failures_as_unavailable(operation: str) -> Iterator[None]:
    """Turn throttling, server errors and network faults into Unavailable.

    botocore has already retried these by the time they surface here.
    Anything else is a bug in our request and is left to propagate.
    """
    try:
        yield
    except ClientError as error:
        code = error_code(error)
        if code not in TRANSIENT_CODES:
            raise
        log_event("dynamodb_fault", level="warning", operation=operation, code=code)
        raise Unavailable("The database is busy; try again shortly.") from error
    except BotoCoreError as error:
        log_event("dynamodb_fault", level="warning", operation=operation, code=type(error).__name__)
        raise Unavailable("The database could not be reached; try again shortly.") from error
