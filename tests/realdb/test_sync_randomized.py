"""Sync under concurrent writers, on DynamoDB Local: the replica always catches up exactly.

Several threads write to one user at once, each with its own seeded mix of
v1 and v2 writes (creates, edits, moves within and across lists, deletes,
clear-completed, lists made and deleted), while a syncing client pulls
small pages. After the writers stop and a last pull, the client's replayed
state (lists and todos by id, the deleted removed) must equal what the API
shows. On the way, sync must never go backwards: a todo a page sends is
never older than the copy the client already holds.
"""

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest

from tests.realdb.conftest import Handler
from tests.support.api import bearer
from tests.support.client import Reply
from tests.support.sync_replica import SyncReplica

WRITERS = 4
WRITES_PER_WRITER = 45


@dataclass
class Writer:
    """One thread's writes. It acts on the todos and lists it made; others may delete
    them under it (a list deletion, a clear), so 404 and 409 are fair answers."""

    handler: Handler
    token: str
    name: str
    rng: random.Random
    todos: list[str] = field(default_factory=list)  # ids it made through v2
    titles: list[str] = field(default_factory=list)  # titles it made through v1
    lists: list[str] = field(default_factory=lambda: ["default"])
    made: int = 0

    def call(self, method: str, path: str, body: object = None, v1: bool = False) -> Reply:
        headers = {"token": self.token} if v1 else bearer(self.token)
        reply = self.handler(method, path, body, headers)
        assert reply.status < 500, (method, path, body, reply.body)
        return reply

    def run(self) -> None:
        steps = [self.create, self.create, self.v1_create, self.edit, self.move, self.move,
                 self.delete, self.v1_edit, self.v1_delete, self.clear, self.new_list,
                 self.delete_list]  # fmt: skip
        for _ in range(WRITES_PER_WRITER):
            self.rng.choice(steps)()

    def fresh_title(self) -> str:
        self.made += 1
        return f"{self.name}-{self.made}"

    def create(self) -> None:
        body = {"title": self.fresh_title(), "list_id": self.rng.choice(self.lists)}
        if self.rng.random() < 0.3:
            body["due"] = f"2027-0{self.rng.randint(1, 9)}-1{self.rng.randint(0, 9)}"
        reply = self.call("POST", "/v2/todos", body)
        if reply.status == 201:
            self.todos.append(reply.body["id"])

    def v1_create(self) -> None:
        title = self.fresh_title()
        if self.call("POST", f"/v1/item/create/{quote(title)}", v1=True).status == 200:
            self.titles.append(title)

    def edit(self) -> None:
        if self.todos:
            changes = [{"status": "DONE"}, {"status": "PENDING"}, {"notes": f"n{self.made}"},
                       {"due": None}, {"title": self.fresh_title()}]  # fmt: skip
            change = self.rng.choice(changes)
            self.call("PATCH", f"/v2/todos/{self.rng.choice(self.todos)}", change)

    def move(self) -> None:
        if self.todos:
            body = {"after": self.rng.choice([None, *self.todos])}
            if self.rng.random() < 0.3:
                body = {"after": None, "list_id": self.rng.choice(self.lists)}
            self.call("POST", f"/v2/todos/{self.rng.choice(self.todos)}/move", body)

    def delete(self) -> None:
        if self.todos:
            todo_id = self.todos.pop(self.rng.randrange(len(self.todos)))
            self.call("DELETE", f"/v2/todos/{todo_id}")

    def v1_edit(self) -> None:
        if self.titles:
            body = {"title": self.rng.choice(self.titles), "status": "DONE"}
            self.call("POST", "/v1/item/edit", body, v1=True)

    def v1_delete(self) -> None:
        if self.titles:
            title = self.titles.pop(self.rng.randrange(len(self.titles)))
            self.call("POST", "/v1/item/delete", {"title": title, "status": "DONE"}, v1=True)

    def clear(self) -> None:
        self.call("POST", f"/v2/lists/{self.rng.choice(self.lists)}/clear")

    def new_list(self) -> None:
        reply = self.call("POST", "/v2/lists", {"title": self.fresh_title()})
        if reply.status == 201:
            self.lists.append(reply.body["id"])

    def delete_list(self) -> None:
        if len(self.lists) > 1:
            list_id = self.lists.pop(self.rng.randrange(1, len(self.lists)))
            self.call("DELETE", f"/v2/lists/{list_id}")


class Replica(SyncReplica):
    """A syncing client that pulls a few items at a time, and checks that no page goes
    backwards: nothing it is sent is older than the copy it holds."""

    def __init__(self, handler: Handler, token: str, rng: random.Random) -> None:
        super().__init__(handler, token)
        self.rng = rng
        self.pages = 0

    def pull(self) -> list[dict]:
        return super().pull(limit=lambda: self.rng.choice([1, 3, 7, 100]))

    def apply(self, page: dict) -> None:
        self.pages += 1
        for todo in page["todos"]:
            held = self.todos.get(todo["id"])
            assert held is None or held["updated_at"] <= todo["updated_at"], (held, todo)
        for todo_list in page["lists"]:
            held = self.lists.get(todo_list["id"])
            assert held is None or held["updated_at"] <= todo_list["updated_at"]
        super().apply(page)


@pytest.mark.parametrize("seed", range(3))
def test_a_client_syncing_during_concurrent_writes_ends_with_the_servers_state(
    handler: Handler, seed: int
) -> None:
    # GIVEN a user with some todos, and a client that has synced them
    token = handler.new_user()
    rng = random.Random(seed)  # noqa: S311
    for n in range(5):
        assert handler("POST", "/v2/todos", {"title": f"old {n}"}, bearer(token)).status == 201
    replica = Replica(handler, token, random.Random(rng.random()))  # noqa: S311
    replica.pull()
    writers = [
        Writer(handler, token, f"s{seed}w{n}", random.Random(rng.random()))  # noqa: S311
        for n in range(WRITERS)
    ]
    # WHEN the writers write concurrently, and the client pulls all the while
    writing = threading.Event()
    writing.set()

    def keep_pulling() -> None:
        while writing.is_set():
            replica.pull()

    with ThreadPoolExecutor(max_workers=WRITERS + 1) as pool:
        puller = pool.submit(keep_pulling)
        running = [pool.submit(writer.run) for writer in writers]
        try:
            for finished in running:
                finished.result()
        finally:
            writing.clear()
        puller.result()
    replica.pull()
    # THEN the client holds exactly the server's lists and todos
    lists, todos = replica.server_state()
    assert replica.todos == todos
    assert replica.lists == lists
    assert replica.pages > 10
    assert len(todos) > 5  # the writers left something to compare
