"""What every todo and user store must do, as test classes to run against each store.

A test module subclasses StoreContract and provides a `stores` fixture:
a todo store built with a quota of QUOTA, a user store and an account
store, over one database. tests/unit runs it on the in-memory stores, tests/routes on the
DynamoDB stores over moto, tests/realdb on DynamoDB Local. Any stores that
pass are interchangeable behind the use cases.
"""

import time
from dataclasses import replace

import pytest

from chalicelib.domain.errors import (
    Conflict,
    NotFound,
    PreconditionFailed,
    QuotaExceeded,
    SessionEnded,
)
from chalicelib.domain.ids import new_todo_id, new_user_id
from chalicelib.domain.login_backoff import FailedLogins
from chalicelib.domain.todos import Expected, Status, Todo, TodoCreate, TodoPatch, apply, new_todo
from chalicelib.domain.users import Caller, User
from tests.support.values import unique

QUOTA = 4
NOW = "2026-01-02T03:04:05.678Z"
LATER = "2026-01-02T03:04:06.000Z"
DONE = TodoPatch(status=Status.DONE)


def todo(title: str, status: Status = Status.PENDING) -> Todo:
    return new_todo(new_todo_id(), TodoCreate(title, status), NOW)


def done(stored: Todo) -> Todo:
    return apply(stored, DONE, LATER)


def new_caller(users) -> Caller:
    """Sign a user up in the user store; the caller holds a token issued just now."""
    name = unique("contract")
    user = User(new_user_id(), name, f"{name}@example.com", NOW)
    users.create(user, "a hash")
    return Caller(user.id, int(time.time() * 1000))


class StoreContract:
    @pytest.fixture
    def store(self, stores):
        return stores[0]

    @pytest.fixture
    def users(self, stores):
        return stores[1]

    @pytest.fixture
    def accounts(self, stores):
        return stores[2]

    @pytest.fixture
    def caller(self, users) -> Caller:
        return new_caller(users)

    def test_an_inserted_todo_reads_back_as_it_was(self, store, caller: Caller) -> None:
        first, second = todo("a"), todo("b", Status.DONE)
        store.insert(caller, first)
        store.insert(caller, second)
        assert store.get(caller.user_id, first.id) == first
        assert store.list_all(caller.user_id) == [first, second]

    def test_todos_belong_to_their_user_alone(self, store, users, caller: Caller) -> None:
        mine = todo("a")
        store.insert(caller, mine)
        other = new_caller(users)
        assert store.get(other.user_id, mine.id) is None
        assert store.list_all(other.user_id) == []
        store.insert(other, todo("a"))  # the same title is free for another user

    def test_a_title_the_user_has_is_a_conflict_on_the_title(self, store, caller: Caller) -> None:
        store.insert(caller, todo("a"))
        with pytest.raises(Conflict) as conflict:
            store.insert(caller, todo("a"))
        assert conflict.value.field == "title"
        assert [t.title for t in store.list_all(caller.user_id)] == ["a"]

    def test_past_the_quota_an_insert_is_refused_and_a_delete_makes_room(
        self, store, caller: Caller
    ) -> None:
        kept = [todo(f"t{n}") for n in range(QUOTA)]
        for each in kept:
            store.insert(caller, each)
        with pytest.raises(QuotaExceeded) as refused:
            store.insert(caller, todo("one too many"))
        assert refused.value.limit == QUOTA
        store.delete(caller, kept[0].id, Expected())
        store.insert(caller, todo("now there is room"))

    def test_a_deleted_todos_title_is_free_again(self, store, caller: Caller) -> None:
        first = todo("a")
        store.insert(caller, first)
        store.delete(caller, first.id, Expected(title="a"))
        store.insert(caller, todo("a"))
        assert store.get(caller.user_id, first.id) is None

    def test_a_change_as_expected_is_stored_as_a_new_version(self, store, caller: Caller) -> None:
        first = todo("a")
        store.insert(caller, first)
        store.replace(caller, first, done(first), Expected(title="a", versions=(1,)))
        assert store.get(caller.user_id, first.id) == replace(
            first, status=Status.DONE, updated_at=LATER, completed_at=LATER, version=2
        )

    @pytest.mark.parametrize(
        ("expected", "error"),
        [
            (Expected(title="other"), NotFound),
            (Expected(versions=(2, 3)), PreconditionFailed),
            (Expected(versions=()), PreconditionFailed),
        ],
    )
    def test_changes_and_deletes_refuse_a_todo_not_as_expected(
        self, store, caller: Caller, expected: Expected, error: type[Exception]
    ) -> None:
        first = todo("a")
        store.insert(caller, first)
        with pytest.raises(error):
            store.replace(caller, first, done(first), expected)
        with pytest.raises(error):
            store.delete(caller, first.id, expected)
        assert store.get(caller.user_id, first.id) == first

    def test_changes_and_deletes_of_a_missing_todo_are_not_found(
        self, store, caller: Caller
    ) -> None:
        missing = todo("never stored")
        with pytest.raises(NotFound):
            store.replace(caller, missing, done(missing), Expected())
        with pytest.raises(NotFound):
            store.delete(caller, missing.id, Expected())
        assert store.list_all(caller.user_id) == []

    def test_replace_moves_the_title_and_frees_the_old_one(self, store, caller: Caller) -> None:
        first = todo("a")
        store.insert(caller, first)
        renamed = apply(first, TodoPatch(title="b"), LATER)
        store.replace(caller, first, renamed)
        assert store.get(caller.user_id, first.id) == renamed
        store.insert(caller, todo("a"))
        with pytest.raises(Conflict):
            store.insert(caller, todo("b"))

    def test_replace_onto_a_title_the_user_has_is_a_conflict(self, store, caller: Caller) -> None:
        first, second = todo("a"), todo("b")
        store.insert(caller, first)
        store.insert(caller, second)
        with pytest.raises(Conflict):
            store.replace(caller, first, apply(first, TodoPatch(title="b"), LATER))
        assert store.get(caller.user_id, first.id) == first

    def test_replace_over_a_version_that_moved_on_is_a_failed_precondition(
        self, store, caller: Caller
    ) -> None:
        first = todo("a")
        store.insert(caller, first)
        store.replace(caller, first, done(first))
        with pytest.raises(PreconditionFailed):
            store.replace(caller, first, apply(first, TodoPatch(title="b"), LATER))
        assert store.get(caller.user_id, first.id).title == "a"

    def test_once_sessions_end_older_tokens_read_but_never_write(
        self, store, users, caller: Caller
    ) -> None:
        # GIVEN a todo, and the account's sessions ended after the caller's token
        first = todo("a")
        store.insert(caller, first)
        users.end_sessions(caller.user_id, caller.token_issued_ms + 1)
        # THEN the token still reads, but every write is refused
        assert store.get(caller.user_id, first.id) == first
        for write in (
            lambda: store.insert(caller, todo("b")),
            lambda: store.replace(caller, first, done(first), Expected()),
            lambda: store.replace(caller, first, apply(first, TodoPatch(title="c"), LATER)),
            lambda: store.delete(caller, first.id, Expected()),
        ):
            with pytest.raises(SessionEnded):
                write()
        assert store.list_all(caller.user_id) == [first]
        # AND a token issued since writes as before
        fresh = Caller(caller.user_id, caller.token_issued_ms + 1)
        store.insert(fresh, todo("b"))

    def test_a_user_signs_up_once_by_name_and_once_by_email(self, users) -> None:
        name = unique("name")
        users.create(User("id-1", name, f"{name}@x.io", NOW), "hash-1")
        found = users.credentials(name.upper())
        assert (found.user_id, found.password_hash) == ("id-1", "hash-1")
        with pytest.raises(Conflict) as by_name:
            users.create(User("id-2", name.upper(), f"other-{name}@x.io", NOW), "hash-2")
        with pytest.raises(Conflict) as by_email:
            users.create(User("id-3", f"other-{name}", f"{name}@X.IO", NOW), "hash-3")
        assert (by_name.value.field, by_email.value.field) == ("username", "email")

    def test_an_unknown_name_has_no_credentials(self, users) -> None:
        assert users.credentials(unique("nobody")) is None

    def test_an_account_reads_back_as_signed_up(self, users, accounts, caller: Caller) -> None:
        user = accounts.account(caller.user_id)
        assert user.id == caller.user_id
        assert users.credentials(user.username).user_id == caller.user_id
        assert accounts.account(new_user_id()) is None

    def test_a_password_change_replaces_the_hash_and_ends_every_session(
        self, store, users, accounts, caller: Caller
    ) -> None:
        user = accounts.account(caller.user_id)
        later = caller.token_issued_ms + 1
        accounts.change_password(caller, user, "a hash", "a new hash", later)
        assert users.credentials(user.username).password_hash == "a new hash"
        with pytest.raises(SessionEnded):
            store.insert(caller, todo("a"))
        with pytest.raises(SessionEnded):  # and an ended session cannot change it again
            accounts.change_password(caller, user, "a new hash", "a third hash", later + 1)

    def test_deleting_an_account_leaves_nothing_and_can_be_run_again(
        self, store, users, accounts, caller: Caller
    ) -> None:
        user = accounts.account(caller.user_id)
        store.insert(caller, todo("a"))
        store.insert(caller, todo("b"))
        later = caller.token_issued_ms + 1
        accounts.begin_deletion(caller, user, later)
        with pytest.raises(SessionEnded):
            store.insert(caller, todo("c"))
        accounts.begin_deletion(caller, user, later + 1)  # a retry goes on
        assert accounts.delete_partition(user.id) >= 2  # the todos, and whatever keeps them
        assert accounts.delete_partition(user.id) == 0
        accounts.finish_deletion(user)
        assert (accounts.account(user.id), users.credentials(user.username)) == (None, None)
        assert store.list_all(user.id) == []
        users.create(User(new_user_id(), user.username, user.email, NOW), "a hash")

    def test_failures_are_counted_for_known_and_unknown_names_alike(
        self, users, accounts, caller: Caller
    ) -> None:
        known_name = accounts.account(caller.user_id).username
        for name, is_known in ((known_name, True), (unique("nobody"), False)):
            users.record_failure(name, is_known, restart=False, now_ms=1_000)
            users.record_failure(name, is_known, restart=False, now_ms=2_000)
            assert users.login_record(name).failures == FailedLogins(2, 2_000)
            users.record_failure(name, is_known, restart=True, now_ms=3_000)
            assert users.login_record(name).failures == FailedLogins(1, 3_000)
        assert users.login_record(known_name).credentials.user_id == caller.user_id

    def test_a_success_clears_failures_and_stores_an_upgraded_hash(
        self, users, caller: Caller, accounts
    ) -> None:
        name = accounts.account(caller.user_id).username
        users.record_failure(name, True, restart=False, now_ms=1_000)
        stored = users.credentials(name)
        users.record_success(name, stored, clear_failures=True, new_hash="an upgraded hash")
        record = users.login_record(name)
        assert (record.failures.count, record.credentials.password_hash) == (0, "an upgraded hash")
        # A hash that changed meanwhile stands: the upgrade was of the old one.
        users.record_success(name, stored, clear_failures=False, new_hash="a stale upgrade")
        assert users.credentials(name).password_hash == "an upgraded hash"

    def test_a_sign_up_replaces_an_unknown_names_failures_and_late_ones_do_not_touch_it(
        self, users
    ) -> None:
        # GIVEN failures counted for a name nobody has
        name = unique("later")
        users.record_failure(name, False, restart=False, now_ms=1_000)
        # WHEN the name signs up, and then a failure that read it as unknown lands
        user = User(new_user_id(), name, f"{name}@example.com", NOW)
        users.create(user, "a hash")
        users.record_failure(name, False, restart=False, now_ms=2_000)
        # THEN the user starts with no failures, and the late one was not counted
        record = users.login_record(name)
        assert (record.credentials.user_id, record.failures.count) == (user.id, 0)
