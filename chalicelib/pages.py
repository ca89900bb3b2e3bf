"""The web page and its static files."""

from chalice import Blueprint, Response

from chalicelib.errors import NotFound
from chalicelib.problems import mapped
from chalicelib.static_files import asset, html_page

pages = Blueprint(__name__)


@pages.route("/", methods=["GET"])
@mapped
def index() -> Response:
    return html_page("index.html")


@pages.route("/static/{name}", methods=["GET"])
@mapped
def static_file(name: str) -> Response:
    response = asset(name)
    if response is None:
        raise NotFound("No such file.")
    return response
