"""The v2 routes for lists, clearing a list's done todos, and sync."""

from chalice import Blueprint, Response

from chalicelib import dependencies
from chalicelib.domain.lists import TodoList
from chalicelib.http.auth import authenticated_caller
from chalicelib.http.etags import etag_for, if_match_versions
from chalicelib.http.list_json import list_json, parse_list_title
from chalicelib.http.responses import CORS, PRIVATE, created_location, json_response

v2_lists = Blueprint(__name__)


@v2_lists.route("/v2/lists", methods=["GET"], cors=CORS)
def all_lists() -> Response:
    caller = authenticated_caller(v2_lists.current_request)
    lists = dependencies.lists().all(caller.user_id)
    return json_response({"items": [list_json(todo_list) for todo_list in lists]})


@v2_lists.route("/v2/lists", methods=["POST"], cors=CORS)
def create_list() -> Response:
    request = v2_lists.current_request
    caller = authenticated_caller(request)
    todo_list = dependencies.lists().create(caller, parse_list_title(request))
    location = created_location(request, "/v2/lists", todo_list.id)
    return _list_response(todo_list, 201, {"Location": location})


@v2_lists.route("/v2/lists/{list_id}", methods=["GET"], cors=CORS)
def get_list(list_id: str) -> Response:
    caller = authenticated_caller(v2_lists.current_request)
    return _list_response(dependencies.lists().get(caller.user_id, list_id))


@v2_lists.route("/v2/lists/{list_id}", methods=["PATCH"], cors=CORS)
def rename_list(list_id: str) -> Response:
    request = v2_lists.current_request
    caller = authenticated_caller(request)
    if_match = if_match_versions(request.headers.get("if-match"))
    title = parse_list_title(request)
    return _list_response(dependencies.lists().rename(caller, list_id, title, if_match))


@v2_lists.route("/v2/lists/{list_id}", methods=["DELETE"], cors=CORS)
def delete_list(list_id: str) -> Response:
    request = v2_lists.current_request
    caller = authenticated_caller(request)
    if_match = if_match_versions(request.headers.get("if-match"))
    dependencies.lists().delete(caller, list_id, if_match)
    return Response(body="", status_code=204, headers=PRIVATE)


@v2_lists.route("/v2/lists/{list_id}/clear", methods=["POST"], cors=CORS)
def clear_completed(list_id: str) -> Response:
    caller = authenticated_caller(v2_lists.current_request)
    cleared, more = dependencies.arranging().clear_done(caller, list_id)
    return json_response({"cleared": cleared, "more": more})


@v2_lists.route("/v2/sync", methods=["GET"], cors=CORS)
def sync() -> Response:
    # The sync reader and its page shapes, loaded by the first sync, not by every cold start.
    from chalicelib.http.sync_json import parse_sync_cursor, sync_json

    request = v2_lists.current_request
    caller = authenticated_caller(request)
    keys = dependencies.signing_keys().cursor_keys()
    position, limit = parse_sync_cursor(dict(request.query_params or {}), caller.user_id, keys)
    page = dependencies.sync().page(caller.user_id, position, limit)
    return json_response(sync_json(page, caller.user_id, keys))


def _list_response(todo_list: TodoList, status: int = 200, headers: dict | None = None) -> Response:
    etag = {"ETag": etag_for(todo_list.version)}
    return json_response(list_json(todo_list), status, {**etag, **(headers or {})})
