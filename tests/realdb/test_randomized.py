"""A seeded random mix of v1 and v2 operations over several users and threads.

Each thread owns a set of titles (its namespace) within a user shared with
another thread, so every answer it gets can be checked against its own
model while the other thread writes to the same partition. At the end, the
table must hold exactly the union of the models: nothing lost, nothing
duplicated, no answer was a 5xx, and each user's todo counter equals the
todos they hold.
"""

import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import jwt

from tests.realdb.conftest import Handler
from tests.support.client import Reply

USERS = 4
THREADS_PER_USER = 2
OPERATIONS_PER_THREAD = 130
TITLES_PER_THREAD = 8


@dataclass
class Worker:
    handler: Handler
    token: str
    namespace: str
    rng: random.Random
    model: dict[str, dict] = field(default_factory=dict)  # title -> {"id", "status"}
    answers: list[int] = field(default_factory=list)

    def call(self, method: str, path: str, body: dict | None = None) -> Reply:
        reply = self.handler(method, path, body, {"authorization": f"Bearer {self.token}"})
        self.answers.append(reply.status)
        assert reply.status < 500, (method, path, reply.body)
        return reply

    def title(self) -> str:
        return f"{self.namespace}-{self.rng.randrange(TITLES_PER_THREAD)}"

    def known(self) -> list[str]:
        return sorted(t for t, todo in self.model.items() if todo["id"])

    def run(self) -> None:
        steps = [self.v1_create, self.v2_create, self.v1_edit, self.v1_delete, self.v2_patch,
                 self.v2_rename, self.v2_delete, self.v2_get, self.check_list]  # fmt: skip
        for _ in range(OPERATIONS_PER_THREAD):
            self.rng.choice(steps)()

    def v1_create(self) -> None:
        title = self.title()
        self.call("POST", f"/v1/item/create/{quote(title, safe='')}")
        self.model.setdefault(title, {"id": None, "status": "PENDING"})

    def v2_create(self) -> None:
        title = self.title()
        reply = self.call("POST", "/v2/todos", {"title": title})
        assert reply.status == (409 if title in self.model else 201)
        if reply.status == 201:
            self.model[title] = {"id": reply.body["id"], "status": "PENDING"}

    def v1_edit(self) -> None:
        title = self.title()
        reply = self.call("POST", "/v1/item/edit", {"title": title, "status": "DONE"})
        assert reply.status == (200 if title in self.model else 404)
        if title in self.model:
            self.model[title]["status"] = "DONE"

    def v1_delete(self) -> None:
        title = self.title()
        reply = self.call("POST", "/v1/item/delete", {"title": title, "status": "DONE"})
        assert reply.status == (200 if title in self.model else 404)
        self.model.pop(title, None)

    def v2_patch(self) -> None:
        if not self.known():
            return
        title = self.rng.choice(self.known())
        status = self.rng.choice(["PENDING", "DONE"])
        reply = self.call("PATCH", f"/v2/todos/{self.model[title]['id']}", {"status": status})
        assert (reply.status, reply.body["status"]) == (200, status)
        self.model[title]["status"] = status

    def v2_rename(self) -> None:
        if not self.known():
            return
        old, new = self.rng.choice(self.known()), self.title()
        reply = self.call("PATCH", f"/v2/todos/{self.model[old]['id']}", {"title": new})
        if new in self.model and new != old:
            assert reply.status == 409
            return
        assert (reply.status, reply.body["title"]) == (200, new)
        self.model[new] = self.model.pop(old)

    def v2_delete(self) -> None:
        if not self.known():
            return
        title = self.rng.choice(self.known())
        assert self.call("DELETE", f"/v2/todos/{self.model[title]['id']}").status == 204
        del self.model[title]

    def v2_get(self) -> None:
        if not self.known():
            return
        title = self.rng.choice(self.known())
        reply = self.call("GET", f"/v2/todos/{self.model[title]['id']}")
        assert (reply.body["title"], reply.body["status"]) == (title, self.model[title]["status"])

    def check_list(self) -> None:
        """Page through the user's todos; this namespace must match the model exactly."""
        mine = {todo["title"]: todo for todo in self.all_todos() if self.owns(todo["title"])}
        assert {t: todo["status"] for t, todo in mine.items()} == {
            t: todo["status"] for t, todo in self.model.items()
        }
        for title, todo in mine.items():
            self.model[title]["id"] = todo["id"]

    def all_todos(self) -> list[dict]:
        todos, cursor = [], ""
        limit = self.rng.randint(1, 10)
        while True:
            page = self.call("GET", f"/v2/todos?limit={limit}{cursor}").body
            todos += page["items"]
            if page["next_cursor"] is None:
                return todos
            cursor = f"&cursor={page['next_cursor']}"

    def owns(self, title: str) -> bool:
        return title.startswith(self.namespace + "-")


def test_a_thousand_mixed_operations_end_in_exactly_the_modelled_state(
    handler: Handler, table_client: Any, real_table: str
) -> None:
    tokens = [handler.new_user() for _ in range(USERS)]
    workers = [
        Worker(handler, tokens[n % USERS], f"w{n}", random.Random(n))  # noqa: S311
        for n in range(USERS * THREADS_PER_USER)
    ]
    with ThreadPoolExecutor(max_workers=len(workers)) as pool:
        for finished in [pool.submit(worker.run) for worker in workers]:
            finished.result()

    assert sum(len(worker.answers) for worker in workers) >= 1000
    for token in tokens:
        sharing = [worker for worker in workers if worker.token == token]
        expected = {t: m["status"] for w in sharing for t, m in w.model.items()}
        stored = sharing[0].all_todos()
        assert {todo["title"]: todo["status"] for todo in stored} == expected
        assert len(stored) == len(expected)
        assert todo_counter(table_client, real_table, token) == len(expected)


def todo_counter(table_client: Any, table: str, token: str) -> int:
    user_id = jwt.decode(token, options={"verify_signature": False})["sub"]
    key = {"pk": {"S": f"USER#{user_id}"}, "sk": {"S": "ACCOUNT"}}
    item = table_client.get_item(TableName=table, Key=key, ConsistentRead=True)["Item"]
    return int(item["todos"]["N"])
