"""The v2 task routes (move, sync, clear-completed, order=due), each against its own floor.

A route's floor is the same DynamoDB calls with nothing of ours around
them. They are taken from the request itself: every call our handler makes
is recorded, parameters and all, and right after the request the bare
Chalice route of replay_floor makes them again through its own boto3 client.
A replayed write must find what ours found, so the replay goes to a twin:
a second user whose partition holds a copy of the first's, with the user id
swapped in every key and value. Every write, setup included, is made by ours
on the first user and replayed on the twin, so the two stay alike, and a
replay that read a different number of items than ours stops the benchmark.

Todos the routes only need to exist are written with BatchWriteItem, as the
items TodoStore.insert would write (see scaling), to both users.
"""

import copy
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from chalicelib import dependencies
from chalicelib.domain.ids import new_todo_id, new_user_id
from chalicelib.domain.todos import Status, TodoCreate, new_todo
from chalicelib.domain.users import Caller
from chalicelib.platform.clock import now_rfc3339
from chalicelib.platform.tokens import verify_token
from chalicelib.storage.dynamo import Table
from chalicelib.storage.todo_keys import TITLE_PREFIX, TODO_PREFIX
from chalicelib.storage.todo_store import TodoStore
from chalicelib.storage.user_keys import account_key, partition
from infra.dev_stack import LOCAL_TABLE
from tests.support.values import PASSWORD
from tools.bench import replay_floor
from tools.bench.events import api_event, bearer
from tools.bench.harness import ISSUER, Harness, Measured
from tools.bench.scaling import BATCH, CapturingClient
from tools.bench.warm import expect, new_user
from tools.report import median, ratio, table

MOVE_LIST_SIZE = 20
SYNC_CHANGES = 100
CLEAR_SIZES = (90, 900)
DUE_TODOS = 1000  # half with a due date, half without

MOVE = "POST /v2/todos/{id}/move (within a list of 20)"
SYNC_NONE = "GET /v2/sync?cursor=… (0 changes)"
SYNC_SOME = f"GET /v2/sync?cursor=… ({SYNC_CHANGES} changed todos)"
DUE = f"GET /v2/todos?order=due (first page, {DUE_TODOS:,} todos)"


def clear_route(done: int) -> str:
    return f"POST /v2/lists/{{id}}/clear ({done} done todos)"


ROUTES = (MOVE, SYNC_NONE, SYNC_SOME, *map(clear_route, CLEAR_SIZES), DUE)


@dataclass(frozen=True)
class Call:
    operation: str
    params: dict[str, Any]
    items_read: int


def items_in(reply: dict[str, Any]) -> int:
    """The items a reply carries: a Query's, a GetItem's, a BatchGetItem's."""
    batched = sum(len(items) for items in reply.get("Responses", {}).values())
    return len(reply.get("Items", ())) + ("Item" in reply) + batched


@dataclass
class Recorder:
    """Keeps a copy of each DynamoDB call's parameters as it is made, and what that cost.

    The service may reuse a parameter dict for its next call (a Query's
    ExclusiveStartKey), so each is copied before it is sent; the time the
    copying takes is kept in `extra`, to be taken out of the handler's.
    """

    calls: list[Call] = field(default_factory=list)
    seconds: float = 0.0  # inside the wrapped calls
    extra: float = 0.0  # spent recording

    def clear(self) -> None:
        self.calls, self.seconds, self.extra = [], 0.0, 0.0

    def wrap(self, make_api_call: Callable[[str, dict], Any], deep: bool) -> Callable:
        def recording(operation: str, params: dict) -> Any:
            started = time.perf_counter()
            kept = copy.deepcopy(params) if deep else params
            sending = time.perf_counter()
            reply = make_api_call(operation, params)
            done = time.perf_counter()
            self.calls.append(Call(operation, kept, items_in(reply)))
            self.seconds += done - sending
            self.extra += (sending - started) + (time.perf_counter() - done)
            return reply

        return recording

    @property
    def items_read(self) -> int:
        return sum(call.items_read for call in self.calls)


@dataclass(frozen=True)
class TaskCost:
    route: str
    calls: list[str]
    items_read: int
    seconds: float  # ours, the handler, less recording
    floor_seconds: float
    overhead: float  # ours less its DynamoDB calls
    floor_overhead: float


@dataclass
class Sample:
    ours: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    ours_own: list[float] = field(default_factory=list)
    floor_own: list[float] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    items_read: int = 0


def swap(value: Any, old: str, new: str) -> Any:
    """`value` with every `old` in its strings and keys made `new`."""
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, dict):
        return {swap(k, old, new): swap(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [swap(v, old, new) for v in value]
    return value


class Twins:
    """One user whose requests are measured, and a twin that takes their replayed calls."""

    def __init__(self, harness: Harness, database: Any, name: str) -> None:
        self.harness, self.database = harness, database
        self.token = new_user(harness, name, PASSWORD)
        secret = os.environ["JWT_SECRET"].encode()
        self.user_id = verify_token(self.token, secret=secret, issuer=ISSUER)
        self.twin_id = new_user_id()
        self.recorder, self.floor_meter = Recorder(), Recorder()
        service = dependencies.dynamodb_client()
        self._unwrapped = service._make_api_call  # the harness's meter, kept inside ours
        service._make_api_call = self.recorder.wrap(self._unwrapped, deep=True)
        floor = replay_floor.client()
        floor._make_api_call = self.floor_meter.wrap(floor._make_api_call, deep=False)
        self._copy_partition()

    def close(self) -> None:
        """Unwrap the service's client, and empty both partitions: moto answers a Query on
        an index by walking the whole table, so items left here would slow what follows."""
        dependencies.dynamodb_client()._make_api_call = self._unwrapped
        keys = [
            {"pk": item["pk"], "sk": item["sk"]}
            for user_id in (self.user_id, self.twin_id)
            for item in self._partition(user_id)
            if item["sk"]["S"] != account_key(user_id)["sk"]["S"]
        ]
        for start in range(0, len(keys), BATCH):
            deletes = [{"DeleteRequest": {"Key": key}} for key in keys[start : start + BATCH]]
            pending = {LOCAL_TABLE: deletes}
            while pending:
                pending = self.database.batch_write_item(RequestItems=pending)["UnprocessedItems"]

    def _partition(self, user_id: str) -> list[dict]:
        query = {
            "TableName": LOCAL_TABLE,
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": partition(user_id)}},
            "ConsistentRead": True,
        }
        items: list[dict] = []
        while True:
            page = self.database.query(**query)
            items += page["Items"]
            if "LastEvaluatedKey" not in page:
                return items
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _copy_partition(self) -> None:
        items = self._partition(self.user_id)
        self._write([swap(item, self.user_id, self.twin_id) for item in items])

    def request(self, event: dict, status: int, what: str) -> tuple[Measured, Measured | None]:
        """Ours, then the same DynamoDB calls on the twin if ours made any."""
        self.recorder.clear()
        ours = expect(self.harness.call(event), status, what)
        recorded = self.recorder.calls
        if not recorded:
            return ours, None
        replay_floor.script[:] = [
            (call.operation, swap(call.params, self.user_id, self.twin_id)) for call in recorded
        ]
        self.floor_meter.clear()
        event = api_event("GET", "/floor/replay", "/floor/replay", headers=bearer(self.token))
        floor = expect(self.harness.call(event, app=replay_floor.app), 200, f"floor of {what}")
        if self.floor_meter.items_read != self.recorder.items_read:
            raise RuntimeError(
                f"{what}: the twin read {self.floor_meter.items_read} items, "
                f"ours {self.recorder.items_read}; the two users no longer match"
            )
        return ours, floor

    def sample(self, into: Sample, event: dict, status: int, what: str) -> Measured:
        ours, floor = self.request(event, status, what)
        if floor is None:
            raise RuntimeError(f"{what} made no DynamoDB call")
        seconds = ours.seconds - self.recorder.extra
        into.ours.append(seconds)
        into.ours_own.append(seconds - self.recorder.seconds)
        into.floor.append(floor.seconds)
        into.floor_own.append(floor.seconds - self.floor_meter.seconds)
        into.calls = [call.operation for call in self.recorder.calls]
        into.items_read = self.recorder.items_read
        return ours

    def seed(self, creates: list[TodoCreate], claims: bool = True) -> list[str]:
        """Store these todos for both users, counted on their accounts; their ids. Without
        `claims`, their title claims are left out, for todos only clear-completed will see:
        it neither reads nor deletes claims, and thousands of them would slow moto down."""
        capture = CapturingClient()
        store = TodoStore(Table(capture, LOCAL_TABLE), quota=len(creates))
        caller = Caller(self.user_id, token_issued_ms=0)
        ids = []
        for create in creates:
            ids.append(new_todo_id())
            store.insert(caller, new_todo(ids[-1], create, now_rfc3339()))
        # The todos and their title claims; not the change records, which would be
        # numbered past the account's number and turn up in a later sync.
        kept = [
            item
            for item in capture.items
            if item["sk"]["S"].startswith((TODO_PREFIX, TITLE_PREFIX) if claims else TODO_PREFIX)
        ]
        self._write(kept + [swap(item, self.user_id, self.twin_id) for item in kept])
        for user_id in (self.user_id, self.twin_id):
            self.database.update_item(
                TableName=LOCAL_TABLE,
                Key=account_key(user_id),
                UpdateExpression="ADD todos :count",
                ExpressionAttributeValues={":count": {"N": str(len(creates))}},
            )
        return ids

    def _write(self, items: list[dict]) -> None:
        for start in range(0, len(items), BATCH):
            puts = [{"PutRequest": {"Item": item}} for item in items[start : start + BATCH]]
            pending = {LOCAL_TABLE: puts}
            while pending:
                pending = self.database.batch_write_item(RequestItems=pending)["UnprocessedItems"]

    def event(self, method: str, resource: str, **parts: Any) -> dict:
        params = parts.pop("path_params", None) or {}
        path = resource
        for name, value in params.items():
            path = path.replace(f"{{{name}}}", value)
        headers = bearer(self.token)
        params = params or None
        return api_event(method, resource, path, path_params=params, headers=headers, **parts)


def measure_tasks(harness: Harness, database: Any, name: str, repeats: int) -> list[TaskCost]:
    """Each route `repeats` times after one warm-up, its floor right after each request."""
    twins = Twins(harness, database, name)
    try:
        samples = {route: Sample() for route in ROUTES}
        _sync(twins, samples, repeats)
        _move(twins, samples[MOVE], repeats)
        for done in CLEAR_SIZES:
            _clear(twins, samples[clear_route(done)], done, repeats)
        _due(twins, samples[DUE], repeats)
    finally:
        twins.close()
    return [_summarise(route, sample) for route, sample in samples.items()]


def _rounds(repeats: int) -> range:
    return range(repeats + 1)  # round 0 warms up and is dropped


def _kept(sample: Sample) -> Sample:
    """The sample without its warm-up round."""
    return Sample(
        sample.ours[1:],
        sample.floor[1:],
        sample.ours_own[1:],
        sample.floor_own[1:],
        sample.calls,
        sample.items_read,
    )


def _summarise(route: str, sample: Sample) -> TaskCost:
    kept = _kept(sample)
    return TaskCost(
        route,
        kept.calls,
        kept.items_read,
        median(kept.ours),
        median(kept.floor),
        median(kept.ours_own),
        median(kept.floor_own),
    )


def _new_list(twins: Twins, title: str) -> str:
    event = twins.event("POST", "/v2/lists", body={"title": title})
    return twins.request(event, 201, "POST /v2/lists")[0].body["id"]


def _sync(twins: Twins, samples: dict[str, Sample], repeats: int) -> None:
    list_id = _new_list(twins, "sync")
    creates = [TodoCreate(f"synced {n}", list_id=list_id) for n in range(SYNC_CHANGES)]
    ids = twins.seed(creates)
    cursor = None
    while True:  # from scratch, to the end: then the cursor is up to date
        query = {"cursor": cursor} if cursor else None
        page = twins.request(twins.event("GET", "/v2/sync", query=query), 200, "sync")[0]
        cursor = page.body["next_cursor"]
        if not page.body["more"]:
            break
    for round_ in _rounds(repeats):
        event = twins.event("GET", "/v2/sync", query={"cursor": cursor})
        reply = twins.sample(samples[SYNC_NONE], event, 200, SYNC_NONE)
        _expect_changes(reply, 0)
        for todo_id in ids:
            patch = twins.event(
                "PATCH",
                "/v2/todos/{todo_id}",
                path_params={"todo_id": todo_id},
                body={"notes": f"round {round_}"},
            )
            twins.request(patch, 200, "PATCH /v2/todos/{id}")
        event = twins.event("GET", "/v2/sync", query={"cursor": cursor})
        reply = twins.sample(samples[SYNC_SOME], event, 200, SYNC_SOME)
        _expect_changes(reply, SYNC_CHANGES)
        cursor = reply.body["next_cursor"]


def _expect_changes(reply: Measured, count: int) -> None:
    if len(reply.body["todos"]) != count:
        raise RuntimeError(f"expected {count} changed todos, got {len(reply.body['todos'])}")


def _move(twins: Twins, sample: Sample, repeats: int) -> None:
    list_id = _new_list(twins, "moves")
    creates = [TodoCreate(f"placed {n}", list_id=list_id) for n in range(MOVE_LIST_SIZE)]
    ids = twins.seed(creates)
    moving, places = ids[-1], (ids[4], ids[12])  # back and forth between two gaps
    for round_ in _rounds(repeats):
        event = twins.event(
            "POST",
            "/v2/todos/{todo_id}/move",
            path_params={"todo_id": moving},
            body={"after": places[round_ % 2]},
        )
        twins.sample(sample, event, 200, MOVE)


def _clear(twins: Twins, sample: Sample, done: int, repeats: int) -> None:
    list_id = _new_list(twins, f"clear {done}")
    route = clear_route(done)
    for round_ in _rounds(repeats):
        titles = (f"done {round_}.{n}" for n in range(done))
        creates = [TodoCreate(title, Status.DONE, list_id=list_id) for title in titles]
        twins.seed(creates, claims=False)
        event = twins.event("POST", "/v2/lists/{list_id}/clear", path_params={"list_id": list_id})
        reply = twins.sample(sample, event, 200, route)
        if reply.body["cleared"] != done:
            raise RuntimeError(f"{route}: cleared {reply.body['cleared']}, not {done}")


def _due(twins: Twins, sample: Sample, repeats: int) -> None:
    list_id = _new_list(twins, "due dates")
    creates = [
        TodoCreate(f"due {n}", list_id=list_id, due=f"2027-{n % 12 + 1:02}-{n % 28 + 1:02}")
        if n % 2
        else TodoCreate(f"due {n}", list_id=list_id)
        for n in range(DUE_TODOS)
    ]
    twins.seed(creates)
    for _ in _rounds(repeats):
        event = twins.event("GET", "/v2/todos", query={"list_id": list_id, "order": "due"})
        reply = twins.sample(sample, event, 200, DUE)
        if len(reply.body["items"]) != 50 or reply.body["items"][0]["due"] is None:
            raise RuntimeError(f"{DUE}: expected a full page of dated todos")


SECTION_TEXT = """Each route's floor is the very DynamoDB calls it made, recorded as it made
them and sent again, right after it, from a bare Chalice route
(`tools/bench/replay_floor.py`) that decodes the same JWT and then calls a
plain boto3 client: nothing of ours. The calls go to a twin user whose items
are a copy of the measured user's, kept alike by replaying every write, so
each replayed write meets the same conditions and each read returns as many
items (the benchmark stops if it does not). The first ratio is of whole
handler times, calls included; as moto's time is most of both, it says
little and wanders with the machine's load. The own-time ratio leaves the
calls out of both: our code (Chalice's routing, our use cases, building and
serialising the answer) against Chalice and one JWT decode. Items read
counts the items in the replies: a Query's `Items`, a GetItem's `Item`, a
BatchGetItem's `Responses`. Sync reads the account item, then, if anything
changed since the cursor, the change records and, in one BatchGetItem, the
changed todos as they are now; clear-completed reads its list, then 90 done todos per transaction of
90 deletes; `order=due` reads one page plus one from the `by_due` index,
half of the 1,000 todos having a due date. Medians after a warm-up round;
the time our handler spent copying the recorded parameters is taken out."""


def section(costs: list[TaskCost]) -> str:
    from tools.bench.doc import calls_text, ms, us

    rows = [
        [
            c.route,
            calls_text(c.calls),
            f"{c.items_read:,}",
            ms(c.seconds),
            ms(c.floor_seconds),
            ratio(c.seconds, c.floor_seconds),
            us(c.overhead),
            us(c.floor_overhead),
            ratio(c.overhead, c.floor_overhead),
        ]
        for c in costs
    ]
    header = ["route", "DynamoDB calls", "items read", "handler", "floor", "ratio"]
    header += ["own time", "floor's own time", "ratio"]
    return SECTION_TEXT + "\n\n" + table(header, rows)
