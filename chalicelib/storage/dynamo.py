"""DynamoDB for the stores: attribute values, and every call with its failures typed.

A store talks to its table only through Table, which retries transient
failures within the request's retry budget (chalicelib.platform.retries)
and turns each way a call can fail into one exception: ConditionFailed
with the item as it was, Cancelled with each transaction item's reason by
name, or Unavailable (503) once the budget is spent.
"""

import base64
import hashlib
import uuid
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.domain.errors import Unavailable
from chalicelib.platform import retries
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


class ConditionFailed(Exception):
    """A single-item write whose condition was false."""

    def __init__(self, old_item: Item | None) -> None:
        super().__init__("condition failed")
        self.old_item = old_item  # the item as it stood; None if it did not exist


class Cancelled(Exception):
    """A cancelled transaction, each item's reason under the name its item was given."""

    def __init__(self, reasons: dict[str, dict[str, Any]]) -> None:
        super().__init__(", ".join(f"{name}: {r.get('Code')}" for name, r in reasons.items()))
        self.reasons = reasons

    def failed(self, name: str) -> bool:
        """Whether the named item's condition was false (not merely contended)."""
        return self.reasons.get(name, {}).get("Code") == "ConditionalCheckFailed"

    def old_item(self, name: str) -> Item | None:
        """The named item as it stood when its condition failed; None if it did not exist."""
        return self.reasons.get(name, {}).get("Item")


class Table:
    """One table, through a client that makes one attempt per call (botocore's retries are off)."""

    def __init__(self, client: Any, name: str) -> None:
        self.client = client
        self.name = name

    def get_item(self, **params: Any) -> dict[str, Any]:
        return self._call("GetItem", self.client.get_item, TableName=self.name, **params)

    def query(self, **params: Any) -> dict[str, Any]:
        return self._call("Query", self.client.query, TableName=self.name, **params)

    def put_item(self, **params: Any) -> dict[str, Any]:
        return self._call("PutItem", self.client.put_item, TableName=self.name, **params)

    def update_item(self, **params: Any) -> dict[str, Any]:
        return self._call("UpdateItem", self.client.update_item, TableName=self.name, **params)

    def delete_item(self, **params: Any) -> dict[str, Any]:
        return self._call("DeleteItem", self.client.delete_item, TableName=self.name, **params)

    def batch_get(self, keys: list[Item]) -> list[Item]:
        """The items stored under up to 100 keys, read strongly consistently. Keys DynamoDB
        leaves unprocessed are asked for again, out of the request's retry budget."""
        budget = retries.current()
        pending = {self.name: {"Keys": keys, "ConsistentRead": True}}
        found: list[Item] = []
        attempt = 0
        while True:
            answer = self._call("BatchGetItem", self.client.batch_get_item, RequestItems=pending)
            found += answer.get("Responses", {}).get(self.name, [])
            pending = answer.get("UnprocessedKeys") or {}
            if not pending:
                return found
            if not budget.retry(retries.back_off(attempt)):
                raise Unavailable("DynamoDB is busy; try again shortly.")
            attempt += 1

    def batch_delete(self, keys: list[Item]) -> None:
        """Delete the items under up to 25 keys, unconditionally. Items DynamoDB leaves
        unprocessed are sent again, out of the request's retry budget."""
        budget = retries.current()
        pending = [{"DeleteRequest": {"Key": key}} for key in keys]
        attempt = 0
        while pending:
            send = self.client.batch_write_item
            answer = self._call("BatchWriteItem", send, RequestItems={self.name: pending})
            pending = answer.get("UnprocessedItems", {}).get(self.name, [])
            if pending and not budget.retry(retries.back_off(attempt)):
                raise Unavailable("DynamoDB is busy; not everything was deleted. Try again.")
            attempt += 1

    def transact(self, items: dict[str, dict[str, Any]]) -> None:
        """Run the items as one TransactWriteItems, or raise Cancelled with named reasons.

        Naming each item means callers ask "did the claim fail?" rather than
        counting positions in DynamoDB's list of reasons.
        """
        # One token for every attempt of this call: a resend after a lost answer is then
        # recognised by DynamoDB, instead of failing the conditions of its own first write.
        token = uuid.uuid4().hex
        try:
            send = self.client.transact_write_items
            self._call(
                "TransactWriteItems",
                send,
                TransactItems=list(items.values()),
                ClientRequestToken=token,
            )
        except ClientError as error:
            if _code(error) != "TransactionCanceledException":
                raise
            reasons = error.response.get("CancellationReasons") or []
            raise Cancelled(dict(zip(items, reasons, strict=False))) from None

    def _call(self, operation: str, send: Callable[..., Any], **params: Any) -> dict[str, Any]:
        """Send, retrying transient failures while the request's budget allows."""
        budget = retries.current()
        for attempt in range(retries.MAX_ATTEMPTS_PER_CALL):
            try:
                return send(**params)
            except ClientError as error:
                if _code(error) == "ConditionalCheckFailedException":
                    raise ConditionFailed(error.response.get("Item")) from None
                if _code(error) not in TRANSIENT_CODES:
                    raise
                failure: Exception = error
            except BotoCoreError as error:
                failure = error
            last_attempt = attempt + 1 == retries.MAX_ATTEMPTS_PER_CALL
            if last_attempt or not budget.retry(retries.back_off(attempt)):
                break
        raise _unavailable(operation, failure)


def _code(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Code", "")


def _unavailable(operation: str, failure: Exception) -> Unavailable:
    if isinstance(failure, ClientError):
        code, detail = _code(failure), "The database is busy; try again shortly."
    else:
        code, detail = type(failure).__name__, "The database could not be reached; try again."
    log_event("dynamodb_fault", level="warning", operation=operation, code=code)
    unavailable = Unavailable(detail)
    unavailable.__cause__ = failure
    return unavailable
