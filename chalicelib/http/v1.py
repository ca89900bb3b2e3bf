"""The book's v1 routes, kept compatible with its clients."""

from chalice import Blueprint, Response

from chalicelib.http.auth import authenticated_user
from chalicelib.http.requests import json_object, path_text, string_fields
from chalicelib.http.responses import CORS, NO_STORE, json_response
from chalicelib.http.static_files import html_page
from chalicelib.platform import runtime
from chalicelib.use_cases import accounts, items_by_title

v1 = Blueprint(__name__)


@v1.route("/v1/user/create", methods=["POST"], cors=CORS)
def create_user() -> Response:
    body = json_object(v1.current_request)
    name, email, password = string_fields(body, "name", "email", "password")
    user = accounts.sign_up(runtime.user_store(), name, email, password, name_field="name")
    return json_response({"username": user.username, "email": user.email}, 201, NO_STORE)


@v1.route("/v1/auth/login", methods=["GET", "POST"], cors=CORS)
def login() -> Response:
    username, password = string_fields(json_object(v1.current_request), "username", "password")
    token = accounts.token_for(accounts.log_in(runtime.user_store(), username, password))
    return json_response({"token": token}, 200, {**NO_STORE, "token": token})


@v1.route("/v1/auth/logout", methods=["GET"], cors=CORS)
def logout() -> Response:
    return html_page("logout.html")


@v1.route("/v1/auth/ping", methods=["GET"], cors=CORS)
def ping() -> Response:
    return json_response({"status": "ok"}, 200, NO_STORE)


@v1.route("/v1/item/create/{title}", methods=["POST"], cors=CORS)
def create_item(title: str) -> Response:
    user_id = authenticated_user(v1.current_request)
    decoded = path_text(title, "title")
    return json_response(items_by_title.create_item(runtime.todo_store(), user_id, decoded))


@v1.route("/v1/item/get", methods=["GET"], cors=CORS)
def get_items() -> Response:
    user_id = authenticated_user(v1.current_request)
    return json_response(items_by_title.get_state(runtime.todo_store(), user_id))


@v1.route("/v1/item/edit", methods=["POST"], cors=CORS)
def edit_item() -> Response:
    user_id = authenticated_user(v1.current_request)
    title, _status = string_fields(json_object(v1.current_request), "title", "status")
    return json_response(items_by_title.mark_done(runtime.todo_store(), user_id, title))


@v1.route("/v1/item/delete", methods=["POST"], cors=CORS)
def delete_item() -> Response:
    user_id = authenticated_user(v1.current_request)
    title, _status = string_fields(json_object(v1.current_request), "title", "status")
    return json_response(items_by_title.delete_item(runtime.todo_store(), user_id, title))
