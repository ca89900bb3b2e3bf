"""The web page and its static files.

The static-file code is imported by these routes when they first run, not
at cold start: most requests are API calls that never serve a file.
"""

from chalice import Blueprint, Response

from chalicelib.domain.errors import NotFound

pages = Blueprint(__name__)


def _if_none_match() -> str | None:
    return pages.current_request.headers.get("if-none-match")


@pages.route("/", methods=["GET"])
def index() -> Response:
    from chalicelib.http.static_files import html_page

    return html_page("index.html", _if_none_match())


@pages.route("/static/{name}", methods=["GET"])
def static_file(name: str) -> Response:
    from chalicelib.http.static_files import asset

    response = asset(name, _if_none_match())
    if response is None:
        raise NotFound("No such file.")
    return response
