"""In-memory stores with the same contract as the DynamoDB ones, for fast use-case tests.

They keep what DynamoDB keeps (a user's todos in id order, an account per
user with its todo count and since when its sessions stand) and answer
every read and write the way the DynamoDB stores do: NotFound,
PreconditionFailed, Conflict on a taken title, QuotaExceeded past the
quota, SessionEnded for a token older than the account's sessions.
tests/support/store_contract.py runs one suite against both, so they
cannot drift. Make the two stores of one user base over one MemoryDatabase.
"""

import threading
from dataclasses import dataclass, field

from chalicelib.domain.errors import (
    Conflict,
    NotFound,
    PreconditionFailed,
    QuotaExceeded,
    SessionEnded,
    Unavailable,
)
from chalicelib.domain.login_backoff import FailedLogins
from chalicelib.domain.todos import STALE_VERSION, Expected, Todo
from chalicelib.domain.users import Caller, User, email_key, username_key
from chalicelib.storage.title_claims import TITLE_TAKEN
from chalicelib.storage.user_store import Credentials, LoginRecord


@dataclass
class Account:
    user: User
    sessions_valid_from: int = 0
    deleting: bool = False


@dataclass
class MemoryDatabase:
    accounts: dict[str, Account] = field(default_factory=dict)
    logins: dict[str, tuple[User, str]] = field(default_factory=dict)
    emails: set[str] = field(default_factory=set)
    failures: dict[str, FailedLogins] = field(default_factory=dict)  # by username key
    todos: dict[str, dict[str, Todo]] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)


@dataclass
class MemoryTodoStore:
    database: MemoryDatabase = field(default_factory=MemoryDatabase)
    quota: int = 5000

    def list_all(self, user_id: str) -> list[Todo]:
        with self.database.lock:
            return sorted(self.database.todos.get(user_id, {}).values(), key=lambda t: t.id)

    def get(self, user_id: str, todo_id: str) -> Todo | None:
        with self.database.lock:
            return self.database.todos.get(user_id, {}).get(todo_id)

    def insert(self, caller: Caller, todo: Todo) -> None:
        with self.database.lock:
            self._check_session(caller)
            todos = self.database.todos.setdefault(caller.user_id, {})
            self._check_title_free(todos, todo.title, todo.id)
            if len(todos) >= self.quota:
                raise QuotaExceeded(self.quota)
            todos[todo.id] = todo

    def replace(
        self, caller: Caller, current: Todo, changed: Todo, expected: Expected | None = None
    ) -> None:
        with self.database.lock:
            self._check_session(caller)
            todos = self.database.todos.get(caller.user_id, {})
            if expected is None:
                expected = Expected(versions=(current.version,))
            self._guarded(caller.user_id, current.id, expected)
            if changed.title != current.title:
                self._check_title_free(todos, changed.title, current.id)
            todos[current.id] = changed

    def delete(self, caller: Caller, todo_id: str, expected: Expected) -> None:
        with self.database.lock:
            self._check_session(caller)
            self._guarded(caller.user_id, todo_id, expected)
            del self.database.todos[caller.user_id][todo_id]

    def _check_session(self, caller: Caller) -> None:
        account = self.database.accounts.get(caller.user_id)
        if account is None or account.sessions_valid_from > caller.token_issued_ms:
            raise SessionEnded()

    def _guarded(self, user_id: str, todo_id: str, expected: Expected) -> Todo:
        todo = self.database.todos.get(user_id, {}).get(todo_id)
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
    database: MemoryDatabase = field(default_factory=MemoryDatabase)

    def create(self, user: User, password_hash: str) -> None:
        with self.database.lock:
            if username_key(user.username) in self.database.logins:
                raise Conflict("That username is already taken.", field="username")
            if email_key(user.email) in self.database.emails:
                raise Conflict("That email is already registered.", field="email")
            self.database.logins[username_key(user.username)] = (user, password_hash)
            self.database.failures.pop(username_key(user.username), None)
            self.database.emails.add(email_key(user.email))
            self.database.accounts[user.id] = Account(user)

    def credentials(self, username: str) -> Credentials | None:
        return self.login_record(username).credentials

    def login_record(self, username: str) -> LoginRecord:
        key = username_key(username)
        with self.database.lock:
            failures = self.database.failures.get(key, FailedLogins())
            found = self.database.logins.get(key)
            if found is None:
                return LoginRecord(None, failures)
            account = self.database.accounts.get(found[0].id)
            deleting = {"deleting": {"BOOL": True}} if account and account.deleting else {}
        return LoginRecord(Credentials(found[0].id, found[1], deleting), failures)

    def record_failure(self, username: str, known: bool, restart: bool, now_ms: int) -> None:
        key = username_key(username)
        with self.database.lock:
            if known != (key in self.database.logins):
                return
            count = 0 if restart else self.database.failures.get(key, FailedLogins()).count
            self.database.failures[key] = FailedLogins(count + 1, now_ms)

    def record_success(
        self, username: str, credentials: Credentials, clear_failures: bool, new_hash: str | None
    ) -> None:
        key = username_key(username)
        with self.database.lock:
            found = self.database.logins.get(key)
            if found is None or found[0].id != credentials.user_id:
                return
            if clear_failures:
                self.database.failures.pop(key, None)
            if new_hash is not None and found[1] == credentials.password_hash:
                self.database.logins[key] = (found[0], new_hash)

    def ensure_account(self, credentials: Credentials) -> None:
        """Every user here has had an account since sign-up."""

    def end_sessions(self, user_id: str, valid_from: int) -> None:
        with self.database.lock:
            self.database.accounts[user_id].sessions_valid_from = valid_from


@dataclass
class MemoryAccountStore:
    database: MemoryDatabase = field(default_factory=MemoryDatabase)

    def account(self, user_id: str) -> User | None:
        with self.database.lock:
            found = self.database.accounts.get(user_id)
        return found.user if found else None

    def change_password(
        self, caller: Caller, user: User, old_hash: str, new_hash: str, valid_from: int
    ) -> None:
        with self.database.lock:
            account = self.database.accounts.get(user.id)
            if account is None or account.sessions_valid_from > caller.token_issued_ms:
                raise SessionEnded()
            login = self.database.logins.get(username_key(user.username))
            if login is None or login[1] != old_hash:
                raise Unavailable("The account changed meanwhile; try again.")
            self.database.logins[username_key(user.username)] = (login[0], new_hash)
            account.sessions_valid_from = valid_from

    def begin_deletion(self, caller: Caller, user: User, valid_from: int) -> None:
        with self.database.lock:
            account = self.database.accounts.get(user.id)
            deleting = account is not None and account.deleting
            if account is None or (
                account.sessions_valid_from > caller.token_issued_ms and not deleting
            ):
                raise SessionEnded()
            account.deleting = True
            account.sessions_valid_from = valid_from

    def delete_partition(self, user_id: str) -> int:
        with self.database.lock:
            return len(self.database.todos.pop(user_id, {}))

    def finish_deletion(self, user: User) -> None:
        with self.database.lock:
            self.database.logins.pop(username_key(user.username), None)
            self.database.failures.pop(username_key(user.username), None)
            self.database.emails.discard(email_key(user.email))
            self.database.accounts.pop(user.id, None)
