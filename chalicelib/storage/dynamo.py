"""Low-level DynamoDB helpers shared by the stores: attribute values and failures."""

import base64
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.domain.errors import Unavailable
from chalicelib.platform.logs import log_event

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


class Cancelled(Exception):
    """A cancelled transaction, each item's reason under the name its item was given."""

    def __init__(self, reasons: dict[str, dict[str, Any]]) -> None:
        super().__init__(", ".join(f"{name}: {r.get('Code')}" for name, r in reasons.items()))
        self.reasons = reasons

    def failed(self, name: str) -> bool:
        """Whether the named item's condition was false (not merely contended)."""
        return failed_condition(self.reasons.get(name, {}))

    def old_item(self, name: str) -> Item | None:
        """The named item as it stood when its condition failed; None if it did not exist."""
        return self.reasons.get(name, {}).get("Item")


def transact(client: Any, items: dict[str, dict[str, Any]]) -> None:
    """Run the items as one TransactWriteItems, or raise Cancelled with named reasons.

    Naming each item means callers ask "did the claim fail?" rather than
    counting positions in DynamoDB's list of reasons.
    """
    try:
        with transient_failures_as_unavailable("TransactWriteItems"):
            client.transact_write_items(TransactItems=list(items.values()))
    except ClientError as error:
        if error_code(error) != "TransactionCanceledException":
            raise
        reasons = cancellation_reasons(error)
        raise Cancelled(dict(zip(items, reasons, strict=False))) from None


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
