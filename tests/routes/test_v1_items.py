"""The v1 item routes: the book's board, addressed by title."""

from urllib.parse import quote

import pytest
from chalice.test import Client

from tests.routes.conftest import log_in, post_json, sign_up
from tests.support.api import auth


def state(pending: list[str], done: list[str]) -> dict:
    return {
        "pending_items": [{"title": t, "status": "PENDING"} for t in pending],
        "done_items": [{"title": t, "status": "DONE"} for t in done],
        "pending_item_count": len(pending),
        "done_item_count": len(done),
    }


def create(client: Client, token: str, title: str):
    return client.http.post(f"/v1/item/create/{quote(title, safe='')}", headers=auth(token))


def edit(client: Client, token: str, title: str, status: str = "pending"):
    return post_json(client, "/v1/item/edit", {"title": title, "status": status}, auth(token))


def delete(client: Client, token: str, title: str):
    return post_json(client, "/v1/item/delete", {"title": title, "status": "DONE"}, auth(token))


def test_create_returns_the_state_with_a_pending_item(client: Client, token: str) -> None:
    response = create(client, token, "washing")
    assert response.status_code == 200
    assert response.json_body == state(["washing"], [])


def test_creating_an_existing_title_is_a_no_op(client: Client, token: str) -> None:
    create(client, token, "washing")
    create(client, token, "cooking")
    response = create(client, token, "washing")
    assert response.status_code == 200
    assert response.json_body == state(["washing", "cooking"], [])


def test_items_are_listed_in_creation_order(client: Client, token: str) -> None:
    titles = ["zeta", "alpha", "Mike", "bravo", "10", "2"]
    for title in titles:
        create(client, token, title)
    assert client.http.get("/v1/item/get", headers=auth(token)).json_body == state(titles, [])


def test_edit_marks_done_whatever_status_is_sent_as_the_book_does(
    client: Client, token: str
) -> None:
    create(client, token, "washing")
    create(client, token, "cooking")
    response = edit(client, token, "washing", "pending")
    assert response.status_code == 200
    assert response.json_body == state(["cooking"], ["washing"])


def test_editing_a_done_item_again_keeps_it_done(client: Client, token: str) -> None:
    create(client, token, "cooking")
    edit(client, token, "cooking")
    assert edit(client, token, "cooking").json_body == state([], ["cooking"])


def test_edit_of_an_unknown_title_is_404_and_creates_nothing(client: Client, token: str) -> None:
    response = edit(client, token, "ghost")
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"
    assert client.http.get("/v1/item/get", headers=auth(token)).json_body == state([], [])


def test_delete_removes_the_item(client: Client, token: str) -> None:
    create(client, token, "washing")
    create(client, token, "cooking")
    response = delete(client, token, "washing")
    assert response.status_code == 200
    assert response.json_body == state(["cooking"], [])


def test_delete_of_an_unknown_title_is_404(client: Client, token: str) -> None:
    assert delete(client, token, "ghost").status_code == 404


def test_a_deleted_title_can_be_created_again(client: Client, token: str) -> None:
    create(client, token, "washing")
    delete(client, token, "washing")
    assert create(client, token, "washing").json_body == state(["washing"], [])


def test_a_title_freed_by_delete_is_unique_again(client: Client, token: str) -> None:
    create(client, token, "washing")
    delete(client, token, "washing")
    create(client, token, "washing")
    assert create(client, token, "washing").json_body == state(["washing"], [])


def test_title_is_percent_decoded(client: Client, token: str) -> None:
    response = client.http.post("/v1/item/create/caf%C3%A9%20%2F%20th%C3%A9", headers=auth(token))
    assert response.json_body == state(["café / thé"], [])


def test_invalid_percent_encoding_is_422(client: Client, token: str) -> None:
    response = client.http.post("/v1/item/create/%FF%FE", headers=auth(token))
    assert response.status_code == 422
    assert response.json_body["errors"][0]["field"] == "title"


@pytest.mark.parametrize("title", ["x" * 256, "\U0001f600" * 256, "tab\there", "bell\x07"])
def test_bad_titles_are_422(client: Client, token: str, title: str) -> None:
    response = create(client, token, title)
    assert response.status_code == 422
    assert response.json_body["errors"][0]["field"] == "title"


def test_longest_title_of_four_byte_characters_is_accepted(client: Client, token: str) -> None:
    title = "\U0001f600" * 255
    assert len(title.encode()) == 1020
    assert create(client, token, title).json_body == state([title], [])


@pytest.mark.parametrize("body", [{"title": "x"}, {"status": "DONE"}, {"title": 1, "status": "x"}])
def test_edit_and_delete_need_title_and_status_strings(
    client: Client, token: str, body: dict
) -> None:
    for path in ("/v1/item/edit", "/v1/item/delete"):
        response = post_json(client, path, body, auth(token))
        assert response.status_code == 422
        assert response.json_body["errors"]


def test_different_users_may_share_a_title(client: Client, token: str) -> None:
    other = log_in(client, sign_up(client))
    create(client, token, "washing")
    assert create(client, other, "washing").json_body == state(["washing"], [])


def test_a_user_never_sees_or_changes_another_users_items(client: Client, token: str) -> None:
    other = log_in(client, sign_up(client))
    create(client, token, "mine")
    assert client.http.get("/v1/item/get", headers=auth(other)).json_body == state([], [])
    assert edit(client, other, "mine").status_code == 404
    assert delete(client, other, "mine").status_code == 404
    assert client.http.get("/v1/item/get", headers=auth(token)).json_body == state(["mine"], [])


def test_authenticated_responses_are_private(client: Client, token: str) -> None:
    response = client.http.get("/v1/item/get", headers=auth(token))
    assert response.headers["Cache-Control"] == "private, no-cache"


def test_bearer_authorization_works_like_the_token_header(client: Client, token: str) -> None:
    create(client, token, "washing")
    response = client.http.get("/v1/item/get", headers={"Authorization": f"Bearer {token}"})
    assert response.json_body == state(["washing"], [])
