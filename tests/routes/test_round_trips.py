"""DynamoDB calls per v1 route, counted with a botocore hook rather than timed."""

from chalice.test import Client

from chalicelib import dependencies
from tests.routes.conftest import CallLog, post_json, send_json
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


def test_v2_list_page_is_one_query(client: Client, token: str, dynamodb_calls: CallLog) -> None:
    for title in "abc":
        _v2_todo(client, token, title)
    calls = dynamodb_calls.during()
    body = client.http.get("/v2/todos?limit=2", headers=bearer(token)).json_body
    client.http.get(f"/v2/todos?limit=2&cursor={body['next_cursor']}", headers=bearer(token))
    client.http.get("/v2/todos?status=DONE", headers=bearer(token))
    assert calls.operations == ["Query", "Query", "Query"]
