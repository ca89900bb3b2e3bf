"""Files served as they are from chalicelib/static, with headers to suit each."""

from functools import cache
from pathlib import Path

from chalice import Response

STATIC_DIR = Path(__file__).parent / "static"

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
}

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@cache
def _read(name: str) -> str:
    return (STATIC_DIR / name).read_text(encoding="utf-8")


def html_page(name: str) -> Response:
    headers = {"Content-Type": CONTENT_TYPES[".html"], "Cache-Control": "no-cache"}
    return Response(body=_read(name), status_code=200, headers={**headers, **SECURITY_HEADERS})


def asset(name: str) -> Response | None:
    """A static file by bare name, or None when there is no such file."""
    path = STATIC_DIR / name
    suffix = path.suffix
    if "/" in name or name.startswith(".") or suffix not in CONTENT_TYPES or not path.is_file():
        return None
    headers = {"Content-Type": CONTENT_TYPES[suffix], "Cache-Control": "public, max-age=300"}
    return Response(body=_read(name), status_code=200, headers={**headers, **SECURITY_HEADERS})
