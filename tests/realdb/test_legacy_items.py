"""Todos stored by the release before lists, on DynamoDB Local: every route works on them.

The items are written with the low-level client exactly as that release
(a84ea7a) wrote them: a todo with id, title, status, notes, times and
version, and `status_sk` `<STATUS>#<id>`, but no list_id, position, due or
completed_at; a title claim `TITLE#<digest>` naming it; the account's
count. They must read as in the default list in creation order, and v1
and v2 must read, change, move, clear and sync them with no migration.
"""

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import jwt
import pytest

from chalicelib.domain.ids import new_todo_id
from chalicelib.storage.dynamo import key_digest
from tests.realdb.conftest import Handler
from tests.support.api import bearer, every_item

# title -> status, in creation order
LEGACY = {"a": "PENDING", "b": "PENDING", "c": "DONE", "d": "PENDING", "e": "DONE", "f": "PENDING"}


@dataclass
class LegacyUser:
    handler: Handler
    token: str
    ids: dict[str, str]  # title -> id

    def v2(self, method: str, path: str, body: Any = None, **headers: str) -> Any:
        merged = {**bearer(self.token), **{k.replace("_", "-"): v for k, v in headers.items()}}
        return self.handler(method, path, body, merged)

    def v1(self, method: str, path: str, body: Any = None) -> Any:
        return self.handler(method, path, body, {"token": self.token})

    def titles(self, query: str = "", limit: int = 2) -> list[str]:
        listed = every_item(self.handler, self.token, f"/v2/todos?limit={limit}{query}")
        return [todo["title"] for todo in listed]


def user_id_of(token: str) -> str:
    return jwt.decode(token, options={"verify_signature": False})["sub"]


@pytest.fixture
def legacy(handler: Handler, table_client: Any, real_table: str) -> LegacyUser:
    """A user whose todos the previous release stored."""
    token = handler.new_user()
    pk = {"S": f"USER#{user_id_of(token)}"}
    ids = {}
    for index, (title, status) in enumerate(LEGACY.items()):
        todo_id = ids[title] = new_todo_id()
        stamp = {"S": f"2026-11-0{index + 1}T09:00:00.000Z"}
        todo = {
            "pk": pk,
            "sk": {"S": f"TODO#{todo_id}"},
            "id": {"S": todo_id},
            "title": {"S": title},
            "status": {"S": status},
            "created_at": stamp,
            "updated_at": stamp,
            "version": {"N": "1"},
            "notes": {"S": ""},
            "status_sk": {"S": f"{status}#{todo_id}"},
        }
        claim = {"pk": pk, "sk": {"S": f"TITLE#{key_digest(title)}"}, "todo_id": {"S": todo_id}}
        table_client.put_item(TableName=real_table, Item=todo)
        table_client.put_item(TableName=real_table, Item=claim)
    table_client.update_item(
        TableName=real_table,
        Key={"pk": pk, "sk": {"S": "ACCOUNT"}},
        UpdateExpression="SET todos = :count",
        ExpressionAttributeValues={":count": {"N": str(len(LEGACY))}},
    )
    return LegacyUser(handler, token, ids)


def account_todos(table_client: Any, table: str, token: str) -> int:
    key = {"pk": {"S": f"USER#{user_id_of(token)}"}, "sk": {"S": "ACCOUNT"}}
    return int(table_client.get_item(TableName=table, Key=key)["Item"]["todos"]["N"])


def test_they_read_as_the_default_lists_todos_in_creation_order(legacy: LegacyUser) -> None:
    page = legacy.v2("GET", "/v2/todos?limit=100").body["items"]
    read = legacy.v2("GET", f"/v2/todos/{legacy.ids['c']}")

    assert [todo["title"] for todo in page] == list(LEGACY)
    assert legacy.titles() == list(LEGACY)  # two a page, through cursors
    assert legacy.titles("&status=DONE", limit=1) == ["c", "e"]
    assert legacy.titles("&order=due") == list(LEGACY)
    for todo in page:
        assert (todo["list_id"], todo["position"]) == ("default", todo["id"])
        assert (todo["due"], todo["completed_at"], todo["notes"]) == (None, None, "")
    assert (read.status, read.headers["ETag"], read.body["status"]) == (200, '"1"', "DONE")
    assert [x["id"] for x in legacy.v2("GET", "/v2/lists").body["items"]] == ["default"]


def test_v1_reads_edits_deletes_and_keeps_their_titles(
    legacy: LegacyUser, table_client: Any, real_table: str
) -> None:
    board = legacy.v1("GET", "/v1/item/get").body
    assert [i["title"] for i in board["pending_items"]] == ["a", "b", "d", "f"]
    assert [i["title"] for i in board["done_items"]] == ["c", "e"]

    edited = legacy.v1("POST", "/v1/item/edit", {"title": "a", "status": "DONE"})
    deleted = legacy.v1("POST", "/v1/item/delete", {"title": "b", "status": "PENDING"})
    again = legacy.v1("POST", f"/v1/item/create/{quote('d')}")
    taken = legacy.v2("POST", "/v2/todos", {"title": "f"})

    assert (edited.status, deleted.status, again.status) == (200, 200, 200)
    assert [i["title"] for i in again.body["pending_items"]] == ["d", "f"]
    assert [i["title"] for i in again.body["done_items"]] == ["a", "c", "e"]
    assert (taken.status, taken.body["field"]) == (409, "title")
    assert legacy.v2("GET", f"/v2/todos/{legacy.ids['a']}").body["status"] == "DONE"
    assert legacy.v2("GET", f"/v2/todos/{legacy.ids['b']}").status == 404
    assert account_todos(table_client, real_table, legacy.token) == len(LEGACY) - 1


def test_v2_patches_moves_and_deletes_them(
    legacy: LegacyUser, table_client: Any, real_table: str
) -> None:
    ids = legacy.ids
    not_modified = legacy.v2("GET", f"/v2/todos/{ids['b']}", If_None_Match='"1"')
    patched = legacy.v2("PATCH", f"/v2/todos/{ids['b']}", {"status": "DONE"}, If_Match='"1"')
    to_top = legacy.v2("POST", f"/v2/todos/{ids['f']}/move", {"after": None})
    after_d = legacy.v2("POST", f"/v2/todos/{ids['a']}/move", {"after": ids["d"]})
    groceries = legacy.v2("POST", "/v2/lists", {"title": "Groceries"}).body
    elsewhere = legacy.v2(
        "POST", f"/v2/todos/{ids['c']}/move", {"after": None, "list_id": groceries["id"]}
    )
    deleted = legacy.v2("DELETE", f"/v2/todos/{ids['e']}", If_Match='"1"')

    assert not_modified.status == 304
    assert (patched.status, patched.headers["ETag"]) == (200, '"2"')
    assert patched.body["completed_at"] is not None
    assert (to_top.status, after_d.status, elsewhere.status, deleted.status) == (200, 200, 200, 204)
    assert legacy.titles() == ["f", "b", "d", "a"]
    assert legacy.titles(f"&list_id={groceries['id']}") == ["c"]
    # The title moved with the todo: it is free in the default list, taken in the other.
    assert legacy.v2("POST", "/v2/todos", {"title": "c"}).status == 201
    assert legacy.v2("POST", "/v2/todos", {"title": "c", "list_id": groceries["id"]}).status == 409
    assert account_todos(table_client, real_table, legacy.token) == len(LEGACY)


def test_sync_and_clear_take_them_as_they_are(
    legacy: LegacyUser, table_client: Any, real_table: str
) -> None:
    scratch = legacy.v2("GET", "/v2/sync?limit=4")
    rest = legacy.v2("GET", f"/v2/sync?limit=4&cursor={scratch.body['next_cursor']}")
    synced = scratch.body["todos"] + rest.body["todos"]
    listed = legacy.v2("GET", "/v2/todos?limit=100").body["items"]
    assert (scratch.body["more"], rest.body["more"]) == (True, False)
    assert synced == listed

    cleared = legacy.v2("POST", "/v2/lists/default/clear")
    delta = legacy.v2("GET", f"/v2/sync?cursor={rest.body['next_cursor']}")

    assert (cleared.status, cleared.body) == (200, {"cleared": 2, "more": False})
    assert legacy.titles() == ["a", "b", "d", "f"]
    assert sorted(delta.body["deleted"]["todos"]) == sorted([legacy.ids["c"], legacy.ids["e"]])
    assert account_todos(table_client, real_table, legacy.token) == len(LEGACY) - 2
