"""The Location of a created todo over real HTTP, resolved as a client resolves it."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import pytest

from tests.support.api import bearer
from tests.support.client import http_client

if TYPE_CHECKING:
    from tests.support.client import Send

pytestmark = pytest.mark.http


def raw_post(base_url: str, path: str, body: dict, token: str) -> tuple[int, str, dict]:
    """POST with the path on the request line exactly as given, unchecked (the contract check
    would refuse the trailing slash, which API Gateway and chalice local both route)."""
    status, headers, created = http_client(base_url)("POST", path, body, bearer(token))
    return status, headers["Location"], created


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
