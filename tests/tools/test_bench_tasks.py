"""`make bench`'s v2 task routes: one round of each, every row reported beside its floor.

The figures are never asserted (they depend on the machine). What is: that
every route the issue names gets a row, that each row's request made the
DynamoDB calls the README's table gives for it (so the floor replays real
work), and that the section of docs/PERFORMANCE.md shows every row.
"""

import os
import secrets
from collections import Counter
from collections.abc import Iterator

import pytest

from chalicelib import dependencies
from chalicelib.platform import retries
from infra.dev_stack import LOCAL_TABLE, create_table, local_client
from infra.local_stack import embedded_database
from tools.bench.harness import Harness, configure_environment
from tools.bench.tasks import (
    DUE,
    MOVE,
    ROUTES,
    SYNC_NONE,
    SYNC_SOME,
    TaskCost,
    clear_route,
    measure_tasks,
    section,
)
from tools.moto_tweaks import DATABASE


@pytest.fixture
def harness(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Harness, object]]:
    # The harness sets the bench's environment and timeouts for the whole process.
    kept_environment = dict(os.environ)
    for name in ("READ_TIMEOUT_SECONDS", "MAX_REQUEST_SECONDS"):
        monkeypatch.setattr(retries, name, getattr(retries, name))
    with embedded_database(DATABASE) as endpoint:
        create_table(endpoint, LOCAL_TABLE)
        configure_environment(endpoint, secrets.token_urlsafe(48))
        bench = Harness()
        try:
            yield bench, local_client(endpoint)
        finally:
            bench.close()
            os.environ.clear()
            os.environ.update(kept_environment)
            dependencies.reset()


def test_each_v2_task_route_is_measured_against_its_floor(harness) -> None:
    # GIVEN the bench's harness on an embedded database
    bench, database = harness

    # WHEN the task routes are measured once each, after a warm-up round
    costs = measure_tasks(bench, database, f"tasks-{secrets.token_hex(4)}", repeats=1)

    # THEN every route has a row, with its handler and floor timed
    by_route: dict[str, TaskCost] = {cost.route: cost for cost in costs}
    assert list(by_route) == list(ROUTES)
    for cost in costs:
        assert cost.seconds > 0, cost
        assert cost.floor_seconds > 0, cost
        assert cost.items_read > 0, cost  # every route reads at least the account or a page

    # AND each request made the calls the README's round-trip table gives
    calls = {route: Counter(cost.calls) for route, cost in by_route.items()}
    assert calls[MOVE] == {"BatchGetItem": 1, "Query": 2, "TransactWriteItems": 1}
    assert calls[SYNC_NONE] == {"GetItem": 1}
    assert calls[SYNC_SOME] == {"GetItem": 1, "Query": 1, "BatchGetItem": 1}
    assert calls[clear_route(90)] == {"GetItem": 1, "Query": 1, "TransactWriteItems": 1}
    assert calls[clear_route(900)] == {"GetItem": 1, "Query": 10, "TransactWriteItems": 10}
    assert calls[DUE] == {"Query": 1}

    # AND the document's section shows every row
    text = section(costs)
    for route in ROUTES:
        assert f"| {route} |" in text
