"""One client for every suite: a `Send` takes (method, path, body, headers) and returns a Reply.

`http_client` speaks HTTP with the standard library only, so a test sees
exactly what a browser or the book's client would see; `in_process` sends
the same requests through Chalice's test client. Dict bodies go as JSON,
str and bytes as they are, each with `Content-Type: application/json`.
"""

import http.client
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple, Protocol
from urllib.parse import urlsplit

Body = dict[str, Any] | list[Any] | bytes | str | None


class Headers(dict[str, str]):
    """Response headers, looked up regardless of case; repeated headers are joined."""

    def __init__(self, pairs: Sequence[tuple[str, str]] = ()) -> None:
        super().__init__()
        for name, value in pairs:
            key = name.lower()
            super().__setitem__(key, f"{self[key]}, {value}" if key in self else value)

    def __getitem__(self, name: str) -> str:
        return super().__getitem__(name.lower())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and super().__contains__(name.lower())

    def get(self, name: str, default: Any = None) -> Any:
        return super().get(name.lower(), default)


class Reply(NamedTuple):
    status: int
    headers: Headers
    body: Any  # parsed JSON for JSON media types, else the text


class Send(Protocol):
    def __call__(
        self, method: str, path: str, body: Body = None, headers: dict[str, str] | None = None
    ) -> Reply: ...


# Called with (method, target, reply, body text) on every reply; raises to fail the test.
Check = Callable[[str, str, Reply, str], None]


def http_client(
    base_url: str, check: Check | None = None, timeout: float = 10, raw: bool = False
) -> Send:
    """A Send to one server. A path is appended to base_url's own path (a stage prefix).

    With raw, every body comes back as the text it was sent as, JSON included.
    """
    parts = urlsplit(base_url)
    prefix = parts.path.rstrip("/")

    def send(
        method: str, path: str, body: Body = None, headers: dict[str, str] | None = None
    ) -> Reply:
        target = prefix + (path if path.startswith("/") else f"/{path}")
        payload = encode(body)
        defaults = {} if payload is None else {"Content-Type": "application/json"}
        connection = http.client.HTTPConnection(parts.netloc, timeout=timeout)
        try:
            connection.request(method, target, payload, {**defaults, **(headers or {})})
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
            reply = parse(response.status, response.getheaders(), text, raw)
        finally:
            connection.close()
        if check is not None:
            check(method, target, reply, text)
        return reply

    return send


def in_process(client: Any) -> Send:
    """A Send through a `chalice.test.Client`, for the in-process suites."""

    def send(
        method: str, path: str, body: Body = None, headers: dict[str, str] | None = None
    ) -> Reply:
        payload = encode(body)
        defaults = {} if payload is None else {"Content-Type": "application/json"}
        response = client.http.request(
            method, path, headers={**defaults, **(headers or {})}, body=payload or b""
        )
        return handler_reply(response.status_code, response.headers, response.body.decode())

    return send


def encode(body: Body) -> bytes | None:
    if body is None or isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    return json.dumps(body).encode()


def parse(
    status: int, header_pairs: Sequence[tuple[str, str]], text: str, raw: bool = False
) -> Reply:
    headers = Headers(header_pairs)
    is_json = "json" in headers.get("Content-Type", "") and text and not raw
    return Reply(status, headers, json.loads(text) if is_json else text)


def handler_reply(status: int, headers: Mapping[str, str], text: str) -> Reply:
    """A reply straight from the Lambda handler, whose JSON has no Content-Type yet."""
    body = json.loads(text) if text.startswith(("{", "[")) else text
    return Reply(status, Headers(list(headers.items())), body)
