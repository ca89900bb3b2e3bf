"""Paging through v2 lists with cursors, over real HTTP and across both instances."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest

if TYPE_CHECKING:
    from tests.support.api import V2
    from tests.support.client import Send

pytestmark = pytest.mark.http

TITLES = [f"chore {n}" for n in range(7)]
DONE_INDEXES = {1, 3, 5}


@dataclass(frozen=True)
class Shelf:
    """One user's seven todos, three of them DONE, in creation order."""

    token: str
    ids: list[str]

    def ids_with(self, status: str) -> list[str]:
        done = status == "DONE"
        return [i for n, i in enumerate(self.ids) if (n in DONE_INDEXES) == done]


@pytest.fixture(scope="module")
def shelf(v2: V2) -> Shelf:
    token = v2.new_user()
    ids = []
    for n, title in enumerate(TITLES):
        status = "DONE" if n in DONE_INDEXES else "PENDING"
        created = v2.create(token, title, status=status)
        assert created.status == 201, created.body
        ids.append(created.body["id"])
    return Shelf(token, ids)


def walk(sends: list[Send], token: str, limit: int, status: str | None = None) -> list[Any]:
    """Every page from the first to the one whose next_cursor is null, each page's
    request going to the next Send in turn."""
    pages, cursor = [], None
    while True:
        query = f"?limit={limit}" + (f"&status={status}" if status else "")
        if cursor is not None:
            query += "&cursor=" + quote(cursor, safe="")
        send = sends[len(pages) % len(sends)]
        reply = send("GET", f"/v2/todos{query}", None, {"Authorization": f"Bearer {token}"})
        assert reply.status == 200, reply.body
        pages.append(reply.body)
        cursor = reply.body["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) <= len(TITLES), "the cursor never ran out"


def ids_of(pages: list[Any]) -> list[str]:
    return [todo["id"] for page in pages for todo in page["items"]]


@pytest.mark.parametrize(
    ("limit", "sizes"),
    [(1, [1] * 7), (2, [2, 2, 2, 1]), (3, [3, 3, 1]), (7, [7]), (100, [7])],
)
def test_paging_returns_every_todo_once_oldest_first_in_pages_of_the_limit(
    send: Send, shelf: Shelf, limit: int, sizes: list[int]
) -> None:
    pages = walk([send], shelf.token, limit)

    assert [len(page["items"]) for page in pages] == sizes
    assert ids_of(pages) == shelf.ids


@pytest.mark.parametrize(("status", "limit"), [("DONE", 3), ("DONE", 1), ("PENDING", 2)])
def test_a_status_filter_pages_in_creation_order_and_a_full_last_page_ends_the_list(
    send: Send, shelf: Shelf, status: str, limit: int
) -> None:
    pages = walk([send], shelf.token, limit, status)

    assert ids_of(pages) == shelf.ids_with(status)
    assert all(page["items"] for page in pages), "no page, the last included, is empty"
    assert {todo["status"] for page in pages for todo in page["items"]} == {status}


def test_a_cursor_from_one_instance_works_on_the_other(
    instances: tuple[Send, Send], shelf: Shelf
) -> None:
    pages = walk(list(instances), shelf.token, 2)

    assert ids_of(pages) == shelf.ids
    assert len(pages) == 4


def test_a_cursor_does_not_work_for_another_user_another_filter_or_once_altered(
    v2: V2, shelf: Shelf
) -> None:
    first_page = v2.list(shelf.token, "?limit=2").body
    cursor = quote(first_page["next_cursor"], safe="")
    stranger = v2.new_user()

    replies = [
        v2.list(stranger, f"?limit=2&cursor={cursor}"),
        v2.list(shelf.token, f"?limit=2&status=DONE&cursor={cursor}"),
        v2.list(shelf.token, f"?limit=2&cursor={cursor[:-2]}"),
    ]

    for reply in replies:
        assert (reply.status, reply.body["type"]) == (400, "/problems/malformed-request")


def test_a_new_user_has_an_empty_list_with_no_cursor(v2: V2, v2_token: str) -> None:
    reply = v2.list(v2_token)

    assert (reply.status, reply.body) == (200, {"items": [], "next_cursor": None})
    assert reply.headers["Cache-Control"] == "private, no-cache"
