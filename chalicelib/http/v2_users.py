"""The v2 routes for users and their sessions: sign-up, tokens, and ending sessions."""

from chalice import Blueprint, Response

from chalicelib import dependencies
from chalicelib.http.account_json import (
    parse_password,
    parse_password_change,
    parse_sign_up,
    user_json,
)
from chalicelib.http.auth import authenticated_caller
from chalicelib.http.requests import json_object
from chalicelib.http.responses import CORS, NO_STORE, json_response
from chalicelib.http.session_json import (
    clear_cookie,
    cookie_token,
    parse_grant,
    parse_revocation,
    set_cookie,
)

v2_users = Blueprint(__name__)


@v2_users.route("/v2/users", methods=["POST"], cors=CORS)
def create_user() -> Response:
    sign_up = parse_sign_up(json_object(v2_users.current_request), "username", strict=True)
    user = dependencies.accounts().sign_up(sign_up, name_field="username")
    return json_response(user_json(user), 201, NO_STORE)


@v2_users.route("/v2/auth/token", methods=["POST"], cors=CORS)
def issue_token() -> Response:
    """A password or a refresh token for an access token and the family's next refresh token."""
    request = v2_users.current_request
    grant, credentials, refresh, in_cookie = parse_grant(json_object(request))
    sessions = dependencies.sessions()
    if grant == "password":
        user_id = dependencies.accounts().log_in(credentials)
        following = sessions.start(user_id)
    else:
        following = sessions.refresh(refresh or cookie_token(request))
    minutes = dependencies.settings().access_token_minutes
    access = dependencies.token_issuer().issue(following.user_id, minutes)
    body = {"access_token": access, "token_type": "Bearer", "expires_in": minutes * 60}
    if not in_cookie:
        return json_response({**body, "refresh_token": following.value}, 200, NO_STORE)
    idle = dependencies.settings().refresh_idle_days * 86_400
    cookie = set_cookie(following.value, idle)
    return json_response(body, 200, {**NO_STORE, **cookie})


@v2_users.route("/v2/auth/revoke", methods=["POST"], cors=CORS)
def revoke_token() -> Response:
    """RFC 7009: 200 whether or not the token was known; no body says which."""
    request = v2_users.current_request
    given = parse_revocation(json_object(request))
    dependencies.sessions().revoke(given or cookie_token(request))
    headers = {} if given else clear_cookie(request)
    return Response(body="", status_code=200, headers={**NO_STORE, **headers})


@v2_users.route("/v2/users/me/sessions", methods=["DELETE"], cors=CORS)
def end_all_sessions() -> Response:
    """Log out everywhere: every refresh token, and writes by every access token, end now."""
    request = v2_users.current_request
    dependencies.sessions().end_all(authenticated_caller(request))
    return Response(body="", status_code=204, headers={**NO_STORE, **clear_cookie(request)})


@v2_users.route("/v2/users/me", methods=["GET"], cors=CORS)
def my_account() -> Response:
    user = dependencies.accounts().me(authenticated_caller(v2_users.current_request))
    return json_response(user_json(user))


@v2_users.route("/v2/users/me/password", methods=["PUT"], cors=CORS)
def change_password() -> Response:
    """204 once the new password is stored; every session, this one included, has ended."""
    request = v2_users.current_request
    caller = authenticated_caller(request)
    current, new = parse_password_change(json_object(request))
    dependencies.accounts().change_password(caller, current, new)
    return Response(body="", status_code=204, headers={**NO_STORE, **clear_cookie(request)})


@v2_users.route("/v2/users/me", methods=["DELETE"], cors=CORS)
def delete_account() -> Response:
    """204 once the account and everything of it are gone; a retry finishes a failed one."""
    request = v2_users.current_request
    caller = authenticated_caller(request)
    dependencies.accounts().delete(caller, parse_password(json_object(request)))
    return Response(body="", status_code=204, headers={**NO_STORE, **clear_cookie(request)})
