"""Files served as they are from chalicelib/static, with headers to suit each.

Every file is `Cache-Control: no-cache` with a strong ETag (a digest of its
bytes): browsers keep a copy but ask before each use, and an unchanged file
costs a bodiless 304. Versioned, long-cached names would need a build step to
rewrite the ES module imports, and a short max-age could pair a new page with
old modules after a deploy; revalidation avoids both at the price of one
small request per file.
"""

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from chalice import Response

from chalicelib.http.etags import if_none_match_hits

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


@dataclass(frozen=True)
class StaticFile:
    body: str
    content_type: str
    etag: str


@cache
def _servable() -> frozenset[str]:
    """Bare names of the files that may be served: no folders, no dotfiles."""
    return frozenset(
        path.name
        for path in STATIC_DIR.iterdir()
        if path.is_file() and not path.name.startswith(".") and path.suffix in CONTENT_TYPES
    )


@cache
def _load(name: str) -> StaticFile:
    path = STATIC_DIR / name
    data = path.read_bytes()
    etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
    return StaticFile(data.decode("utf-8"), CONTENT_TYPES[path.suffix], etag)


def _respond(file: StaticFile, if_none_match: str | None) -> Response:
    headers = {"Cache-Control": "no-cache", "ETag": file.etag, **SECURITY_HEADERS}
    if if_none_match_hits(if_none_match, file.etag):
        return Response(body="", status_code=304, headers=headers)
    headers["Content-Type"] = file.content_type
    return Response(body=file.body, status_code=200, headers=headers)


def html_page(name: str, if_none_match: str | None = None) -> Response:
    return _respond(_load(name), if_none_match)


def asset(name: str, if_none_match: str | None = None) -> Response | None:
    """A static file by bare name, or None when there is no such file."""
    if name not in _servable():
        return None
    return _respond(_load(name), if_none_match)
