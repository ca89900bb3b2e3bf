"""List cost as one user's todos grow: v1 reads the whole list, v2 one page.

The todos are written with BatchWriteItem, in exactly the items that
TodoStore.insert would write (captured from it, so the layout stays the
store's). Going through the service would cost one TransactWriteItems each,
and moto copies the whole table on every one of those, so seeding a
thousand would take minutes and say nothing about the service. The count
behind the quota, on the user's account item, is then set to match.
"""

import os
from dataclasses import dataclass
from typing import Any

from chalicelib.domain.ids import new_todo_id
from chalicelib.domain.todos import Status, TodoCreate, new_todo
from chalicelib.domain.users import Caller
from chalicelib.platform.clock import now_rfc3339
from chalicelib.platform.tokens import verify_token
from chalicelib.storage.dynamo import Table
from chalicelib.storage.todo_store import TodoStore
from chalicelib.storage.user_keys import account_key
from infra.dev_stack import LOCAL_TABLE
from tools.bench.events import api_event, bearer
from tools.bench.harness import ISSUER, Harness, Measured
from tools.bench.warm import expect
from tools.report import median

SIZES = (10, 100, 1000)
V1_LIST = "GET /v1/item/get (whole list)"
V2_LIST = "GET /v2/todos (one page, default size)"
BATCH = 25
V2_EXTRA = 3  # v2 pages are cheap: sample them three times as often


@dataclass(frozen=True)
class ListCost:
    route: str
    items: int
    seconds: float
    overhead: float
    calls: int
    items_read: int


class CapturingClient:
    """Stands in for DynamoDB to collect the items a TodoStore would write."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def transact_write_items(self, TransactItems: list[dict], **_: Any) -> None:
        self.items += [entry["Put"]["Item"] for entry in TransactItems if "Put" in entry]


def seed(client: Any, user_id: str, first: int, count: int, title_chars: int = 0) -> None:
    """Store todos numbered from `first`, padded to title_chars, and count them."""
    capture = CapturingClient()
    store = TodoStore(Table(capture, LOCAL_TABLE), quota=first + count)
    caller = Caller(user_id, token_issued_ms=0)
    for number in range(first, first + count):
        title = f"item {number} ".ljust(title_chars, "x")
        create = TodoCreate(title, Status.PENDING)
        store.insert(caller, new_todo(new_todo_id(), create, now_rfc3339()))
    for start in range(0, len(capture.items), BATCH):
        puts = [{"PutRequest": {"Item": item}} for item in capture.items[start : start + BATCH]]
        pending = {LOCAL_TABLE: puts}
        while pending:
            pending = client.batch_write_item(RequestItems=pending)["UnprocessedItems"]
    client.update_item(  # the count behind the quota, on the user's account item
        TableName=LOCAL_TABLE,
        Key=account_key(user_id),
        UpdateExpression="SET todos = :todos",
        ExpressionAttributeValues={":todos": {"N": str(first + count)}},
    )


def measure_scaling(harness: Harness, client: Any, token: str, repeats: int) -> list[ListCost]:
    """Grow one user's list to each size, timing both lists in turn at each."""
    user_id = verify_token(token, secret=os.environ["JWT_SECRET"].encode(), issuer=ISSUER)
    v1 = api_event("GET", "/v1/item/get", "/v1/item/get", headers={"token": token})
    v2 = api_event("GET", "/v2/todos", "/v2/todos", headers=bearer(token))
    costs: list[ListCost] = []
    stored = 0
    for size in SIZES:
        seed(client, user_id, stored, size - stored)
        stored = size
        replies: dict[str, list[Measured]] = {V1_LIST: [], V2_LIST: []}
        for number in range(repeats * V2_EXTRA):
            if number % V2_EXTRA == 0:  # v1 at a thousand items is slow to serve from moto
                replies[V1_LIST].append(expect(harness.call(v1), 200, V1_LIST))
            replies[V2_LIST].append(expect(harness.call(v2), 200, V2_LIST))
        for route, measured in replies.items():
            costs.append(summarise(route, size, measured))
    return costs


def summarise(route: str, size: int, kept: list[Measured]) -> ListCost:
    return ListCost(
        route,
        size,
        median([m.seconds for m in kept]),
        median([m.overhead for m in kept]),
        len(kept[-1].calls),
        kept[-1].items_read,
    )
