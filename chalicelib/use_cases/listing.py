"""Listing a list's todos, page by page: in its manual order, or by due date."""

from dataclasses import dataclass

from chalicelib.domain.due import due_sort_key
from chalicelib.domain.lists import DEFAULT_LIST_ID
from chalicelib.domain.todos import Status, Todo
from chalicelib.storage.due_pages import DuePager, DueRequest
from chalicelib.storage.todo_pages import PageRequest, PositionPager


@dataclass(frozen=True)
class Filters:
    """What a listing keeps: a status, due dates and a change time (as due.py's sort keys)."""

    status: Status | None = None
    due_before: str | None = None
    due_after: str | None = None
    updated_since: str | None = None

    def keep(self, todo: Todo) -> bool:
        if self.updated_since is not None and due_sort_key(todo.updated_at) < self.updated_since:
            return False
        if self.due_before is None and self.due_after is None:
            return True
        if todo.due is None:
            return False
        due = due_sort_key(todo.due)
        too_late = self.due_before is not None and due >= self.due_before
        too_early = self.due_after is not None and due < self.due_after
        return not (too_late or too_early)


@dataclass(frozen=True)
class ListQuery:
    limit: int
    list_id: str = DEFAULT_LIST_ID
    filters: Filters = Filters()
    order: str = "position"  # or "due"
    after: str | None = None  # where the previous page stopped: a place, or a due key
    snapshot: int | None = None
    phase: str = "position"  # order=due: "due" (todos with a due date), then "position"


@dataclass(frozen=True)
class Page:
    todos: list[Todo]
    more: bool
    after: str | None = None
    snapshot: int | None = None
    phase: str = "position"


@dataclass(frozen=True)
class Listing:
    _positions: PositionPager
    _dues: DuePager

    def page(self, user_id: str, query: ListQuery) -> Page:
        """A page in the manual order; or, for order=due, the todos with a due date
        soonest first, then those without in the manual order."""
        if query.phase != "due":
            return self._in_order(user_id, query, query.limit, query.after, query.snapshot)
        request = DueRequest(query.list_id, query.limit, query.after, query.filters)
        dated = self._dues.page(user_id, request)
        if dated.more or len(dated.todos) == query.limit:
            return Page(dated.todos, True, dated.last_key, None, "due")
        rest = self._in_order(user_id, query, query.limit - len(dated.todos), None, None)
        return Page(dated.todos + rest.todos, rest.more, rest.after, rest.snapshot)

    def _in_order(
        self, user_id: str, query: ListQuery, limit: int, after: str | None, snapshot: int | None
    ) -> Page:
        filters = query.filters
        status = filters.status
        keep = filters.keep
        if query.order == "due":  # the part after the dated todos: those without a date

            def keep(todo: Todo) -> bool:
                return todo.due is None and filters.keep(todo)

        statuses = (status,) if status else tuple(Status)
        request = PageRequest(query.list_id, statuses, limit, after, snapshot, keep)
        page = self._positions.page(user_id, request)
        return Page(page.todos, page.more, page.last_place, page.snapshot)
