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
from chalicelib.domain.todos import Expected, Status, Todo, TodoCreate, TodoPatch
from chalicelib.domain.users import SignUp
from chalicelib.platform.passwords import Passwords
from chalicelib.use_cases.accounts import Accounts, Credentials
from chalicelib.use_cases.items_by_title import ItemsByTitle
from chalicelib.use_cases.todos_by_id import ListQuery, TodosById
from tests.support.memory_store import MemoryTodoStore, MemoryUserStore
from tests.support.values import PASSWORD

USER = "user-1"


def ticking_clock():
    seconds = itertools.count()
    return lambda: f"2026-01-01T00:00:{next(seconds):02d}.000Z"


@pytest.fixture
def store() -> MemoryTodoStore:
    return MemoryTodoStore(quota=3)


@pytest.fixture
def todos(store: MemoryTodoStore) -> TodosById:
    return TodosById(store, ticking_clock())


@pytest.fixture
def board(store: MemoryTodoStore) -> ItemsByTitle:
    return ItemsByTitle(store, ticking_clock())


def test_a_status_patch_is_a_new_version_without_a_read(todos: TodosById) -> None:
    created = todos.create(USER, TodoCreate("washing"))
    done = todos.update(USER, created.id, TodoPatch(status=Status.DONE), if_match=(1,))
    assert (done.status, done.version, done.title) == (Status.DONE, 2, "washing")


def test_an_empty_patch_changes_nothing(todos: TodosById) -> None:
    created = todos.create(USER, TodoCreate("washing"))
    assert todos.update(USER, created.id, TodoPatch(), if_match=None) == created


def test_a_rename_onto_a_held_title_is_a_conflict(todos: TodosById) -> None:
    todos.create(USER, TodoCreate("taken"))
    mine = todos.create(USER, TodoCreate("mine"))
    with pytest.raises(Conflict):
        todos.update(USER, mine.id, TodoPatch(title="taken"), if_match=None)


def test_a_rename_with_a_stale_if_match_is_refused(todos: TodosById) -> None:
    created = todos.create(USER, TodoCreate("washing"))
    todos.update(USER, created.id, TodoPatch(status=Status.DONE), if_match=None)
    with pytest.raises(PreconditionFailed):
        todos.update(USER, created.id, TodoPatch(title="laundry"), if_match=(1,))


class ChangesOnceUnderARename(MemoryTodoStore):
    """A store where another writer marks the todo DONE just before the first rename lands."""

    raced = False

    def replace(self, user_id: str, current: Todo, changed: Todo) -> None:
        if not self.raced:
            self.raced = True
            self.change(user_id, current.id, TodoPatch(status=Status.DONE), "t", Expected())
        super().replace(user_id, current, changed)


def test_a_rename_racing_another_change_reads_again_and_keeps_both_changes() -> None:
    store = ChangesOnceUnderARename()
    todos = TodosById(store, ticking_clock())
    created = todos.create(USER, TodoCreate("washing"))
    renamed = todos.update(USER, created.id, TodoPatch(title="laundry"), if_match=None)
    assert (renamed.title, renamed.status, renamed.version) == ("laundry", Status.DONE, 3)


def test_the_same_race_with_if_match_is_a_failed_precondition() -> None:
    todos = TodosById(ChangesOnceUnderARename(), ticking_clock())
    created = todos.create(USER, TodoCreate("washing"))
    with pytest.raises(PreconditionFailed):
        todos.update(USER, created.id, TodoPatch(title="laundry"), if_match=(1,))


@pytest.mark.parametrize("todo_id", ["nope", "x" * 300, "01arz3ndektsv4rrffq69g5fav"])
def test_an_id_no_todo_could_have_is_not_found(todos: TodosById, todo_id: str) -> None:
    with pytest.raises(NotFound):
        todos.get(USER, todo_id)
    with pytest.raises(NotFound):
        todos.delete(USER, todo_id, if_match=None)


def test_a_list_pages_in_creation_order(todos: TodosById) -> None:
    made = [todos.create(USER, TodoCreate(f"t{n}")).id for n in range(3)]
    first = todos.list(USER, ListQuery(limit=2))
    rest = todos.list(USER, ListQuery(limit=2, after_id=first.todos[-1].id))
    assert ([t.id for t in first.todos], first.more) == (made[:2], True)
    assert ([t.id for t in rest.todos], rest.more) == (made[2:], False)


def test_the_v1_board_creates_a_held_title_as_a_no_op(board: ItemsByTitle) -> None:
    board.create(USER, "washing")
    assert [t.title for t in board.create(USER, "washing")] == ["washing"]


def test_the_v1_board_marks_done_and_deletes_by_title(board: ItemsByTitle) -> None:
    board.create(USER, "washing")
    board.create(USER, "ironing")
    assert [t.status for t in board.mark_done(USER, "washing")] == [Status.DONE, Status.PENDING]
    assert [t.title for t in board.delete(USER, "washing")] == ["ironing"]
    with pytest.raises(NotFound):
        board.mark_done(USER, "washing")


def test_the_v1_board_stops_at_the_quota(board: ItemsByTitle) -> None:
    for title in ("a", "b", "c"):
        board.create(USER, title)
    with pytest.raises(QuotaExceeded):
        board.create(USER, "d")


@pytest.fixture
def accounts() -> Accounts:
    return Accounts(MemoryUserStore(), Passwords(1, 8, 1), ticking_clock())


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
