"""Sync on DynamoDB Local: reads that moto allows and DynamoDB refuses, and deltas past
one BatchGetItem's 100 keys."""

from tests.realdb.conftest import Handler
from tests.support.api import bearer


def pull(handler: Handler, token: str, cursor: str | None, limit: int = 100) -> list[dict]:
    pages = []
    while True:
        query = f"/v2/sync?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        reply = handler("GET", query, headers=bearer(token))
        assert reply.status == 200, reply.body
        pages.append(reply.body)
        cursor = reply.body["next_cursor"]
        if not reply.body["more"]:
            return pages


def test_a_delta_with_nothing_new_is_empty_for_a_new_user_and_after_writes(
    handler: Handler,
) -> None:
    token = handler.new_user()
    (scratch,) = pull(handler, token, None)
    (nothing_yet,) = pull(handler, token, scratch["next_cursor"])
    handler("POST", "/v2/todos", {"title": "x"}, bearer(token))
    (one,) = pull(handler, token, nothing_yet["next_cursor"])
    (quiet,) = pull(handler, token, one["next_cursor"])
    assert (nothing_yet["todos"], nothing_yet["more"]) == ([], False)
    assert [todo["title"] for todo in one["todos"]] == ["x"]
    assert (quiet["todos"], quiet["lists"], quiet["deleted"]) == (
        [],
        [],
        {"lists": [], "todos": []},
    )
