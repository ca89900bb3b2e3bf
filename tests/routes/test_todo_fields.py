"""A todo's due date and completion time, and listing by due date, status or change time."""

import pytest
from chalice.test import Client

from tests.routes.test_task_lists import call, new_todo
from tests.support.api import V1
from tests.support.client import in_process


def patch(client: Client, token: str, todo: dict, body: dict):
    return call(client, token, "PATCH", f"/v2/todos/{todo['id']}", body, {"If-Match": "*"})


def listed(client: Client, token: str, query: str) -> list[str]:
    """Every title a listing gives, following its cursors."""
    titles, cursor = [], None
    while True:
        path = f"/v2/todos?{query}" + (f"&cursor={cursor}" if cursor else "")
        reply = call(client, token, "GET", path)
        assert reply.status_code == 200, reply.json_body
        titles += [todo["title"] for todo in reply.json_body["items"]]
        cursor = reply.json_body.get("next_cursor")
        if not cursor:
            return titles


@pytest.mark.parametrize(
    "due", ["2026-12-24", "2026-12-24T18:00:00Z", "2026-12-24T18:00:00.5+01:00", "2024-02-29"]
)
def test_a_due_date_or_date_time_is_kept_as_given(client: Client, token: str, due: str) -> None:
    todo = new_todo(client, token, "wrap presents", due=due)
    assert todo["due"] == due
    assert call(client, token, "GET", f"/v2/todos/{todo['id']}").json_body["due"] == due


@pytest.mark.parametrize(
    "due",
    [
        "2026-02-29",
        "2026-13-01",
        "tomorrow",
        "2026-12-24T24:00:00Z",
        "2026-12-24T23:59:60Z",
        "2026-12-24T18:00:00",
        "2026-12-24 18:00:00Z",
        "0001-01-01T00:00:00+01:00",
        "",
        20261224,
        True,
        ["2026-12-24"],
    ],
)
def test_anything_but_a_real_date_is_refused_naming_the_field(
    client: Client, token: str, due: object
) -> None:
    reply = call(client, token, "POST", "/v2/todos", {"title": "x", "due": due})
    assert reply.status_code == 422
    assert [e["field"] for e in reply.json_body["errors"]] == ["due"]
    assert call(client, token, "GET", "/v2/todos").json_body["items"] == []


def test_a_due_date_is_changed_and_emptied_with_null(client: Client, token: str) -> None:
    todo = new_todo(client, token, "call the bank", due="2026-12-24")
    assert patch(client, token, todo, {"due": "2026-12-27"}).json_body["due"] == "2026-12-27"
    emptied = patch(client, token, todo, {"due": None})
    assert emptied.status_code == 200
    assert emptied.json_body["due"] is None
    assert listed(client, token, "order=due") == ["call the bank"]
    assert listed(client, token, "due_after=2000-01-01") == []


def test_completed_at_is_set_when_done_and_cleared_when_pending_again(
    client: Client, token: str
) -> None:
    todo = new_todo(client, token, "file taxes")
    assert todo["completed_at"] is None
    done = patch(client, token, todo, {"status": "DONE"}).json_body
    assert done["completed_at"] == done["updated_at"]
    again = patch(client, token, todo, {"title": "file the taxes"}).json_body
    assert again["completed_at"] == done["completed_at"]
    assert patch(client, token, todo, {"status": "PENDING"}).json_body["completed_at"] is None
    # the book's edit marks done too
    assert V1(in_process(client)).edit(token, "file the taxes").status == 200
    read = call(client, token, "GET", f"/v2/todos/{todo['id']}").json_body
    assert read["status"] == "DONE"
    assert read["completed_at"] is not None


def test_order_due_puts_the_soonest_first_then_the_undated_in_manual_order(
    client: Client, token: str
) -> None:
    # GIVEN dates, instants in other zones, and todos with no date, made in a mixed order
    made = [
        ("no date 1", None),
        ("26th", "2026-12-26"),
        ("24th 18:00 UTC", "2026-12-24T19:00:00+01:00"),
        ("no date 2", None),
        ("24th, all day", "2026-12-24"),
        ("24th 09:00 UTC", "2026-12-24T09:00:00Z"),
        ("25th 01:00 UTC", "2026-12-24T20:00:00-05:00"),
        ("no date 3", None),
    ]
    for title, due in made:
        new_todo(client, token, title, **({"due": due} if due else {}))
    expected = [
        "24th, all day",
        "24th 09:00 UTC",
        "24th 18:00 UTC",
        "25th 01:00 UTC",
        "26th",
        "no date 1",
        "no date 2",
        "no date 3",
    ]
    # THEN every page size gives the same order, with nothing skipped or repeated
    for limit in (1, 2, 3, 5, 100):
        assert listed(client, token, f"order=due&limit={limit}") == expected


def test_due_filters_take_before_as_exclusive_and_after_as_inclusive(
    client: Client, token: str
) -> None:
    for title, due in [
        ("23rd", "2026-12-23"),
        ("24th", "2026-12-24"),
        ("24th noon", "2026-12-24T12:00:00Z"),
        ("25th", "2026-12-25"),
        ("none", None),
    ]:
        new_todo(client, token, title, **({"due": due} if due else {}))
    assert listed(client, token, "due_before=2026-12-24") == ["23rd"]
    assert listed(client, token, "due_after=2026-12-24&due_before=2026-12-25") == [
        "24th",
        "24th noon",
    ]
    assert listed(client, token, "due_after=2026-12-24T12:00:00%2B00:00&order=due") == [
        "24th noon",
        "25th",
    ]
    assert listed(client, token, "due_after=2026-12-25&limit=1") == ["25th"]


def test_status_and_updated_since_filters(client: Client, token: str, now: list[int]) -> None:
    old = new_todo(client, token, "old")
    done = new_todo(client, token, "done")
    patch(client, token, done, {"status": "DONE"})
    now[0] += 60_000
    since = call(client, token, "POST", "/v2/todos", {"title": "new"}).json_body["updated_at"]
    assert listed(client, token, "status=DONE") == ["done"]
    assert listed(client, token, "status=PENDING") == ["old", "new"]
    assert listed(client, token, f"updated_since={since}") == ["new"]
    patch(client, token, old, {"title": "old, renamed"})
    assert listed(client, token, f"updated_since={since}&limit=1") == ["old, renamed", "new"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("order=title", "order"),
        ("due_before=soon", "due_before"),
        ("due_after=2026-02-30", "due_after"),
        ("updated_since=yesterday", "updated_since"),
        ("status=LATE", "status"),
    ],
)
def test_bad_listing_parameters_are_refused_naming_them(
    client: Client, token: str, query: str, field: str
) -> None:
    reply = call(client, token, "GET", f"/v2/todos?{query}")
    assert reply.status_code == 422
    assert [e["field"] for e in reply.json_body["errors"]] == [field]


def test_a_cursor_works_only_for_the_listing_it_was_made_for(client: Client, token: str) -> None:
    for n in range(3):
        new_todo(client, token, f"t{n}", due=f"2026-12-2{n}")
    cursor = call(client, token, "GET", "/v2/todos?order=due&limit=1").json_body["next_cursor"]
    elsewhere = call(client, token, "GET", f"/v2/todos?limit=1&cursor={cursor}")
    assert elsewhere.status_code == 400
    assert "different list, order or filter" in elsewhere.json_body["detail"]
