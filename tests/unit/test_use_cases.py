"""The use cases on in-memory stores: their rules, with no HTTP and no DynamoDB."""

import itertools

import pytest

from chalicelib.domain.errors import (
    Conflict,
    NotFound,
    PreconditionFailed,
    QuotaExceeded,
    Unauthenticated,
)
from chalicelib.domain.todos import Expected, Status, Todo, TodoCreate, TodoPatch, apply
from chalicelib.domain.users import Caller, Credentials, SignUp, User
from chalicelib.platform.passwords import Passwords
from chalicelib.use_cases.accounts import Accounts
from chalicelib.use_cases.items_by_title import ItemsByTitle
from chalicelib.use_cases.todos_by_id import TodosById
from tests.support.memory_store import (
    MemoryAccountStore,
    MemoryDatabase,
    MemoryTodoStore,
    MemoryUserStore,
)
from tests.support.values import PASSWORD

NAME = "ada"


def ticking_clock():
    seconds = itertools.count()
    return lambda: f"2026-01-01T00:00:{next(seconds):02d}.000Z"


@pytest.fixture
def database() -> MemoryDatabase:
    return MemoryDatabase()


@pytest.fixture
def store(database: MemoryDatabase) -> MemoryTodoStore:
    return MemoryTodoStore(database, quota=3)


@pytest.fixture
def caller(database: MemoryDatabase) -> Caller:
    user = User("user-1", NAME, "ada@example.com", "2026-01-01T00:00:00.000Z")
    MemoryUserStore(database).create(user, "a hash")
    return Caller(user.id, token_issued_ms=1_000)


@pytest.fixture
def todos(store: MemoryTodoStore) -> TodosById:
    return TodosById(store, ticking_clock())


@pytest.fixture
def board(store: MemoryTodoStore) -> ItemsByTitle:
    return ItemsByTitle(store, ticking_clock())


def test_a_status_patch_is_a_new_version(todos: TodosById, caller: Caller) -> None:
    created = todos.create(caller, TodoCreate("washing"))
    done = todos.update(caller, created.id, TodoPatch(status=Status.DONE), if_match=(1,))
    assert (done.status, done.version, done.title) == (Status.DONE, 2, "washing")


def test_an_empty_patch_changes_nothing(todos: TodosById, caller: Caller) -> None:
    created = todos.create(caller, TodoCreate("washing"))
    assert todos.update(caller, created.id, TodoPatch(), if_match=None) == created


def test_a_rename_onto_a_held_title_is_a_conflict(todos: TodosById, caller: Caller) -> None:
    todos.create(caller, TodoCreate("taken"))
    mine = todos.create(caller, TodoCreate("mine"))
    with pytest.raises(Conflict):
        todos.update(caller, mine.id, TodoPatch(title="taken"), if_match=None)


def test_a_rename_with_a_stale_if_match_is_refused(todos: TodosById, caller: Caller) -> None:
    created = todos.create(caller, TodoCreate("washing"))
    todos.update(caller, created.id, TodoPatch(status=Status.DONE), if_match=None)
    with pytest.raises(PreconditionFailed):
        todos.update(caller, created.id, TodoPatch(title="laundry"), if_match=(1,))


class ChangesOnceUnderARename(MemoryTodoStore):
    """A store where another writer marks the todo DONE just before the first rename lands."""

    raced = False

    def replace(
        self, caller: Caller, current: Todo, changed: Todo, expected: Expected | None = None
    ) -> None:
        if not self.raced:
            self.raced = True
            super().replace(caller, current, apply(current, TodoPatch(status=Status.DONE), "t"))
        super().replace(caller, current, changed, expected)


def test_a_rename_racing_another_change_reads_again_and_keeps_both_changes(
    database: MemoryDatabase, caller: Caller
) -> None:
    todos = TodosById(ChangesOnceUnderARename(database), ticking_clock())
    created = todos.create(caller, TodoCreate("washing"))
    renamed = todos.update(caller, created.id, TodoPatch(title="laundry"), if_match=None)
    assert (renamed.title, renamed.status, renamed.version) == ("laundry", Status.DONE, 3)


def test_the_same_race_with_if_match_is_a_failed_precondition(
    database: MemoryDatabase, caller: Caller
) -> None:
    todos = TodosById(ChangesOnceUnderARename(database), ticking_clock())
    created = todos.create(caller, TodoCreate("washing"))
    with pytest.raises(PreconditionFailed):
        todos.update(caller, created.id, TodoPatch(title="laundry"), if_match=(1,))


@pytest.mark.parametrize("todo_id", ["nope", "x" * 300, "01arz3ndektsv4rrffq69g5fav"])
def test_an_id_no_todo_could_have_is_not_found(
    todos: TodosById, caller: Caller, todo_id: str
) -> None:
    with pytest.raises(NotFound):
        todos.get(caller.user_id, todo_id)
    with pytest.raises(NotFound):
        todos.delete(caller, todo_id, if_match=None)


def test_the_v1_board_creates_a_held_title_as_a_no_op(board: ItemsByTitle, caller: Caller) -> None:
    board.create(caller, "washing")
    assert [t.title for t in board.create(caller, "washing")] == ["washing"]


def test_the_v1_board_marks_done_and_deletes_by_title(board: ItemsByTitle, caller: Caller) -> None:
    board.create(caller, "washing")
    board.create(caller, "ironing")
    assert [t.status for t in board.mark_done(caller, "washing")] == [Status.DONE, Status.PENDING]
    assert [t.title for t in board.delete(caller, "washing")] == ["ironing"]
    with pytest.raises(NotFound):
        board.mark_done(caller, "washing")


def test_the_v1_board_stops_at_the_quota(board: ItemsByTitle, caller: Caller) -> None:
    for title in ("a", "b", "c"):
        board.create(caller, title)
    with pytest.raises(QuotaExceeded):
        board.create(caller, "d")


@pytest.fixture
def accounts() -> Accounts:
    database = MemoryDatabase()
    return Accounts(
        MemoryUserStore(database),
        MemoryAccountStore(database),
        Passwords(log2_n=4, block_size=1, parallelism=1),
        ticking_clock(),
        itertools.count(1_000).__next__,
    )


def test_a_taken_username_is_named_as_the_callers_api_names_it(accounts: Accounts) -> None:
    accounts.sign_up(SignUp("ada", "ada@example.com", PASSWORD), name_field="name")
    with pytest.raises(Conflict) as v1:
        accounts.sign_up(SignUp("ADA", "other@example.com", PASSWORD), name_field="name")
    with pytest.raises(Conflict) as v2:
        accounts.sign_up(SignUp("Ada", "third@example.com", PASSWORD), name_field="username")
    assert (v1.value.field, v2.value.field) == ("name", "username")


def test_log_in_gives_the_user_id_and_refuses_a_wrong_password_or_name(
    accounts: Accounts,
) -> None:
    user = accounts.sign_up(SignUp("ada", "ada@example.com", PASSWORD), name_field="username")
    assert accounts.log_in(Credentials("ada", PASSWORD)) == user.id
    for wrong in (Credentials("ada", "not the password"), Credentials("bob", PASSWORD)):
        with pytest.raises(Unauthenticated) as refused:
            accounts.log_in(wrong)
        assert refused.value.reason == "invalid_credentials"
