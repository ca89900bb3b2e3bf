"""The v2 REST routes: users, tokens and todos as resources."""

from chalice import Blueprint, Response

from chalicelib.domain.todos import Todo
from chalicelib.http.auth import authenticated_user
from chalicelib.http.etags import etag_for, if_match_versions, if_none_match_hits
from chalicelib.http.openapi import openapi_document
from chalicelib.http.requests import json_object, string_fields
from chalicelib.http.responses import CORS, NO_STORE, PRIVATE, json_response
from chalicelib.platform import runtime
from chalicelib.use_cases import accounts, todos_by_id
from chalicelib.use_cases.todos_by_id import reject_unknown_fields, todo_json

v2 = Blueprint(__name__)
USER_FIELDS = frozenset({"username", "email", "password"})
CREDENTIAL_FIELDS = frozenset({"username", "password"})


@v2.route("/v2/users", methods=["POST"], cors=CORS)
def create_user() -> Response:
    body = json_object(v2.current_request)
    reject_unknown_fields(body, USER_FIELDS)
    username, email, password = string_fields(body, "username", "email", "password")
    user = accounts.sign_up(runtime.user_store(), username, email, password, "username")
    created = {"id": user.id, "username": user.username, "email": user.email}
    return json_response({**created, "created_at": user.created_at}, 201, NO_STORE)


@v2.route("/v2/auth/token", methods=["POST"], cors=CORS)
def issue_token() -> Response:
    body = json_object(v2.current_request)
    reject_unknown_fields(body, CREDENTIAL_FIELDS)
    username, password = string_fields(body, "username", "password")
    token = accounts.token_for(accounts.log_in(runtime.user_store(), username, password))
    grant = {"access_token": token, "token_type": "Bearer"}
    return json_response({**grant, "expires_in": accounts.token_lifetime_seconds()}, 200, NO_STORE)


@v2.route("/v2/todos", methods=["GET"], cors=CORS)
def list_todos() -> Response:
    request = v2.current_request
    user_id = authenticated_user(request)
    params = dict(request.query_params or {})
    page = todos_by_id.list_todos(runtime.todo_store(), user_id, params, runtime.signing_secret())
    items = [todo_json(todo) for todo in page.todos]
    return json_response({"items": items, "next_cursor": page.next_cursor})


@v2.route("/v2/todos", methods=["POST"], cors=CORS)
def create_todo() -> Response:
    request = v2.current_request
    user_id = authenticated_user(request)
    todo = todos_by_id.create_todo(runtime.todo_store(), user_id, json_object(request))
    return _todo_response(todo, 201, {"Location": f"/v2/todos/{todo.id}"})


@v2.route("/v2/todos/{todo_id}", methods=["GET"], cors=CORS)
def get_todo(todo_id: str) -> Response:
    request = v2.current_request
    user_id = authenticated_user(request)
    todo = todos_by_id.get_todo(runtime.todo_store(), user_id, todo_id)
    etag = etag_for(todo.version)
    if if_none_match_hits(request.headers.get("if-none-match"), etag):
        return Response(body="", status_code=304, headers={**PRIVATE, "ETag": etag})
    return _todo_response(todo)


@v2.route("/v2/todos/{todo_id}", methods=["PATCH"], cors=CORS)
def update_todo(todo_id: str) -> Response:
    request = v2.current_request
    user_id = authenticated_user(request)
    if_match = if_match_versions(request.headers.get("if-match"))
    body = json_object(request)
    todo = todos_by_id.update_todo(runtime.todo_store(), user_id, todo_id, body, if_match)
    return _todo_response(todo)


@v2.route("/v2/todos/{todo_id}", methods=["DELETE"], cors=CORS)
def delete_todo(todo_id: str) -> Response:
    request = v2.current_request
    user_id = authenticated_user(request)
    if_match = if_match_versions(request.headers.get("if-match"))
    todos_by_id.delete_todo(runtime.todo_store(), user_id, todo_id, if_match)
    return Response(body="", status_code=204, headers=PRIVATE)


@v2.route("/v2/openapi.json", methods=["GET"], cors=CORS)
def openapi() -> Response:
    headers = {"Content-Type": "application/json", "Cache-Control": "public, max-age=300"}
    return Response(body=openapi_document(), status_code=200, headers=headers)


def _todo_response(todo: Todo, status: int = 200, headers: dict | None = None) -> Response:
    return json_response(
        todo_json(todo), status, {"ETag": etag_for(todo.version), **(headers or {})}
    )
