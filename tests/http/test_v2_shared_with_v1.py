"""v1 and v2 serve the same data over real HTTP: one user, one token, one set of todos."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.support.api import credentials, v2_account

if TYPE_CHECKING:
    from tests.support.api import V1, V2, Board

pytestmark = pytest.mark.http


def v2_titles(v2: V2, token: str) -> list[tuple[str, str]]:
    reply = v2.list(token)
    assert reply.status == 200, reply.body
    return [(todo["title"], todo["status"]) for todo in reply.body["items"]]


def test_items_made_in_either_version_are_listed_by_both_in_creation_order(
    api: V1, v2: V2, token: str, board: Board
) -> None:
    api.create(token, "from v1")
    v2.create(token, "from v2", status="DONE")
    api.create(token, "v1 again")

    assert v2_titles(v2, token) == [
        ("from v1", "PENDING"),
        ("from v2", "DONE"),
        ("v1 again", "PENDING"),
    ]
    assert api.get(token).body == board(pending=["from v1", "v1 again"], done=["from v2"])


def test_a_v1_edit_is_a_new_version_in_v2_so_an_older_if_match_is_412(
    api: V1, v2: V2, token: str
) -> None:
    todo_id = v2.create(token, "washing").body["id"]

    api.edit(token, "washing")
    current = v2.get(token, todo_id)
    stale = v2.patch(token, todo_id, {"title": "laundry"}, {"If-Match": '"1"'})

    assert (current.body["status"], current.headers["ETag"]) == ("DONE", '"2"')
    assert stale.status == 412


def test_a_v2_rename_is_what_v1_edits_and_a_v1_delete_makes_the_v2_todo_404(
    api: V1, v2: V2, token: str, board: Board
) -> None:
    todo_id = v2.create(token, "washing").body["id"]
    v2.patch(token, todo_id, {"title": "laundry"})

    edited = api.edit(token, "laundry")
    old_title = api.edit(token, "washing")
    deleted = api.delete(token, "laundry")

    assert (edited.status, edited.body) == (200, board(done=["laundry"]))
    assert old_title.status == 404
    assert (deleted.status, deleted.body) == (200, board())
    assert v2.get(token, todo_id).status == 404


def test_a_title_taken_through_one_version_is_taken_in_the_other(
    api: V1, v2: V2, token: str, board: Board
) -> None:
    api.create(token, "washing")
    v2.create(token, "cooking")

    in_v2 = v2.create(token, "washing")
    in_v1 = api.create(token, "cooking")

    assert (in_v2.status, in_v2.body["field"]) == (409, "title")
    assert (in_v1.status, in_v1.body) == (200, board(pending=["washing", "cooking"]))


def test_one_token_and_one_account_serve_both_versions(
    api: V1, v2: V2, board: Board, username: str
) -> None:
    # GIVEN a user who signed up through v2
    body = v2_account(username)
    assert v2.send("POST", "/v2/users", body).status == 201

    # WHEN they log in through v1, and get a token through v2
    v1_token = api.log_in(username)
    v2_grant = v2.send("POST", "/v2/auth/token", credentials(username))
    v2_token = v2_grant.body["access_token"]

    # THEN each token works on the other version's routes, for the same todos
    v2.create(v1_token, "made with the v1 token")
    assert api.get(v2_token).body == board(pending=["made with the v1 token"])
    assert v2_titles(v2, v1_token) == [("made with the v1 token", "PENDING")]
