"""What every todo and user store must do, as test classes to run against each store.

A test module subclasses TodoStoreContract (or UserStoreContract) and
provides a `store` fixture; tests/unit runs them on the in-memory stores,
tests/routes on the DynamoDB stores over moto, tests/realdb on DynamoDB
Local. Any store that passes is interchangeable behind the use cases.
"""

import pytest

from chalicelib.domain.errors import Conflict, NotFound, PreconditionFailed, QuotaExceeded
from chalicelib.domain.ids import new_todo_id
from chalicelib.domain.todos import Expected, Status, Todo, TodoCreate, TodoPatch, apply, new_todo
from chalicelib.domain.users import User
from tests.support.values import unique

QUOTA = 4
NOW = "2026-01-02T03:04:05.678Z"
LATER = "2026-01-02T03:04:06.000Z"


def todo(title: str, status: Status = Status.PENDING) -> Todo:
    return new_todo(new_todo_id(), TodoCreate(title, status), NOW)


class TodoStoreContract:
    """The store under test is built with a quota of QUOTA todos per user."""

    @pytest.fixture
    def user(self) -> str:
        return unique("contract")

    def test_an_inserted_todo_reads_back_as_it_was(self, store, user: str) -> None:
        first, second = todo("a"), todo("b", Status.DONE)
        store.insert(user, first)
        store.insert(user, second)
        assert store.get(user, first.id) == first
        assert store.list_all(user) == [first, second]

    def test_todos_belong_to_their_user_alone(self, store, user: str) -> None:
        mine = todo("a")
        store.insert(user, mine)
        other = unique("other")
        assert store.get(other, mine.id) is None
        assert store.list_all(other) == []
        store.insert(other, todo("a"))  # the same title is free for another user

    def test_a_title_the_user_has_is_a_conflict_on_the_title(self, store, user: str) -> None:
        store.insert(user, todo("a"))
        with pytest.raises(Conflict) as conflict:
            store.insert(user, todo("a"))
        assert conflict.value.field == "title"
        assert [t.title for t in store.list_all(user)] == ["a"]

    def test_past_the_quota_an_insert_is_refused_and_a_delete_makes_room(
        self, store, user: str
    ) -> None:
        kept = [todo(f"t{n}") for n in range(QUOTA)]
        for each in kept:
            store.insert(user, each)
        with pytest.raises(QuotaExceeded) as refused:
            store.insert(user, todo("one too many"))
        assert refused.value.limit == QUOTA
        store.delete(user, kept[0].id, Expected())
        store.insert(user, todo("now there is room"))

    def test_a_deleted_todos_title_is_free_again(self, store, user: str) -> None:
        first = todo("a")
        store.insert(user, first)
        store.delete(user, first.id, Expected(title="a"))
        store.insert(user, todo("a"))
        assert store.get(user, first.id) is None

    def test_change_applies_the_patch_as_a_new_version(self, store, user: str) -> None:
        first = todo("a")
        store.insert(user, first)
        done = TodoPatch(status=Status.DONE)
        changed = store.change(user, first.id, done, LATER, Expected(versions=(1,)))
        assert changed == Todo(first.id, "a", Status.DONE, NOW, LATER, 2)
        assert store.get(user, first.id) == changed

    @pytest.mark.parametrize(
        ("expected", "error"),
        [
            (Expected(title="other"), NotFound),
            (Expected(versions=(2, 3)), PreconditionFailed),
            (Expected(versions=()), PreconditionFailed),
        ],
    )
    def test_change_and_delete_refuse_a_todo_not_as_expected(
        self, store, user: str, expected: Expected, error: type[Exception]
    ) -> None:
        first = todo("a")
        store.insert(user, first)
        with pytest.raises(error):
            store.change(user, first.id, TodoPatch(status=Status.DONE), LATER, expected)
        with pytest.raises(error):
            store.delete(user, first.id, expected)
        assert store.get(user, first.id) == first

    def test_change_and_delete_of_a_missing_todo_are_not_found(self, store, user: str) -> None:
        missing = new_todo_id()
        with pytest.raises(NotFound):
            store.change(user, missing, TodoPatch(status=Status.DONE), LATER, Expected())
        with pytest.raises(NotFound):
            store.delete(user, missing, Expected())
        assert store.list_all(user) == []

    def test_replace_moves_the_title_and_frees_the_old_one(self, store, user: str) -> None:
        first = todo("a")
        store.insert(user, first)
        renamed = apply(first, TodoPatch(title="b"), LATER)
        store.replace(user, first, renamed)
        assert store.get(user, first.id) == renamed
        store.insert(user, todo("a"))
        with pytest.raises(Conflict):
            store.insert(user, todo("b"))

    def test_replace_onto_a_title_the_user_has_is_a_conflict(self, store, user: str) -> None:
        first, second = todo("a"), todo("b")
        store.insert(user, first)
        store.insert(user, second)
        with pytest.raises(Conflict):
            store.replace(user, first, apply(first, TodoPatch(title="b"), LATER))
        assert store.get(user, first.id) == first

    def test_replace_over_a_version_that_moved_on_is_a_failed_precondition(
        self, store, user: str
    ) -> None:
        first = todo("a")
        store.insert(user, first)
        store.change(user, first.id, TodoPatch(status=Status.DONE), LATER, Expected())
        with pytest.raises(PreconditionFailed):
            store.replace(user, first, apply(first, TodoPatch(title="b"), LATER))
        assert store.get(user, first.id).title == "a"

    def test_pages_follow_creation_order_filter_by_status_and_say_if_more_follow(
        self, store, user: str
    ) -> None:
        made = [todo(f"t{n}", Status.DONE if n % 2 else Status.PENDING) for n in range(QUOTA)]
        for each in made:
            store.insert(user, each)
        first, more = store.page(user, None, None, 3)
        assert (first, more) == (made[:3], True)
        rest, more = store.page(user, None, first[-1].id, 3)
        assert (rest, more) == (made[3:], False)
        done, more = store.page(user, Status.DONE, None, 10)
        assert (done, more) == ([t for t in made if t.status is Status.DONE], False)
        after, more = store.page(user, Status.DONE, made[1].id, 1)
        assert (after, more) == ([made[3]], False)


class UserStoreContract:
    def test_a_user_signs_up_once_by_name_and_once_by_email(self, store) -> None:
        name = unique("name")
        store.create(User("id-1", name, f"{name}@x.io", NOW), "hash-1")
        found = store.credentials(name.upper())
        assert (found.user_id, found.password_hash) == ("id-1", "hash-1")
        with pytest.raises(Conflict) as by_name:
            store.create(User("id-2", name.upper(), f"other-{name}@x.io", NOW), "hash-2")
        with pytest.raises(Conflict) as by_email:
            store.create(User("id-3", f"other-{name}", f"{name}@X.IO", NOW), "hash-3")
        assert (by_name.value.field, by_email.value.field) == ("username", "email")

    def test_an_unknown_name_has_no_credentials(self, store) -> None:
        assert store.credentials(unique("nobody")) is None
