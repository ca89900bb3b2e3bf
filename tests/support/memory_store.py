"""In-memory stores with the same contract as the DynamoDB ones, for fast use-case tests.

They keep what DynamoDB keeps, one user's todos in insertion order by id,
and answer every write the way the DynamoDB stores do: NotFound,
PreconditionFailed, Conflict on a taken title, QuotaExceeded past the
quota. tests/contract runs one suite against both, so they cannot drift.
"""

import threading
from dataclasses import dataclass, field, replace

from chalicelib.domain.errors import (
    Conflict,
    NotFound,
    PreconditionFailed,
    QuotaExceeded,
)
from chalicelib.domain.todos import STALE_VERSION, Expected, Status, Todo, TodoPatch
from chalicelib.domain.users import User, email_key, username_key
from chalicelib.storage.title_claims import TITLE_TAKEN
from chalicelib.storage.user_store import Credentials


@dataclass
class MemoryTodoStore:
    quota: int = 5000
    _todos: dict[str, dict[str, Todo]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def list_all(self, user_id: str) -> list[Todo]:
        with self._lock:
            return sorted(self._todos.get(user_id, {}).values(), key=lambda t: t.id)

    def page(
        self, user_id: str, status: Status | None, after_id: str | None, limit: int
    ) -> tuple[list[Todo], bool]:
        todos = [
            todo
            for todo in self.list_all(user_id)
            if status in (None, todo.status) and (after_id is None or todo.id > after_id)
        ]
        return todos[:limit], len(todos) > limit

    def get(self, user_id: str, todo_id: str) -> Todo | None:
        with self._lock:
            return self._todos.get(user_id, {}).get(todo_id)

    def insert(self, user_id: str, todo: Todo) -> None:
        with self._lock:
            todos = self._todos.setdefault(user_id, {})
            self._check_title_free(todos, todo.title, todo.id)
            if len(todos) >= self.quota:
                raise QuotaExceeded(self.quota)
            todos[todo.id] = todo

    def change(
        self, user_id: str, todo_id: str, patch: TodoPatch, now: str, expected: Expected
    ) -> Todo:
        if patch.title is not None:
            raise ValueError("a new title needs its claim: use replace()")
        with self._lock:
            current = self._guarded(user_id, todo_id, expected)
            # Like one UpdateItem: a new version even when the values are the same.
            version = current.version + 1
            changed = replace(current, **patch.changes(), updated_at=now, version=version)
            self._todos[user_id][todo_id] = changed
            return changed

    def replace(self, user_id: str, current: Todo, changed: Todo) -> None:
        with self._lock:
            todos = self._todos.get(user_id, {})
            stored = todos.get(current.id)
            if stored is None:
                raise NotFound("No such todo.")
            if stored.version != current.version:
                raise PreconditionFailed(STALE_VERSION)
            if changed.title != current.title:
                self._check_title_free(todos, changed.title, current.id)
            todos[current.id] = changed

    def delete(self, user_id: str, todo_id: str, expected: Expected) -> None:
        with self._lock:
            self._guarded(user_id, todo_id, expected)
            del self._todos[user_id][todo_id]

    def _guarded(self, user_id: str, todo_id: str, expected: Expected) -> Todo:
        todo = self._todos.get(user_id, {}).get(todo_id)
        if todo is None or (expected.title is not None and todo.title != expected.title):
            raise NotFound("No such todo.")
        if expected.versions is not None and todo.version not in expected.versions:
            raise PreconditionFailed(STALE_VERSION)
        return todo

    @staticmethod
    def _check_title_free(todos: dict[str, Todo], title: str, todo_id: str) -> None:
        if any(t.title == title and t.id != todo_id for t in todos.values()):
            raise Conflict(TITLE_TAKEN, field="title")


@dataclass
class MemoryUserStore:
    _users: dict[str, tuple[User, str]] = field(default_factory=dict)
    _emails: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def create(self, user: User, password_hash: str) -> None:
        with self._lock:
            if username_key(user.username) in self._users:
                raise Conflict("That username is already taken.", field="username")
            if email_key(user.email) in self._emails:
                raise Conflict("That email is already registered.", field="email")
            self._users[username_key(user.username)] = (user, password_hash)
            self._emails.add(email_key(user.email))

    def credentials(self, username: str) -> Credentials | None:
        with self._lock:
            found = self._users.get(username_key(username))
        return Credentials(found[0].id, found[1]) if found else None
