"""The v2 use cases: todos as resources, addressed by id."""

from collections.abc import Callable
from dataclasses import dataclass

from chalicelib.domain.errors import (
    FieldError,
    InvalidInput,
    NotFound,
    PreconditionFailed,
    Unavailable,
)
from chalicelib.domain.ids import is_todo_id, new_todo_id
from chalicelib.domain.todos import (
    STALE_VERSION,
    Expected,
    Todo,
    TodoCreate,
    TodoPatch,
    apply,
    new_todo,
)
from chalicelib.domain.users import Caller
from chalicelib.platform import metrics, retries
from chalicelib.platform.clock import Clock
from chalicelib.storage.todo_store import TodoStore


@dataclass(frozen=True)
class TodosById:
    _store: TodoStore
    _clock: Clock
    _new_id: Callable[[], str] = new_todo_id

    def create(self, caller: Caller, create: TodoCreate) -> Todo:
        todo = new_todo(self._new_id(), create, self._clock())
        try:
            self._store.insert(caller, todo)
        except NotFound:
            raise unknown_list() from None
        metrics.count(metrics.TODOS_CREATED)
        return todo

    def get(self, user_id: str, todo_id: str) -> Todo:
        todo = self._store.get(user_id, known_shape(todo_id))
        if todo is None:
            raise NotFound("No such todo.")
        return todo

    def update(
        self, caller: Caller, todo_id: str, patch: TodoPatch, if_match: tuple[int, ...] | None
    ) -> Todo:
        """Apply a PATCH: read the todo, check If-Match, and write the change in one
        transaction conditional on the version read, which also moves the title's
        claim when the title changes. A change made meanwhile means reading again."""
        budget = retries.current()
        while True:
            current = self.get(caller.user_id, todo_id)
            if if_match is not None and current.version not in if_match:
                raise PreconditionFailed(STALE_VERSION)
            changed = apply(current, patch, self._clock())
            if changed is current:
                return current
            try:
                self._store.replace(caller, current, changed)
                return changed
            except PreconditionFailed:
                if not budget.retry():
                    raise Unavailable("The todo is changing too often to update.") from None

    def delete(self, caller: Caller, todo_id: str, if_match: tuple[int, ...] | None) -> None:
        self._store.delete(caller, known_shape(todo_id), Expected(versions=if_match))


def unknown_list() -> InvalidInput:
    return InvalidInput(FieldError("list_id", "must be one of your lists"))


def known_shape(todo_id: str) -> str:
    """The id as given, or NotFound without a DynamoDB call if no todo could have it."""
    if not is_todo_id(todo_id):
        raise NotFound("No such todo.")
    return todo_id
