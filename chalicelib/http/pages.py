"""The web page and its static files."""

from chalice import Blueprint, Response

from chalicelib.domain.errors import NotFound
from chalicelib.http.static_files import asset, html_page

pages = Blueprint(__name__)


def _if_none_match() -> str | None:
    return pages.current_request.headers.get("if-none-match")


@pages.route("/", methods=["GET"])
def index() -> Response:
    return html_page("index.html", _if_none_match())


@pages.route("/static/{name}", methods=["GET"])
def static_file(name: str) -> Response:
    response = asset(name, _if_none_match())
    if response is None:
        raise NotFound("No such file.")
    return response
