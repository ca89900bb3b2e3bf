"""Changes made elsewhere, as another device would: straight to the v2 API over HTTP."""

from dataclasses import dataclass
from typing import Any

from tests.browser.page_kit import Account, api_token
from tests.support.api import bearer
from tests.support.client import http_client


@dataclass(frozen=True)
class Device:
    base_url: str
    token: str

    @classmethod
    def of(cls, base_url: str, account: Account) -> "Device":
        return cls(base_url, api_token(base_url, account))

    def send(self, method: str, path: str, body: dict | None = None) -> Any:
        """One call, which must succeed; its JSON body (None for 204)."""
        reply = http_client(self.base_url)(method, path, body, bearer(self.token))
        assert reply.status < 300, reply
        return reply.body

    def add(self, title: str, **fields: Any) -> dict:
        return self.send("POST", "v2/todos", {"title": title, **fields})

    def todos(self, list_id: str = "default") -> list[dict]:
        """The list's todos in its manual order, every page."""
        todos, cursor = [], None
        while True:
            query = f"v2/todos?list_id={list_id}&limit=100" + (
                f"&cursor={cursor}" if cursor else ""
            )
            page = self.send("GET", query)
            todos += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                return todos

    def titles(self, list_id: str = "default") -> list[str]:
        return [todo["title"] for todo in self.todos(list_id)]

    def lists(self) -> list[dict]:
        return self.send("GET", "v2/lists")["items"]
