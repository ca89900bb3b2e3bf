"""Sync: a client that replays every page it gets ends with exactly the server's lists and
todos, whatever was written meanwhile and through whichever API; old cursors are refused."""

import random

import pytest
from chalice.test import Client

from chalicelib import dependencies
from chalicelib.storage.changes import HORIZON_DAYS
from tests.routes.conftest import CallLog
from tests.routes.test_task_lists import call, new_list, new_todo
from tests.support.api import V1
from tests.support.client import in_process
from tests.support.sync_replica import SyncReplica

DAY_US = 86_400 * 1_000_000


def assert_in_step(replica: SyncReplica) -> None:
    lists, todos = replica.server_state()
    assert replica.todos == todos
    # The default list exists before anyone writes it; sync sends it once it has been.
    assert {k: v for k, v in replica.lists.items()} == {
        k: v for k, v in lists.items() if k in replica.lists or k != "default"
    }


def test_a_sync_from_scratch_pages_through_everything_then_deltas_bring_each_change(
    client: Client, token: str
) -> None:
    # GIVEN two lists and 25 todos
    groceries = new_list(client, token, "Groceries")
    for n in range(15):
        new_todo(client, token, f"task {n}")
    for n in range(10):
        new_todo(client, token, f"buy {n}", list_id=groceries["id"])
    # WHEN a new client syncs 7 at a time
    replica = SyncReplica(in_process(client), token)
    pages = replica.pull(limit=7)
    # THEN it took several pages and holds exactly what the server holds
    assert len(pages) >= 4
    assert_in_step(replica)
    assert len(replica.todos) == 25
    # AND with nothing new, a delta is empty
    (quiet,) = replica.pull()
    assert (quiet["todos"], quiet["lists"], quiet["deleted"]) == (
        [],
        [],
        {"lists": [], "todos": []},
    )


def test_every_kind_of_write_reaches_a_syncing_client(client: Client, token: str) -> None:
    replica = SyncReplica(in_process(client), token)
    replica.pull()
    groceries = new_list(client, token, "Groceries")
    milk = new_todo(client, token, "milk", list_id=groceries["id"])
    bread = new_todo(client, token, "bread")
    # v2 edits, a move, a delete, and v1 writes, which share the same items
    call(client, token, "PATCH", f"/v2/todos/{bread['id']}", {"status": "DONE"}, {"If-Match": "*"})
    call(
        client, token, "POST", f"/v2/todos/{milk['id']}/move", {"after": None, "list_id": "default"}
    )
    v1 = V1(in_process(client))
    assert v1.create(token, "from the book").status == 200
    assert v1.create(token, "book two").status == 200
    assert v1.edit(token, "book two").status == 200
    assert v1.delete(token, "from the book").status == 200
    eggs = new_todo(client, token, "eggs")
    assert call(client, token, "DELETE", f"/v2/todos/{eggs['id']}").status_code == 204
    replica.pull()
    assert_in_step(replica)
    assert {t["title"] for t in replica.todos.values()} == {"milk", "bread", "book two"}
    assert eggs["id"] not in replica.todos


def test_deleting_a_list_sends_tombstones_for_it_and_its_todos(client: Client, token: str) -> None:
    groceries = new_list(client, token, "Groceries")
    milk = new_todo(client, token, "milk", list_id=groceries["id"])
    replica = SyncReplica(in_process(client), token)
    replica.pull()
    assert milk["id"] in replica.todos
    assert call(client, token, "DELETE", f"/v2/lists/{groceries['id']}").status_code == 204
    pages = replica.pull()
    assert any(groceries["id"] in page["deleted"]["lists"] for page in pages)
    assert any(milk["id"] in page["deleted"]["todos"] for page in pages)
    assert milk["id"] not in replica.todos
    assert groceries["id"] not in replica.lists


@pytest.mark.parametrize("seed", range(4))
def test_a_replica_syncing_between_random_writes_always_matches_the_server(
    client: Client, token: str, seed: int
) -> None:
    rng = random.Random(seed)  # noqa: S311
    replica = SyncReplica(in_process(client), token)
    lists = ["default", new_list(client, token, "Work")["id"]]
    for step in range(40):
        mine = sorted(replica.server_state()[1].values(), key=lambda t: t["id"])
        action = rng.choice(["create", "create", "edit", "move", "delete", "sync"])
        if action == "create" or not mine:
            new_todo(client, token, f"t{step}", list_id=rng.choice(lists))
        elif action == "edit":
            todo = rng.choice(mine)
            status = rng.choice(["DONE", "PENDING"])
            call(
                client,
                token,
                "PATCH",
                f"/v2/todos/{todo['id']}",
                {"status": status},
                {"If-Match": "*"},
            )
        elif action == "move":
            todo, after = rng.choice(mine), rng.choice([None, *mine])
            body = {"after": after["id"] if after and after["list_id"] == todo["list_id"] else None}
            call(client, token, "POST", f"/v2/todos/{todo['id']}/move", body)
        elif action == "delete":
            call(client, token, "DELETE", f"/v2/todos/{rng.choice(mine)['id']}")
        else:
            replica.pull(limit=rng.choice([3, 100]))
            assert_in_step(replica)
    replica.pull(limit=5)
    assert_in_step(replica)


def test_a_delta_with_changes_reads_the_account_the_records_and_the_bodies_once(
    client: Client, token: str, dynamodb_calls: CallLog
) -> None:
    replica = SyncReplica(in_process(client), token)
    replica.pull()
    for n in range(5):
        new_todo(client, token, f"t{n}")
    calls = dynamodb_calls.during()
    replica.pull()
    assert calls.operations == ["GetItem", "Query", "BatchGetItem"]
    calls = dynamodb_calls.during()
    replica.pull()
    assert calls.operations == ["GetItem"]


def test_a_cursor_older_than_the_horizon_is_gone_and_a_fresh_sync_works(
    client: Client, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    replica = SyncReplica(in_process(client), token)
    replica.pull()
    later = dependencies.now_us() + (HORIZON_DAYS + 1) * DAY_US
    monkeypatch.setattr(dependencies, "now_us", lambda: later)
    dependencies.reset()
    stale = call(client, token, "GET", f"/v2/sync?cursor={replica.cursor}")
    assert stale.status_code == 410
    assert stale.json_body["type"].endswith("/gone")
    assert "from scratch" in stale.json_body["detail"]
    assert call(client, token, "GET", "/v2/sync").status_code == 200


def test_cursors_are_refused_when_forged_or_from_another_user(client: Client, token: str) -> None:
    replica = SyncReplica(in_process(client), token)
    replica.pull()
    other = V1(in_process(client)).new_user()
    for cursor in ("nonsense", replica.cursor[:-2] + "AA", replica.cursor):
        reply = call(client, other, "GET", f"/v2/sync?cursor={cursor}")
        assert reply.status_code == 400, cursor
        assert reply.json_body["type"].endswith("/malformed-request")
    assert call(client, token, "GET", "/v2/sync?limit=0").status_code == 422


def test_a_delta_of_exactly_a_full_page_says_nothing_more_follows(
    client: Client, token: str
) -> None:
    replica = SyncReplica(in_process(client), token)
    replica.pull()
    for n in range(100):
        new_todo(client, token, f"t{n}")
    pages = replica.pull()
    assert [len(page["todos"]) for page in pages] == [100]
    assert pages[-1]["more"] is False
