"""The v2 use cases for lists: the user's default list and the others they make."""

from collections.abc import Callable
from dataclasses import dataclass

from chalicelib.domain.errors import Conflict, NotFound, PreconditionFailed, Unavailable
from chalicelib.domain.ids import new_todo_id
from chalicelib.domain.lists import DEFAULT_LIST_ID, TodoList, is_list_id, renamed
from chalicelib.domain.todos import STALE_VERSION
from chalicelib.domain.users import Caller
from chalicelib.platform import retries
from chalicelib.platform.clock import Clock
from chalicelib.storage.list_store import ListStore

STALE_LIST = STALE_VERSION.replace("todo", "list")


@dataclass(frozen=True)
class Lists:
    _store: ListStore
    _clock: Clock
    _new_id: Callable[[], str] = new_todo_id

    def all(self, user_id: str) -> list[TodoList]:
        return self._store.all(user_id)

    def get(self, user_id: str, list_id: str) -> TodoList:
        found = self._store.get(user_id, _known_shape(list_id))
        if found is None:
            raise NotFound("No such list.")
        return found

    def create(self, caller: Caller, title: str) -> TodoList:
        now = self._clock()
        todo_list = TodoList(self._new_id(), title, now, now, version=1)
        self._store.create(caller, todo_list)
        return todo_list

    def rename(
        self, caller: Caller, list_id: str, title: str, if_match: tuple[int, ...] | None
    ) -> TodoList:
        budget = retries.current()
        while True:
            current = self.get(caller.user_id, list_id)
            if if_match is not None and current.version not in if_match:
                raise PreconditionFailed(STALE_LIST)
            if current.title == title:
                return current
            changed = renamed(current, title, self._clock())
            try:
                self._store.replace(caller, current, changed)
                return changed
            except PreconditionFailed:
                if if_match is not None or not budget.retry():
                    raise

    def delete(self, caller: Caller, list_id: str, if_match: tuple[int, ...] | None) -> int:
        """Delete a list and its todos; how many todos went. The default list stays.

        Safe to repeat: a retry of a deletion cut short finishes it.
        """
        if _known_shape(list_id) == DEFAULT_LIST_ID:
            raise Conflict("The default list cannot be deleted.")
        stored = self._store.stored(caller.user_id, list_id)
        if stored is None:
            raise NotFound("No such list.")
        todo_list, deleting = stored
        if if_match is not None and not deleting and todo_list.version not in if_match:
            raise PreconditionFailed(STALE_LIST)
        self._store.begin_deletion(caller, list_id)
        budget = retries.current()
        while True:
            try:
                deleted = self._store.delete_todos(caller, list_id)
                break
            except PreconditionFailed:
                if not budget.retry():
                    raise Unavailable("The list is changing too often to delete.") from None
        self._store.finish_deletion(caller, list_id)
        return deleted


def _known_shape(list_id: str) -> str:
    if not is_list_id(list_id):
        raise NotFound("No such list.")
    return list_id
