"""v2 listing: creation order, status filter, and cursors that never skip or repeat."""

import base64

import jwt
import pytest
from chalice.test import Client

from tests.routes.conftest import log_in, send_json, sign_up
from tests.support.api import bearer


def make_todos(client: Client, token: str, count: int, prefix: str = "todo") -> list[dict]:
    return [
        send_json(client, "POST", "/v2/todos", {"title": f"{prefix}-{i}"}, bearer(token)).json_body
        for i in range(count)
    ]


def list_page(client: Client, token: str, query: str = ""):
    return client.http.get(f"/v2/todos{query}", headers=bearer(token))


def walk(client: Client, token: str, limit: int, status: str | None = None) -> list[list[dict]]:
    pages, cursor = [], None
    while True:
        params = [f"limit={limit}"] + ([f"status={status}"] if status else [])
        params += [f"cursor={cursor}"] if cursor else []
        body = list_page(client, token, "?" + "&".join(params)).json_body
        pages.append(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


MORE_THAN_A_MAX_PAGE = 103


@pytest.mark.parametrize("limit", [1, 7, 50, 100])
def test_paging_over_more_than_100_todos_never_skips_or_repeats(
    client: Client, token: str, limit: int
) -> None:
    created = make_todos(client, token, MORE_THAN_A_MAX_PAGE)
    pages = walk(client, token, limit)
    seen = [todo["id"] for page in pages for todo in page]
    assert seen == [todo["id"] for todo in created]
    assert all(len(page) == limit for page in pages[:-1])
    assert len(pages) == -(-MORE_THAN_A_MAX_PAGE // limit)


def test_a_full_last_page_has_a_null_cursor(client: Client, token: str) -> None:
    make_todos(client, token, 6)
    pages = walk(client, token, 3)
    assert [len(page) for page in pages] == [3, 3]


def test_default_page_is_50(client: Client, token: str) -> None:
    make_todos(client, token, 51)
    body = list_page(client, token).json_body
    assert len(body["items"]) == 50
    assert body["next_cursor"] is not None


def test_an_empty_list(client: Client, token: str) -> None:
    assert list_page(client, token).json_body == {"items": [], "next_cursor": None}


def test_status_filter_pages_in_creation_order(client: Client, token: str) -> None:
    created = make_todos(client, token, 12)
    done_ids = [todo["id"] for todo in created[::3]]
    for todo_id in done_ids:
        send_json(client, "PATCH", f"/v2/todos/{todo_id}", {"status": "DONE"}, bearer(token))
    done_pages = walk(client, token, 2, status="DONE")
    assert [t["id"] for page in done_pages for t in page] == done_ids
    pending = [t["id"] for page in walk(client, token, 5, status="PENDING") for t in page]
    assert pending == [t["id"] for t in created if t["id"] not in done_ids]


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("?limit=0", 422),
        ("?limit=101", 422),
        ("?limit=-1", 422),
        ("?limit=ten", 422),
        ("?limit=%C2%B2", 422),
        ("?limit=%D9%A3", 422),
        ("?limit=0001", 422),
        ("?status=done", 422),
        ("?status=", 422),
        ("?cursor=garbage", 400),
        ("?cursor=", 400),
        ("?cursor=a.b", 400),
        ("?cursor=%F0%9F%98%80.x", 400),
    ],
)
def test_bad_list_parameters_are_4xx(client: Client, token: str, query: str, status: int) -> None:
    response = list_page(client, token, query)
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/problem+json"


def test_a_cursor_from_another_user_is_rejected(client: Client, token: str) -> None:
    make_todos(client, token, 3)
    cursor = list_page(client, token, "?limit=1").json_body["next_cursor"]
    intruder = log_in(client, sign_up(client))
    make_todos(client, intruder, 3, prefix="theirs")
    response = list_page(client, intruder, f"?limit=1&cursor={cursor}")
    assert response.status_code == 400


def test_a_cursor_for_another_filter_is_rejected(client: Client, token: str) -> None:
    make_todos(client, token, 3)
    cursor = list_page(client, token, "?limit=1").json_body["next_cursor"]
    response = list_page(client, token, f"?limit=1&status=DONE&cursor={cursor}")
    assert response.status_code == 400


def test_a_tampered_cursor_is_rejected(client: Client, token: str) -> None:
    make_todos(client, token, 3)
    cursor = list_page(client, token, "?limit=1").json_body["next_cursor"]
    payload, mac = cursor.split(".")
    flipped = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]
    assert list_page(client, token, f"?cursor={payload}.{mac}").status_code == 200
    assert list_page(client, token, f"?cursor={flipped}.{mac}").status_code == 400


def test_cursor_does_not_reveal_keys_or_the_user(client: Client, token: str) -> None:
    make_todos(client, token, 2)
    cursor = list_page(client, token, "?limit=1").json_body["next_cursor"]
    payload = cursor.split(".")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
    user_id = jwt.decode(token, options={"verify_signature": False})["sub"]
    assert user_id not in decoded
    assert "USER#" not in decoded
    assert "TODO#" not in decoded
    assert "pk" not in decoded


def test_lists_show_only_the_callers_todos(client: Client, token: str) -> None:
    mine = make_todos(client, token, 2)
    other = log_in(client, sign_up(client))
    make_todos(client, other, 2, prefix="theirs")
    assert list_page(client, token).json_body["items"] == mine


def test_todos_created_after_a_cursor_appear_on_later_pages(client: Client, token: str) -> None:
    first = make_todos(client, token, 3)
    cursor = list_page(client, token, "?limit=3").json_body["next_cursor"]
    assert cursor is None
    body = list_page(client, token, "?limit=2").json_body
    later = make_todos(client, token, 2, prefix="later")
    rest = list_page(client, token, f"?limit=10&cursor={body['next_cursor']}").json_body
    assert [t["id"] for t in rest["items"]] == [first[2]["id"]] + [t["id"] for t in later]
