"""A syncing client's copy of one user's lists and todos, changed only by /v2/sync pages:
what the sync tests replay and then compare with what the server lists."""

from collections.abc import Callable

from tests.support.api import bearer, every_item
from tests.support.client import Send


class SyncReplica:
    def __init__(self, send: Send, token: str) -> None:
        self.send, self.token = send, token
        self.lists: dict[str, dict] = {}
        self.todos: dict[str, dict] = {}
        self.cursor: str | None = None

    def pull(self, limit: int | Callable[[], int] = 100) -> list[dict]:
        """Every page up to the last (`limit` per page, or a new pick of it for each page)."""
        pages = []
        while True:
            size = limit() if callable(limit) else limit
            after = f"&cursor={self.cursor}" if self.cursor else ""
            reply = self.send("GET", f"/v2/sync?limit={size}{after}", None, bearer(self.token))
            assert reply.status == 200, reply.body
            self.apply(reply.body)
            pages.append(reply.body)
            if not reply.body["more"]:
                return pages

    def apply(self, page: dict) -> None:
        """Replace what the page sends by id, and drop what it says was deleted."""
        self.lists.update({todo_list["id"]: todo_list for todo_list in page["lists"]})
        self.todos.update({todo["id"]: todo for todo in page["todos"]})
        for list_id in page["deleted"]["lists"]:
            self.lists.pop(list_id, None)
        for todo_id in page["deleted"]["todos"]:
            self.todos.pop(todo_id, None)
        self.cursor = page["next_cursor"]

    def server_state(self) -> tuple[dict[str, dict], dict[str, dict]]:
        """What the server holds, as its listings show it: every list, and every todo of each."""
        lists = {todo_list["id"]: todo_list for todo_list in self._read("/v2/lists")["items"]}
        todos = {}
        for list_id in lists:
            listed = every_item(self.send, self.token, f"/v2/todos?list_id={list_id}&limit=100")
            todos.update({todo["id"]: todo for todo in listed})
        return lists, todos

    def _read(self, path: str) -> dict:
        reply = self.send("GET", path, None, bearer(self.token))
        assert reply.status == 200, reply.body
        return reply.body
