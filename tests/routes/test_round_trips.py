"""DynamoDB calls per v1 route, counted with a botocore hook rather than timed."""

from chalice.test import Client

from chalicelib import dependencies
from tests.routes.conftest import CallLog, post_json, send_json
from tests.routes.test_task_lists import call
from tests.support.api import auth, bearer, credentials
from tests.support.values import PASSWORD, unique


def test_sign_up_is_one_transaction(client: Client, dynamodb_calls: CallLog) -> None:
    name = unique()
    calls = dynamodb_calls.during()
    post_json(
        client, "/v1/user/create", {"name": name, "email": f"{name}@x.io", "password": PASSWORD}
    )
    assert calls.operations == ["TransactWriteItems"]


def test_login_is_one_read(client: Client, dynamodb_calls: CallLog) -> None:
    name = unique()
    post_json(
        client, "/v1/user/create", {"name": name, "email": f"{name}@x.io", "password": PASSWORD}
    )
    calls = dynamodb_calls.during()
    post_json(client, "/v1/auth/login", credentials(name))
    assert calls.operations == ["GetItem"]


def test_get_is_one_query(client: Client, token: str, dynamodb_calls: CallLog) -> None:
    client.http.post("/v1/item/create/a", headers=auth(token))
    calls = dynamodb_calls.during()
    client.http.get("/v1/item/get", headers=auth(token))
    assert calls.operations == ["Query"]


def test_create_is_one_conditional_write_then_one_query(
    client: Client, token: str, dynamodb_calls: CallLog
) -> None:
    calls = dynamodb_calls.during()
    client.http.post("/v1/item/create/a", headers=auth(token))
    assert calls.operations == ["TransactWriteItems", "Query"]


def test_repeated_create_costs_the_same(
    client: Client, token: str, dynamodb_calls: CallLog
) -> None:
    client.http.post("/v1/item/create/a", headers=auth(token))
    calls = dynamodb_calls.during()
    client.http.post("/v1/item/create/a", headers=auth(token))
    # The claim's holder comes back with the failed write; one more
    # transaction confirms it still holds the title.
    assert calls.operations == ["TransactWriteItems", "TransactWriteItems", "Query"]


def test_edit_is_one_query_then_one_transaction_that_also_checks_the_session(
    client: Client, token: str, dynamodb_calls: CallLog
) -> None:
    client.http.post("/v1/item/create/a", headers=auth(token))
    calls = dynamodb_calls.during()
    post_json(client, "/v1/item/edit", {"title": "a", "status": "DONE"}, auth(token))
    assert calls.operations == ["Query", "TransactWriteItems"]


def test_delete_is_one_query_then_one_transaction_that_also_counts_it_out(
    client: Client, token: str, dynamodb_calls: CallLog
) -> None:
    client.http.post("/v1/item/create/a", headers=auth(token))
    calls = dynamodb_calls.during()
    post_json(client, "/v1/item/delete", {"title": "a", "status": "DONE"}, auth(token))
    assert calls.operations == ["Query", "TransactWriteItems"]


def test_get_follows_every_page(client: Client, token: str, dynamodb_calls: CallLog) -> None:
    for index in range(5):
        client.http.post(f"/v1/item/create/item-{index}", headers=auth(token))

    def two_per_page(params: dict, **_: object) -> None:
        params["Limit"] = 2

    events = dependencies.dynamodb_client().meta.events
    events.register("provide-client-params.dynamodb.Query", two_per_page)
    calls = dynamodb_calls.during()
    response = client.http.get("/v1/item/get", headers=auth(token))
    events.unregister("provide-client-params.dynamodb.Query", two_per_page)
    assert response.json_body["pending_item_count"] == 5
    assert calls.operations == ["Query", "Query", "Query"]


def test_no_route_scans(client: Client, token: str, dynamodb_calls: CallLog) -> None:
    client.http.post("/v1/item/create/a", headers=auth(token))
    client.http.get("/v1/item/get", headers=auth(token))
    post_json(client, "/v1/item/edit", {"title": "a", "status": "DONE"}, auth(token))
    post_json(client, "/v1/item/delete", {"title": "a", "status": "DONE"}, auth(token))
    assert "Scan" not in dynamodb_calls.operations
    assert dynamodb_calls.operations


def _v2_todo(client: Client, token: str, title: str = "a") -> dict:
    return send_json(client, "POST", "/v2/todos", {"title": title}, bearer(token)).json_body


def test_v2_create_is_one_transaction(client: Client, token: str, dynamodb_calls: CallLog) -> None:
    calls = dynamodb_calls.during()
    _v2_todo(client, token)
    assert calls.operations == ["TransactWriteItems"]


def test_v2_get_is_one_read(client: Client, token: str, dynamodb_calls: CallLog) -> None:
    todo = _v2_todo(client, token)
    calls = dynamodb_calls.during()
    client.http.get(f"/v2/todos/{todo['id']}", headers=bearer(token))
    assert calls.operations == ["GetItem"]


def test_v2_status_patch_is_one_read_and_one_transaction(
    client: Client, token: str, dynamodb_calls: CallLog
) -> None:
    todo = _v2_todo(client, token)
    calls = dynamodb_calls.during()
    headers = bearer(token) | {"If-Match": '"1"'}
    send_json(client, "PATCH", f"/v2/todos/{todo['id']}", {"status": "DONE"}, headers)
    assert calls.operations == ["GetItem", "TransactWriteItems"]


def test_v2_rename_is_one_read_and_one_transaction(
    client: Client, token: str, dynamodb_calls: CallLog
) -> None:
    todo = _v2_todo(client, token)
    calls = dynamodb_calls.during()
    send_json(client, "PATCH", f"/v2/todos/{todo['id']}", {"title": "b"}, bearer(token))
    assert calls.operations == ["GetItem", "TransactWriteItems"]


def test_v2_delete_is_one_transaction_that_also_counts_it_out(
    client: Client, token: str, dynamodb_calls: CallLog
) -> None:
    todo = _v2_todo(client, token)
    calls = dynamodb_calls.during()
    client.http.delete(f"/v2/todos/{todo['id']}", headers=bearer(token))
    assert calls.operations == ["TransactWriteItems"]


def test_a_v2_list_page_reads_each_status_in_order_and_the_moves_since_it_began(
    client: Client, token: str, dynamodb_calls: CallLog
) -> None:
    for title in "abc":
        _v2_todo(client, token, title)
    calls = dynamodb_calls.during()
    body = client.http.get("/v2/todos?limit=2", headers=bearer(token)).json_body
    first = list(calls.operations)
    calls.during()
    client.http.get(f"/v2/todos?limit=2&cursor={body['next_cursor']}", headers=bearer(token))
    later = list(calls.operations)
    calls.during()
    client.http.get("/v2/todos?status=DONE", headers=bearer(token))
    # The account's change number once (the snapshot); PENDING, DONE; the moves since.
    assert first == ["GetItem", "Query", "Query", "Query"]
    assert later == ["Query", "Query", "Query"]
    assert calls.operations == ["GetItem", "Query", "Query"]


def _calls_of(client: Client, token: str, calls: CallLog, method: str, path: str, body=None):
    calls.during()
    reply = call(client, token, method, path, body)
    assert reply.status_code < 300, reply.json_body
    return list(calls.operations)


def test_list_routes_read_or_write_once_each(
    client: Client, token: str, dynamodb_calls: CallLog
) -> None:
    made = call(client, token, "POST", "/v2/lists", {"title": "Groceries"}).json_body
    path = f"/v2/lists/{made['id']}"
    assert _calls_of(client, token, dynamodb_calls, "GET", "/v2/lists") == ["Query"]
    assert _calls_of(client, token, dynamodb_calls, "GET", path) == ["GetItem"]
    renamed = _calls_of(client, token, dynamodb_calls, "PATCH", path, {"title": "Food"})
    assert renamed == ["GetItem", "TransactWriteItems"]
    created = _calls_of(client, token, dynamodb_calls, "POST", "/v2/lists", {"title": "Work"})
    assert created == ["TransactWriteItems"]


def test_a_move_reads_both_todos_at_once_and_the_neighbours_then_writes_once(
    client: Client, token: str, dynamodb_calls: CallLog
) -> None:
    first, second = _v2_todo(client, token, "a"), _v2_todo(client, token, "b")
    path = f"/v2/todos/{second['id']}/move"
    # The mover and the todo it goes after in one BatchGetItem; the next todo, PENDING then DONE.
    expected = ["BatchGetItem", "Query", "Query", "TransactWriteItems"]
    assert _calls_of(client, token, dynamodb_calls, "POST", path, {"after": None}) == expected
    after = {"after": second["id"]}
    path = f"/v2/todos/{first['id']}/move"
    assert _calls_of(client, token, dynamodb_calls, "POST", path, after) == expected


def test_clearing_done_todos_is_one_query_and_one_transaction_per_90(
    client: Client, token: str, dynamodb_calls: CallLog
) -> None:
    todo = _v2_todo(client, token)
    send_json(client, "PATCH", f"/v2/todos/{todo['id']}", {"status": "DONE"}, bearer(token))
    operations = _calls_of(client, token, dynamodb_calls, "POST", "/v2/lists/default/clear")
    assert operations == ["GetItem", "Query", "TransactWriteItems"]


def test_a_sync_reads_the_change_number_then_the_changes(
    client: Client, token: str, dynamodb_calls: CallLog
) -> None:
    _v2_todo(client, token)
    scratch = _calls_of(client, token, dynamodb_calls, "GET", "/v2/sync")
    # The change number; the lists; the todos.
    assert scratch == ["GetItem", "Query", "Query"]
