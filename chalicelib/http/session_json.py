"""Token grants as JSON, and the refresh-token cookie the web page uses.

API clients get their refresh token in the body and send it back in the
body. The web page asks for it in a cookie instead (`refresh_token_cookie`:
true): HttpOnly, so no script on the page can read it; SameSite=Strict and
scoped to the token routes' folder, so the browser sends it only to those
routes and only from this site; Secure. See the README's "Where the tokens
are kept" for the reasoning, CSRF included.
"""

from typing import Any

from chalice.app import Request

from chalicelib.domain.errors import FieldError, InvalidInput
from chalicelib.domain.users import Credentials
from chalicelib.http.account_json import parse_credentials
from chalicelib.http.requests import string_fields
from chalicelib.http.responses import mount_prefix
from chalicelib.http.todo_json import reject_unknown_fields

COOKIE = "todo_refresh"
COOKIE_PATH = "/v2/auth"
GRANTS = frozenset({"password", "refresh_token"})


def parse_grant(body: dict[str, Any]) -> tuple[str, Credentials | None, str | None, bool]:
    """(grant type, credentials or None, refresh token from the body or None, cookie?)."""
    grant = body.get("grant_type", "password")
    if not isinstance(grant, str) or grant not in GRANTS:
        raise InvalidInput(FieldError("grant_type", "must be password or refresh_token"))
    wants_cookie = body.get("refresh_token_cookie", False)
    if not isinstance(wants_cookie, bool):
        raise InvalidInput(FieldError("refresh_token_cookie", "must be true or false"))
    rest = {k: v for k, v in body.items() if k not in ("grant_type", "refresh_token_cookie")}
    if grant == "password":
        return grant, parse_credentials(rest, strict=True), None, wants_cookie
    reject_unknown_fields(rest, frozenset({"refresh_token"}))
    refresh = string_fields(rest, "refresh_token")[0] if "refresh_token" in rest else None
    return grant, None, refresh, wants_cookie


def parse_revocation(body: dict[str, Any]) -> str | None:
    """RFC 7009's `token`; absent, the page's cookie is revoked instead. A
    `token_type_hint` may come with it, as RFC 7009 allows; there is one kind to revoke."""
    reject_unknown_fields(body, frozenset({"token", "token_type_hint"}))
    given = [name for name in ("token", "token_type_hint") if name in body]
    values = dict(zip(given, string_fields(body, *given), strict=True))
    return values.get("token")


def cookie_token(request: Request) -> str | None:
    from http.cookies import CookieError, SimpleCookie  # only the cookie routes need the parser

    try:
        jar = SimpleCookie(request.headers.get("cookie") or "")
    except CookieError:
        return None
    morsel = jar.get(COOKIE)
    return morsel.value if morsel else None


def set_cookie(value: str, max_age: int) -> dict[str, str]:
    """The cookie, as the token routes (under COOKIE_PATH) set it.

    It has no Path attribute, so the browser scopes it to the folder of the
    URL it asked (RFC 6265, section 5.1.4): /v2/auth here, /api/v2/auth under
    a stage prefix, and the same behind a proxy that strips the prefix before
    we could see it.
    """
    return {"Set-Cookie": f"{COOKIE}={value}; {_attributes(max_age)}"}


def clear_cookie(request: Request) -> dict[str, str]:
    """Clears the cookie. The token routes need no Path, as above; other routes
    name the cookie's path, with the prefix API Gateway reports in front."""
    resource = request.context.get("resourcePath", "")
    if resource.startswith(COOKIE_PATH + "/"):
        return set_cookie("", 0)
    path = mount_prefix(request, resource) + COOKIE_PATH
    return {"Set-Cookie": f"{COOKIE}=; Path={path}; {_attributes(0)}"}


def _attributes(max_age: int) -> str:
    return f"Max-Age={max_age}; HttpOnly; Secure; SameSite=Strict"
