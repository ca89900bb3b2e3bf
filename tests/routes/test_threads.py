"""Concurrent requests in one process never see each other's request."""

import threading

import pytest
from chalice.test import Client

from chalicelib.http import v1
from tests.routes.conftest import log_in, post_json, sign_up
from tests.support.api import auth


def test_a_request_handled_while_another_is_in_flight_keeps_its_own_body(
    client: Client, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN two users, each with one item
    other = log_in(client, sign_up(client))
    client.http.post("/v1/item/create/mine", headers=auth(token))
    client.http.post("/v1/item/create/theirs", headers=auth(other))
    real_authenticated_caller = v1.authenticated_caller
    nested: list = []
    interrupted = threading.Event()

    def authenticate_while_another_request_runs(request):
        if not interrupted.is_set():
            interrupted.set()
            # WHEN the other user's request runs to completion on another
            # thread, between this request's start and its reading the body
            body = {"title": "theirs", "status": "DONE"}
            worker = threading.Thread(
                target=lambda: nested.append(post_json(client, "/v1/item/edit", body, auth(other)))
            )
            worker.start()
            worker.join()
        return real_authenticated_caller(request)

    monkeypatch.setattr(v1, "authenticated_caller", authenticate_while_another_request_runs)
    response = post_json(client, "/v1/item/edit", {"title": "mine", "status": "x"}, auth(token))
    # THEN each request acted on its own body, as its own user
    assert response.status_code == 200
    assert response.json_body["done_items"] == [{"title": "mine", "status": "DONE"}]
    assert nested[0].json_body["done_items"] == [{"title": "theirs", "status": "DONE"}]
