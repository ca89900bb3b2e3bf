"""Each user sees and changes only their own items, even when titles coincide."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.support.api import V1, Board
    from tests.support.client import Reply

pytestmark = pytest.mark.http

NOT_FOUND = {
    "type": "/problems/not-found",
    "title": "Not found",
    "status": 404,
    "detail": "You have no item with that title.",
}


def assert_not_found(reply: Reply) -> None:
    assert (reply.status, reply.body) == (404, NOT_FOUND)
    assert reply.headers["Content-Type"] == "application/problem+json"


def test_a_user_does_not_see_another_users_items(api: V1, board: Board) -> None:
    # GIVEN Alice has items
    alice, bob = api.new_user(), api.new_user()
    api.create(alice, "alice's secret")
    api.create(alice, "alice's chore")
    api.edit(alice, "alice's chore")

    # WHEN Bob reads his board
    bobs_board = api.get(bob)

    # THEN it is empty, and Alice's is as she left it
    assert (bobs_board.status, bobs_board.body) == (200, board())
    assert api.get(alice).body == board(pending=["alice's secret"], done=["alice's chore"])


def test_a_user_cannot_edit_or_delete_another_users_item(api: V1, board: Board) -> None:
    alice, bob = api.new_user(), api.new_user()
    api.create(alice, "alice's secret")
    api.create(bob, "bob's own")

    assert_not_found(api.edit(bob, "alice's secret"))
    assert_not_found(api.delete(bob, "alice's secret"))

    assert api.get(alice).body == board(pending=["alice's secret"])
    assert api.get(bob).body == board(pending=["bob's own"])


def test_two_users_hold_the_same_title_independently(api: V1, board: Board) -> None:
    # GIVEN Alice and Bob each create "washing"
    alice, bob = api.new_user(), api.new_user()
    from_alice = api.create(alice, "washing")
    from_bob = api.create(bob, "washing")
    assert (from_alice.body, from_bob.body) == (board(pending=["washing"]),) * 2

    # WHEN Bob marks his done and Alice deletes hers
    bob_edited = api.edit(bob, "washing")
    alice_deleted = api.delete(alice, "washing")

    # THEN each change touched only its owner's item
    assert (bob_edited.status, bob_edited.body) == (200, board(done=["washing"]))
    assert (alice_deleted.status, alice_deleted.body) == (200, board())
    assert api.get(alice).body == board()
    assert api.get(bob).body == board(done=["washing"])


def test_another_users_delete_does_not_let_a_duplicate_title_in(api: V1, board: Board) -> None:
    alice, bob = api.new_user(), api.new_user()
    api.create(alice, "washing")
    api.create(bob, "washing")
    api.delete(alice, "washing")

    recreated = api.create(bob, "washing")

    assert (recreated.status, recreated.body) == (200, board(pending=["washing"]))
