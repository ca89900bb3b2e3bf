"""The v2 writes and reads that come closest to DynamoDB's per-call limits, on DynamoDB Local.

moto enforces neither the 100 items of a transaction nor the 100 keys of
a BatchGetItem; DynamoDB refuses a call past them, which would surface as
a 500. Each test drives a route to its largest call: clearing and deleting
more todos than one transaction holds, a sync delta of more changed items
than one BatchGetItem reads, and a move that must spread out 40 todos'
positions in its one transaction, between positions of the longest length.
"""

from typing import Any

import jwt

from chalicelib.domain.positions import ALPHABET, MAX_LENGTH
from chalicelib.storage.todo_store import CLEAR_BATCH, REBALANCE_REACH
from tests.realdb.conftest import Handler
from tests.support.api import bearer, every_item
from tests.support.sync_replica import SyncReplica

BATCH_GET_KEYS = 100


class Client(SyncReplica):
    """One user's calls, and a replica kept by sync."""

    def __init__(self, handler: Handler) -> None:
        super().__init__(handler, handler.new_user())
        self.handler = handler

    def call(self, method: str, path: str, body: Any = None) -> Any:
        return self.handler(method, path, body, bearer(self.token))

    def make(self, count: int, prefix: str, **fields: Any) -> list[dict]:
        made = []
        for n in range(count):
            reply = self.call("POST", "/v2/todos", {"title": f"{prefix} {n:03d}", **fields})
            assert reply.status == 201, reply.body
            made.append(reply.body)
        return made

    def listing(self, query: str = "", limit: int = 100) -> list[dict]:
        return every_item(self.send, self.token, f"/v2/todos?limit={limit}{query}")

    def assert_replica_in_step(self) -> None:
        lists, todos = self.server_state()
        assert self.todos == todos
        assert self.lists == lists

    @property
    def user_id(self) -> str:
        return jwt.decode(self.token, options={"verify_signature": False})["sub"]


def account_todos(table_client: Any, table: str, user_id: str) -> int:
    key = {"pk": {"S": f"USER#{user_id}"}, "sk": {"S": "ACCOUNT"}}
    item = table_client.get_item(TableName=table, Key=key, ConsistentRead=True)["Item"]
    return int(item["todos"]["N"])


def test_a_sync_delta_of_more_items_than_one_batch_get_and_a_clear_of_two_transactions(
    handler: Handler, table_client: Any, real_table: str
) -> None:
    # GIVEN a synced client, then more new todos than a BatchGetItem takes
    client = Client(handler)
    client.pull()
    done = client.make(2 * CLEAR_BATCH + 5, "done", status="DONE")
    pending = client.make(3, "pending")
    assert len(done) + len(pending) > BATCH_GET_KEYS
    # WHEN the client syncs them, the most a page allows
    created_pages = client.pull(limit=100)
    # THEN it has them all
    assert len(created_pages) >= 2
    assert len(client.todos) == len(done) + len(pending)
    client.assert_replica_in_step()
    # WHEN the done todos are cleared: more than one transaction holds, in one request
    cleared = client.call("POST", "/v2/lists/default/clear")
    # THEN all went, the count follows, and a sync brings every tombstone
    assert (cleared.status, cleared.body) == (200, {"cleared": len(done), "more": False})
    assert [t["id"] for t in client.listing()] == [t["id"] for t in pending]
    assert account_todos(table_client, real_table, client.user_id) == len(pending)
    tombstones = [i for page in client.pull(limit=100) for i in page["deleted"]["todos"]]
    assert sorted(tombstones) == sorted(t["id"] for t in done)
    client.assert_replica_in_step()


def test_deleting_a_list_of_more_todos_than_a_transaction_holds(
    handler: Handler, table_client: Any, real_table: str
) -> None:
    # GIVEN a list of 95 todos, some done, besides one in the default list
    client = Client(handler)
    kept = client.make(1, "kept")
    groceries = client.call("POST", "/v2/lists", {"title": "Groceries"}).body
    todos = client.make(CLEAR_BATCH + 5, "item", list_id=groceries["id"])
    for todo in todos[::7]:
        assert client.call("PATCH", f"/v2/todos/{todo['id']}", {"status": "DONE"}).status == 200
    client.pull()
    # WHEN the list is deleted
    deleted = client.call("DELETE", f"/v2/lists/{groceries['id']}")
    # THEN it and every todo of it are gone, and a sync says so
    assert deleted.status == 204
    assert client.call("GET", f"/v2/lists/{groceries['id']}").status == 404
    for todo in todos[:: len(todos) // 5]:
        assert client.call("GET", f"/v2/todos/{todo['id']}").status == 404
    assert [t["id"] for t in client.listing()] == [kept[0]["id"]]
    assert account_todos(table_client, real_table, client.user_id) == 1
    pages = client.pull(limit=10)
    assert sorted(i for page in pages for i in page["deleted"]["todos"]) == sorted(
        t["id"] for t in todos
    )
    assert {i for page in pages for i in page["deleted"]["lists"]} == {groceries["id"]}
    client.assert_replica_in_step()


def test_a_move_between_positions_of_the_longest_length_spreads_out_its_neighbours(
    handler: Handler, table_client: Any, real_table: str
) -> None:
    # GIVEN 45 todos whose two middle ones have adjacent positions of the longest length
    # (as many moves into one gap would leave them), the rest short ones around them
    client = Client(handler)
    count = 2 * REBALANCE_REACH + 5
    todos = client.make(count, "t")
    middle = count // 2
    positions = [f"2{ALPHABET[n + 1]}" for n in range(middle)]
    positions += ["3" * (MAX_LENGTH - 1) + "1", "3" * (MAX_LENGTH - 1) + "2"]
    positions += [f"4{ALPHABET[n + 1]}" for n in range(count - middle - 2)]
    for todo, position in zip(todos, positions, strict=True):
        place_directly(table_client, real_table, client.user_id, todo["id"], position)
    model = [todo["id"] for todo in todos]
    # WHEN a client pages one at a time: one cursor holds a position of the longest length
    paged = client.listing(limit=1)
    # THEN the order is the positions' order, every page worked, and nothing repeats
    assert [t["id"] for t in paged] == model
    assert [t["position"] for t in paged] == positions
    # WHEN the first todo moves between the two longest positions, which leaves no room
    mover, anchor = todos[0], todos[middle]
    moved = client.call("POST", f"/v2/todos/{mover['id']}/move", {"after": anchor["id"]})
    # THEN the move worked, in one transaction of some 45 items, and the order holds
    assert moved.status == 200, moved.body
    model.remove(mover["id"])
    model.insert(model.index(anchor["id"]) + 1, mover["id"])
    after = client.listing(limit=7)
    assert [t["id"] for t in after] == model
    new_positions = [t["position"] for t in after]
    assert new_positions == sorted(new_positions)
    assert max(map(len, new_positions)) <= MAX_LENGTH
    # The mover and the 20 todos on each side of its new place were written together.
    last_written = max(todo["updated_at"] for todo in paged)
    rewritten = [todo for todo in after if todo["updated_at"] > last_written]
    assert len(rewritten) == 2 * REBALANCE_REACH + 1


def place_directly(
    table_client: Any, table: str, user_id: str, todo_id: str, position: str
) -> None:
    """Give a pending todo of the default list this position, as a move would store it."""
    table_client.update_item(
        TableName=table,
        Key={"pk": {"S": f"USER#{user_id}"}, "sk": {"S": f"TODO#{todo_id}"}},
        UpdateExpression="SET #position = :position, status_sk = :place",
        ConditionExpression="attribute_exists(pk)",
        ExpressionAttributeNames={"#position": "position"},
        ExpressionAttributeValues={
            ":position": {"S": position},
            ":place": {"S": f"PENDING#{position}#{todo_id}"},
        },
    )
