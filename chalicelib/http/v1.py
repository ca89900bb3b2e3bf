"""The book's v1 routes, kept compatible with its clients."""

from chalice import Blueprint, Response

from chalicelib import dependencies
from chalicelib.http.account_json import parse_credentials, parse_sign_up
from chalicelib.http.auth import authenticated_caller
from chalicelib.http.requests import json_object, path_text, string_fields
from chalicelib.http.responses import NO_STORE, V1_CORS, json_response
from chalicelib.http.todo_json import board_json

v1 = Blueprint(__name__)


@v1.route("/v1/user/create", methods=["POST"], cors=V1_CORS)
def create_user() -> Response:
    sign_up = parse_sign_up(json_object(v1.current_request), "name", strict=False)
    user = dependencies.accounts().sign_up(sign_up, name_field="name")
    return json_response({"username": user.username, "email": user.email}, 201, NO_STORE)


@v1.route("/v1/auth/login", methods=["GET", "POST"], cors=V1_CORS)
def login() -> Response:
    credentials = parse_credentials(json_object(v1.current_request), strict=False)
    token = dependencies.token_issuer().issue(dependencies.accounts().log_in(credentials))
    return json_response({"token": token}, 200, {**NO_STORE, "token": token})


@v1.route("/v1/auth/logout", methods=["GET"], cors=V1_CORS)
def logout() -> Response:
    from chalicelib.http.static_files import html_page  # only this v1 route serves a file

    return html_page("logout.html")


@v1.route("/v1/auth/ping", methods=["GET"], cors=V1_CORS)
def ping() -> Response:
    return json_response({"status": "ok"}, 200, NO_STORE)


@v1.route("/v1/item/create/{title}", methods=["POST"], cors=V1_CORS)
def create_item(title: str) -> Response:
    caller = authenticated_caller(v1.current_request)
    todos = dependencies.items_by_title().create(caller, path_text(title, "title"))
    return json_response(board_json(todos))


@v1.route("/v1/item/get", methods=["GET"], cors=V1_CORS)
def get_items() -> Response:
    caller = authenticated_caller(v1.current_request)
    return json_response(board_json(dependencies.items_by_title().all(caller.user_id)))


@v1.route("/v1/item/edit", methods=["POST"], cors=V1_CORS)
def edit_item() -> Response:
    caller = authenticated_caller(v1.current_request)
    title = _item_title(v1.current_request)
    return json_response(board_json(dependencies.items_by_title().mark_done(caller, title)))


@v1.route("/v1/item/delete", methods=["POST"], cors=V1_CORS)
def delete_item() -> Response:
    caller = authenticated_caller(v1.current_request)
    title = _item_title(v1.current_request)
    return json_response(board_json(dependencies.items_by_title().delete(caller, title)))


def _item_title(request) -> str:
    """The title of a v1 edit or delete body. The book's clients send a status too,
    which must be a string, though edit always marks DONE, as the book does."""
    title, _status = string_fields(json_object(request), "title", "status")
    return title
