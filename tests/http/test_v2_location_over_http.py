"""The Location of a created todo over real HTTP, resolved as a client resolves it."""

from __future__ import annotations

import http.client
import json
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import pytest

if TYPE_CHECKING:
    from tests.support.client import Send

pytestmark = pytest.mark.http


def raw_post(base_url: str, path: str, body: dict, token: str) -> tuple[int, str, dict]:
    """POST with the path on the request line exactly as given (the contract check would
    refuse the trailing slash, which API Gateway and chalice local both route)."""
    connection = http.client.HTTPConnection(urlsplit(base_url).netloc, timeout=10)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    try:
        connection.request("POST", path, body=json.dumps(body), headers=headers)
        response = connection.getresponse()
        return response.status, response.headers["Location"], json.loads(response.read())
    finally:
        connection.close()


@pytest.mark.parametrize("collection", ["/v2/todos", "/v2/todos/"])
def test_the_location_resolved_against_the_request_url_serves_the_new_todo(
    base_url: str, send: Send, v2_token: str, collection: str
) -> None:
    status, location, todo = raw_post(base_url, collection, {"title": "washing"}, v2_token)

    target = urljoin(base_url + collection, location)
    assert urlsplit(target).netloc == urlsplit(base_url).netloc
    read = send("GET", urlsplit(target).path, None, {"Authorization": f"Bearer {v2_token}"})
    assert status == 201
    assert (read.status, read.body) == (200, todo)
