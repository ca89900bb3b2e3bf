"""Paging a list on DynamoDB Local while other threads move todos and add new ones.

A client pages through the list a few todos at a time; meanwhile two
threads keep moving the list's todos to random places and inserting new
ones. Every todo that was in the list for the whole listing must come
exactly once, and no todo may come twice.
"""

import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.realdb.conftest import Handler
from tests.support.api import bearer, every_item

TODOS = 30
MOVERS = 2


def page_through(handler: Handler, token: str, limit: int, query: str = "") -> list[str]:
    return [todo["id"] for todo in every_item(handler, token, f"/v2/todos?limit={limit}{query}")]


@pytest.mark.parametrize(("seed", "query"), [(0, ""), (1, ""), (2, "&status=PENDING")])
def test_no_todo_is_skipped_or_repeated_while_others_move_and_arrive(
    handler: Handler, seed: int, query: str
) -> None:
    # GIVEN a list of 30 todos
    token = handler.new_user()
    original = []
    for n in range(TODOS):
        reply = handler("POST", "/v2/todos", {"title": f"t{n:02d}"}, bearer(token))
        original.append(reply.body["id"])
    rng = random.Random(seed)  # noqa: S311
    listing = threading.Event()
    listing.set()
    made: list[str] = []
    moves = Counter[int]()

    def mover(number: int, rng: random.Random) -> None:
        made_here = 0
        while listing.is_set():
            if rng.random() < 0.25:
                made_here += 1
                title = f"new {number}-{made_here}"
                reply = handler("POST", "/v2/todos", {"title": title}, bearer(token))
                assert reply.status == 201, reply.body
                made.append(reply.body["id"])
                continue
            todo_id, after = rng.sample(original, 2)
            body = {"after": None if rng.random() < 0.2 else after}
            reply = handler("POST", f"/v2/todos/{todo_id}/move", body, bearer(token))
            assert reply.status in (200, 412), reply.body  # 412: raced another move
            moves[number] += reply.status == 200

    # WHEN a client pages through it three at a time while two threads move and insert
    with ThreadPoolExecutor(max_workers=MOVERS) as pool:
        movers = [
            pool.submit(mover, n, random.Random(rng.random()))  # noqa: S311
            for n in range(MOVERS)
        ]
        try:
            # The movers are under way before paging starts.
            while sum(moves.values()) < 5 and not any(m.done() for m in movers):
                threading.Event().wait(0.01)
            seen = page_through(handler, token, 3, query)
        finally:
            listing.clear()
        for finished in movers:
            finished.result()
    # THEN every original todo came exactly once, and nothing came twice
    counts = Counter(seen)
    assert [todo_id for todo_id, count in counts.items() if count > 1] == []
    assert sorted(todo_id for todo_id in seen if todo_id in set(original)) == sorted(original)
    assert set(seen) <= set(original) | set(made)
    assert sum(moves.values()) > 10  # the listing really ran while todos moved
