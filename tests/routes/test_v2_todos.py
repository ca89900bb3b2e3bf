"""The v2 todo resources: create, read, update, delete, with ETags."""

import re

import pytest
from chalice.test import Client

from tests.routes.conftest import log_in, send_json, sign_up
from tests.support.api import TODO_FIELDS, bearer

RFC3339_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def create(client: Client, token: str, body: dict):
    return send_json(client, "POST", "/v2/todos", body, bearer(token))


def patch(client: Client, token: str, todo_id: str, body: dict, if_match: str | None = None):
    headers = bearer(token) | ({"If-Match": if_match} if if_match else {})
    return send_json(client, "PATCH", f"/v2/todos/{todo_id}", body, headers)


def test_create_returns_201_with_the_todo_location_and_etag(client: Client, token: str) -> None:
    response = create(client, token, {"title": "washing"})
    todo = response.json_body
    assert response.status_code == 201
    assert set(todo) == set(TODO_FIELDS)
    assert (todo["title"], todo["status"]) == ("washing", "PENDING")
    assert RFC3339_UTC.fullmatch(todo["created_at"])
    assert todo["updated_at"] == todo["created_at"]
    assert response.headers["Location"] == f"/v2/todos/{todo['id']}"
    assert response.headers["ETag"] == '"1"'


def test_create_may_set_the_status(client: Client, token: str) -> None:
    assert create(client, token, {"title": "x", "status": "DONE"}).json_body["status"] == "DONE"


def test_create_with_a_title_the_user_has_is_409(client: Client, token: str) -> None:
    create(client, token, {"title": "washing"})
    response = create(client, token, {"title": "washing"})
    assert response.status_code == 409
    assert response.headers["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "title"),
        ({"title": 5}, "title"),
        ({"title": ""}, "title"),
        ({"title": "x" * 256}, "title"),
        ({"title": "ok", "status": "done"}, "status"),
        ({"title": "ok", "status": None}, "status"),
        ({"title": "ok", "colour": "red"}, "colour"),
    ],
)
def test_bad_create_bodies_are_422_naming_the_field(
    client: Client, token: str, body: dict, field: str
) -> None:
    response = create(client, token, body)
    assert response.status_code == 422
    assert [error["field"] for error in response.json_body["errors"]] == [field]


def test_get_returns_the_todo_with_its_etag(client: Client, token: str) -> None:
    created = create(client, token, {"title": "washing"}).json_body
    response = client.http.get(f"/v2/todos/{created['id']}", headers=bearer(token))
    assert response.status_code == 200
    assert response.json_body == created
    assert response.headers["ETag"] == '"1"'
    assert response.headers["Cache-Control"] == "private, no-cache"


@pytest.mark.parametrize("header", ['"1"', 'W/"1"', '"7", "1"', "*"])
def test_get_with_a_matching_if_none_match_is_304_without_body(
    client: Client, token: str, header: str
) -> None:
    created = create(client, token, {"title": "washing"}).json_body
    headers = bearer(token) | {"If-None-Match": header}
    response = client.http.get(f"/v2/todos/{created['id']}", headers=headers)
    assert response.status_code == 304
    assert response.body == b""
    assert response.headers["ETag"] == '"1"'


def test_get_with_a_stale_if_none_match_is_200(client: Client, token: str) -> None:
    created = create(client, token, {"title": "washing"}).json_body
    patch(client, token, created["id"], {"status": "DONE"})
    headers = bearer(token) | {"If-None-Match": '"1"'}
    response = client.http.get(f"/v2/todos/{created['id']}", headers=headers)
    assert response.status_code == 200
    assert response.headers["ETag"] == '"2"'


@pytest.mark.parametrize("todo_id", ["01ARZ3NDEKTSV4RRFFQ69G5FAV", "nope", "x" * 300])
def test_unknown_ids_are_404(client: Client, token: str, todo_id: str) -> None:
    for method in ("GET", "PATCH", "DELETE"):
        response = send_json(client, method, f"/v2/todos/{todo_id}", {}, bearer(token))
        assert response.status_code == 404, method


def test_another_users_todo_is_404_to_read_change_or_delete(client: Client, token: str) -> None:
    todo = create(client, token, {"title": "mine"}).json_body
    other = log_in(client, sign_up(client))
    path = f"/v2/todos/{todo['id']}"
    assert client.http.get(path, headers=bearer(other)).status_code == 404
    assert patch(client, other, todo["id"], {"status": "DONE"}).status_code == 404
    assert client.http.delete(path, headers=bearer(other)).status_code == 404
    assert client.http.get(path, headers=bearer(token)).json_body == todo


def test_patch_status_goes_both_ways_with_a_new_etag(client: Client, token: str) -> None:
    todo = create(client, token, {"title": "washing"}).json_body
    done = patch(client, token, todo["id"], {"status": "DONE"})
    assert (done.status_code, done.json_body["status"], done.headers["ETag"]) == (
        200,
        "DONE",
        '"2"',
    )
    back = patch(client, token, todo["id"], {"status": "PENDING"}, if_match='"2"')
    assert (back.json_body["status"], back.headers["ETag"]) == ("PENDING", '"3"')
    assert back.json_body["updated_at"] >= todo["updated_at"]


def test_patch_renames(client: Client, token: str) -> None:
    todo = create(client, token, {"title": "washing"}).json_body
    response = patch(client, token, todo["id"], {"title": "laundry", "status": "DONE"})
    assert response.status_code == 200
    assert (response.json_body["title"], response.json_body["status"]) == ("laundry", "DONE")
    assert response.headers["ETag"] == '"2"'
    fetched = client.http.get(f"/v2/todos/{todo['id']}", headers=bearer(token)).json_body
    assert fetched == response.json_body


def test_a_renamed_away_title_is_free_and_the_new_one_is_taken(client: Client, token: str) -> None:
    todo = create(client, token, {"title": "washing"}).json_body
    patch(client, token, todo["id"], {"title": "laundry"})
    assert create(client, token, {"title": "washing"}).status_code == 201
    assert create(client, token, {"title": "laundry"}).status_code == 409


def test_renaming_back_to_an_old_title_works(client: Client, token: str) -> None:
    todo = create(client, token, {"title": "a"}).json_body
    patch(client, token, todo["id"], {"title": "b"})
    response = patch(client, token, todo["id"], {"title": "a"})
    assert (response.status_code, response.json_body["title"]) == (200, "a")
    assert create(client, token, {"title": "a"}).status_code == 409


def test_renaming_onto_a_taken_title_is_409_and_changes_nothing(client: Client, token: str) -> None:
    first = create(client, token, {"title": "washing"}).json_body
    second = create(client, token, {"title": "cooking"}).json_body
    response = patch(client, token, second["id"], {"title": "washing", "status": "DONE"})
    assert response.status_code == 409
    after = client.http.get(f"/v2/todos/{second['id']}", headers=bearer(token))
    assert (after.json_body, after.headers["ETag"]) == (second, '"1"')
    assert client.http.get(f"/v2/todos/{first['id']}", headers=bearer(token)).json_body == first


def test_patch_with_the_current_title_changes_only_status(client: Client, token: str) -> None:
    todo = create(client, token, {"title": "washing"}).json_body
    response = patch(client, token, todo["id"], {"title": "washing", "status": "DONE"})
    assert (response.status_code, response.json_body["status"]) == (200, "DONE")


def test_an_empty_patch_changes_nothing(client: Client, token: str) -> None:
    todo = create(client, token, {"title": "washing"}).json_body
    response = patch(client, token, todo["id"], {})
    assert (response.status_code, response.json_body, response.headers["ETag"]) == (
        200,
        todo,
        '"1"',
    )


@pytest.mark.parametrize("if_match", ['"2"', 'W/"1"', '"garbage"'])
def test_patch_with_a_stale_if_match_is_412_and_changes_nothing(
    client: Client, token: str, if_match: str
) -> None:
    todo = create(client, token, {"title": "washing"}).json_body
    for body in ({"status": "DONE"}, {"title": "laundry"}):
        response = patch(client, token, todo["id"], body, if_match=if_match)
        assert response.status_code == 412, body
    assert client.http.get(f"/v2/todos/{todo['id']}", headers=bearer(token)).json_body == todo


def test_second_writer_with_the_same_if_match_gets_412(client: Client, token: str) -> None:
    todo = create(client, token, {"title": "washing"}).json_body
    first = patch(client, token, todo["id"], {"status": "DONE"}, if_match='"1"')
    second = patch(client, token, todo["id"], {"title": "loser"}, if_match='"1"')
    assert (first.status_code, second.status_code) == (200, 412)
    final = client.http.get(f"/v2/todos/{todo['id']}", headers=bearer(token)).json_body
    assert (final["title"], final["status"]) == ("washing", "DONE")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "finished"}, "status"),
        ({"title": ""}, "title"),
        ({"title": 3}, "title"),
        ({"id": "other"}, "id"),
        ({"created_at": "2020-01-01T00:00:00Z"}, "created_at"),
    ],
)
def test_patch_with_unknown_fields_or_bad_values_is_422(
    client: Client, token: str, body: dict, field: str
) -> None:
    todo = create(client, token, {"title": "washing"}).json_body
    response = patch(client, token, todo["id"], body)
    assert response.status_code == 422
    assert [error["field"] for error in response.json_body["errors"]] == [field]


def test_delete_is_204_then_404(client: Client, token: str) -> None:
    todo = create(client, token, {"title": "washing"}).json_body
    path = f"/v2/todos/{todo['id']}"
    response = client.http.delete(path, headers=bearer(token))
    assert (response.status_code, response.body) == (204, b"")
    assert client.http.delete(path, headers=bearer(token)).status_code == 404
    assert client.http.get(path, headers=bearer(token)).status_code == 404


def test_delete_with_a_stale_if_match_is_412_and_keeps_the_todo(client: Client, token: str) -> None:
    todo = create(client, token, {"title": "washing"}).json_body
    patch(client, token, todo["id"], {"status": "DONE"})
    path = f"/v2/todos/{todo['id']}"
    response = client.http.delete(path, headers=bearer(token) | {"If-Match": '"1"'})
    assert response.status_code == 412
    assert client.http.get(path, headers=bearer(token)).status_code == 200
    current = client.http.delete(path, headers=bearer(token) | {"If-Match": '"2"'})
    assert current.status_code == 204


def test_the_token_header_works_for_v2_too(client: Client, token: str) -> None:
    response = send_json(client, "POST", "/v2/todos", {"title": "x"}, {"token": token})
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v2/todos"),
        ("POST", "/v2/todos"),
        ("GET", "/v2/todos/x"),
        ("DELETE", "/v2/todos/x"),
    ],
)
def test_every_todo_route_requires_a_token(client: Client, method: str, path: str) -> None:
    response = send_json(client, method, path, {})
    assert response.status_code == 401
    assert response.json_body["reason"] == "missing"


def test_a_null_title_is_422_not_a_silent_no_op(client: Client, token: str) -> None:
    todo = create(client, token, {"title": "washing"}).json_body
    response = patch(client, token, todo["id"], {"title": None})
    assert response.status_code == 422
    assert response.json_body["errors"][0]["field"] == "title"


@pytest.mark.parametrize("if_match", ['"\u00b2"', '"\u0663"', '"' + "9" * 40 + '"'])
def test_if_match_tags_that_cannot_be_our_versions_never_match(
    client: Client, token: str, if_match: str
) -> None:
    todo = create(client, token, {"title": "washing"}).json_body
    patched = patch(client, token, todo["id"], {"status": "DONE"}, if_match=if_match)
    assert patched.status_code == 412
    path = f"/v2/todos/{todo['id']}"
    deleted = client.http.delete(path, headers=bearer(token) | {"If-Match": if_match})
    assert deleted.status_code == 412
