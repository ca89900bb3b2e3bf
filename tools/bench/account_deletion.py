"""Deleting an account at the full todo quota, against the function's Lambda timeout.

One user's partition is filled to the stage's todo quota: each todo with its
title claim, written as tools/bench/scaling.py writes them (in the items the
service's own store would write), and the count behind the quota set to
match. The user has logged in once, so a refresh-token family exists too.
Then `DELETE /v2/users/me` is timed whole, its DynamoDB calls counted, and
the table read afterwards to check that nothing of the user is left.

It runs on the benchmark's embedded moto server, which answers one request
at a time, so the service's parallel batch deletes queue there; and, where
Java is at hand, on Amazon's DynamoDB Local, which serves them in parallel.
Neither has DynamoDB's latency or throttling, so the figure says whether the
service's own work fits the timeout, not how long AWS would take.
"""

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from chalicelib import dependencies
from chalicelib.storage.user_keys import email_claim_key, login_key, partition
from infra.dev_stack import LOCAL_TABLE, PROJECT_DIR, create_table, local_client
from tests.support.values import PASSWORD
from tools.bench.events import api_event, bearer
from tools.bench.harness import Harness
from tools.bench.scaling import seed
from tools.bench.warm import expect, new_user

MOTO = "embedded moto server"
DYNAMODB_LOCAL = "DynamoDB Local"
CHALICE_DEFAULT_TIMEOUT = 60  # seconds, when a stage's config sets none
CHALICE_DEFAULT_MEMORY_MB = 128
ONE_VCPU_MB = 1769  # Lambda gives a function one vCPU at this memory, in proportion below it


@dataclass(frozen=True)
class Deletion:
    database: str
    todos: int
    items_before: int  # every item of the user's partition, the login record and email claim
    seconds: float
    cpu_seconds: float  # the service's process, all its threads, DynamoDB clients included
    calls: list[str]
    items_left: int


@dataclass(frozen=True)
class DeletionResult:
    runs: list[Deletion]
    timeouts: dict[str, int]  # stage: lambda_timeout, seconds
    memory_mb: dict[str, int]  # stage: lambda_memory_size
    skipped: str | None  # why DynamoDB Local did not run, if it did not


def lambda_timeouts() -> dict[str, int]:
    """Each deployable stage's Lambda timeout, as .chalice/config.json sets it."""
    return _stage_settings("lambda_timeout", CHALICE_DEFAULT_TIMEOUT)


def lambda_memory() -> dict[str, int]:
    """Each deployable stage's Lambda memory size in MB, which sets its share of a CPU."""
    return _stage_settings("lambda_memory_size", CHALICE_DEFAULT_MEMORY_MB)


def _stage_settings(name: str, default: int) -> dict[str, int]:
    config = json.loads((PROJECT_DIR / ".chalice" / "config.json").read_text())
    fallback = config.get(name, default)
    return {
        stage: settings.get(name, fallback)
        for stage, settings in config["stages"].items()
        if stage != "local"
    }


def measure_deletion(harness: Harness, client: Any, name: str, database: str) -> Deletion:
    token = new_user(harness, name, PASSWORD)
    user_id = dependencies.token_verifier().verify(token).subject
    quota = dependencies.settings().todo_quota
    seed(client, user_id, 0, quota)
    before = _items_of(client, user_id, name)
    event = api_event(
        "DELETE", "/v2/users/me", "/v2/users/me", headers=bearer(token), body={"password": PASSWORD}
    )
    deleted = expect(harness.call(event), 204, "DELETE /v2/users/me")
    left = _items_of(client, user_id, name)
    return Deletion(
        database, quota, before, deleted.seconds, deleted.cpu_seconds, deleted.calls, left
    )


def _items_of(client: Any, user_id: str, username: str) -> int:
    """The user's items: the whole partition, the login record and the email claim."""
    query: dict[str, Any] = {
        "TableName": LOCAL_TABLE,
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": {"S": partition(user_id)}},
        "Select": "COUNT",
        "ConsistentRead": True,
    }
    count = 0
    while True:
        page = client.query(**query)
        count += page["Count"]
        if "LastEvaluatedKey" not in page:
            break
        query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    for key in (login_key(username), email_claim_key(f"{username}@example.com")):
        found = client.get_item(TableName=LOCAL_TABLE, Key=key, ConsistentRead=True)
        count += "Item" in found
    return count


@contextmanager
def harness_on(endpoint: str) -> Iterator[Harness]:
    """A harness whose service talks to another database, with the same table name."""
    before = os.environ["DYNAMODB_ENDPOINT_URL"]
    os.environ["DYNAMODB_ENDPOINT_URL"] = endpoint
    harness = Harness()
    try:
        yield harness
    finally:
        harness.close()
        os.environ["DYNAMODB_ENDPOINT_URL"] = before
        dependencies.reset()


def measure_on_dynamodb_local(name: str) -> Deletion:
    """The same deletion on DynamoDB Local; infra.dynamodb_local.Unavailable without Java."""
    from infra.local_stack import database

    with database("dynamodb-local") as endpoint:
        create_table(endpoint, LOCAL_TABLE)
        with harness_on(endpoint) as harness:
            return measure_deletion(harness, local_client(endpoint), name, DYNAMODB_LOCAL)
