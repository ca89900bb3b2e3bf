"""The v2 REST routes for todos, as resources; users and sessions are in v2_users."""

from chalice import Blueprint, Response

from chalicelib import dependencies
from chalicelib.domain.todos import Todo
from chalicelib.http.auth import authenticated_caller
from chalicelib.http.etags import etag_for, if_match_versions, if_none_match_hits
from chalicelib.http.responses import CORS, PRIVATE, created_location, json_response
from chalicelib.http.todo_json import (
    parse_move,
    parse_todo_create,
    parse_todo_patch,
    todo_json,
)

v2 = Blueprint(__name__)


@v2.route("/v2/todos", methods=["GET"], cors=CORS)
def list_todos() -> Response:
    # The query's parser brings the pagers and their page shapes: loaded by the first list.
    from chalicelib.http.list_query import next_cursor, parse_list_query

    request = v2.current_request
    caller = authenticated_caller(request)
    keys = dependencies.signing_keys().cursor_keys()
    query = parse_list_query(dict(request.query_params or {}), caller.user_id, keys)
    page = dependencies.listing().page(caller.user_id, query)
    items = [todo_json(todo) for todo in page.todos]
    cursor = next_cursor(page, query, caller.user_id, keys)
    return json_response({"items": items, "next_cursor": cursor})


@v2.route("/v2/todos", methods=["POST"], cors=CORS)
def create_todo() -> Response:
    request = v2.current_request
    caller = authenticated_caller(request)
    todo = dependencies.todos_by_id().create(caller, parse_todo_create(request))
    return _todo_response(todo, 201, {"Location": created_location(request, "/v2/todos", todo.id)})


@v2.route("/v2/todos/{todo_id}", methods=["GET"], cors=CORS)
def get_todo(todo_id: str) -> Response:
    request = v2.current_request
    caller = authenticated_caller(request)
    todo = dependencies.todos_by_id().get(caller.user_id, todo_id)
    etag = etag_for(todo.version)
    if if_none_match_hits(request.headers.get("if-none-match"), etag):
        return Response(body="", status_code=304, headers={**PRIVATE, "ETag": etag})
    return _todo_response(todo)


@v2.route("/v2/todos/{todo_id}", methods=["PATCH"], cors=CORS)
def update_todo(todo_id: str) -> Response:
    request = v2.current_request
    caller = authenticated_caller(request)
    if_match = if_match_versions(request.headers.get("if-match"))
    patch = parse_todo_patch(request)
    return _todo_response(dependencies.todos_by_id().update(caller, todo_id, patch, if_match))


@v2.route("/v2/todos/{todo_id}", methods=["DELETE"], cors=CORS)
def delete_todo(todo_id: str) -> Response:
    request = v2.current_request
    caller = authenticated_caller(request)
    if_match = if_match_versions(request.headers.get("if-match"))
    dependencies.todos_by_id().delete(caller, todo_id, if_match)
    return Response(body="", status_code=204, headers=PRIVATE)


@v2.route("/v2/todos/{todo_id}/move", methods=["POST"], cors=CORS)
def move_todo(todo_id: str) -> Response:
    request = v2.current_request
    caller = authenticated_caller(request)
    if_match = if_match_versions(request.headers.get("if-match"))
    list_id, after = parse_move(request)
    todo = dependencies.arranging().move(caller, todo_id, list_id, after, if_match)
    return _todo_response(todo)


@v2.route("/v2/openapi.json", methods=["GET"], cors=CORS)
def openapi() -> Response:
    from chalicelib.http.openapi import openapi_document  # read and kept on first request

    headers = {"Content-Type": "application/json", "Cache-Control": "public, max-age=300"}
    return Response(body=openapi_document(), status_code=200, headers=headers)


def _todo_response(todo: Todo, status: int = 200, headers: dict | None = None) -> Response:
    return json_response(
        todo_json(todo), status, {"ETag": etag_for(todo.version), **(headers or {})}
    )
