"""A todo's notes: free text clients may set, read and clear through v2."""

import pytest
from chalice.test import Client

from chalicelib import dependencies
from chalicelib.domain.todos import MAX_NOTES_CHARS
from tests.routes.conftest import CallLog, send_json
from tests.support.api import bearer


def create(client: Client, token: str, body: dict):
    return send_json(client, "POST", "/v2/todos", body, bearer(token))


def patch(client: Client, token: str, todo_id: str, body: dict):
    return send_json(client, "PATCH", f"/v2/todos/{todo_id}", body, bearer(token))


def test_notes_are_empty_unless_given_and_kept_as_given(client: Client, token: str) -> None:
    plain = create(client, token, {"title": "plain"}).json_body
    noted = create(client, token, {"title": "noted", "notes": "two\nlines\tand a tab"}).json_body
    assert (plain["notes"], noted["notes"]) == ("", "two\nlines\tand a tab")
    read = client.http.get(f"/v2/todos/{noted['id']}", headers=bearer(token)).json_body
    assert read == noted


def test_a_notes_patch_is_one_read_one_write_and_a_new_version(
    client: Client, token: str, dynamodb_calls: CallLog
) -> None:
    todo = create(client, token, {"title": "washing", "notes": "first"}).json_body
    calls = dynamodb_calls.during()
    changed = patch(client, token, todo["id"], {"notes": "second"})
    assert (changed.json_body["notes"], changed.headers["ETag"]) == ("second", '"2"')
    assert calls.operations == ["GetItem", "TransactWriteItems"]
    cleared = patch(client, token, todo["id"], {"notes": ""}).json_body
    assert (cleared["notes"], cleared["title"]) == ("", "washing")


@pytest.mark.parametrize(
    "notes", ["x" * (MAX_NOTES_CHARS + 1), "bell\a", "nul\x00", None, 5, ["a"]]
)
def test_notes_that_break_the_rules_are_422_on_create_and_patch(
    client: Client, token: str, notes: object
) -> None:
    todo = create(client, token, {"title": "washing"}).json_body
    for reply in (
        create(client, token, {"title": "other", "notes": notes}),
        patch(client, token, todo["id"], {"notes": notes}),
    ):
        assert reply.status_code == 422
        assert [e["field"] for e in reply.json_body["errors"]] == ["notes"]


def test_the_longest_notes_are_accepted(client: Client, token: str) -> None:
    longest = "\U0001f600" * MAX_NOTES_CHARS
    assert create(client, token, {"title": "long", "notes": longest}).status_code == 201


def test_a_todo_stored_before_notes_existed_reads_with_empty_notes(
    client: Client, token: str
) -> None:
    # GIVEN a todo stored as the previous release stored it, with no notes attribute
    todo = create(client, token, {"title": "old", "notes": "gone"}).json_body
    table = dependencies.settings().table_name
    key = _item_key(token, todo["id"])
    dependencies.dynamodb_client().update_item(
        TableName=table, Key=key, UpdateExpression="REMOVE notes"
    )
    # WHEN it is read, THEN it has empty notes, and can be given some
    read = client.http.get(f"/v2/todos/{todo['id']}", headers=bearer(token)).json_body
    assert read["notes"] == ""
    assert patch(client, token, todo["id"], {"notes": "new"}).json_body["notes"] == "new"


def test_v1_shows_no_notes(client: Client, token: str) -> None:
    create(client, token, {"title": "washing", "notes": "private"})
    state = client.http.get("/v1/item/get", headers={"token": token}).json_body
    assert state["pending_items"] == [{"title": "washing", "status": "PENDING"}]


def _item_key(token: str, todo_id: str) -> dict:
    import jwt

    subject = jwt.decode(token, options={"verify_signature": False})["sub"]
    return {"pk": {"S": f"USER#{subject}"}, "sk": {"S": f"TODO#{todo_id}"}}
