"""Refreshes racing on DynamoDB Local: rotation is one conditional write, so twenty
refreshes of one token at once have exactly one winner, and the winner's new token
keeps working (losers within the race's grace are not taken for a thief)."""

import uuid
from concurrent.futures import ThreadPoolExecutor

from tests.realdb.conftest import Handler
from tests.support.api import credentials, v2_account
from tests.support.client import Reply


def refresh(handler: Handler, token: str) -> Reply:
    body = {"grant_type": "refresh_token", "refresh_token": token}
    return handler("POST", "/v2/auth/token", body)


def test_twenty_refreshes_of_one_token_at_once_have_one_winner_whose_token_works(
    handler: Handler,
) -> None:
    name = f"tabs-{uuid.uuid4().hex[:8]}"
    assert handler("POST", "/v2/users", v2_account(name)).status == 201
    shared = handler("POST", "/v2/auth/token", credentials(name)).body["refresh_token"]
    with ThreadPoolExecutor(max_workers=20) as pool:
        replies = list(pool.map(lambda _: refresh(handler, shared), range(20)))
    statuses = sorted(reply.status for reply in replies)
    assert statuses == [200] + [401] * 19
    (winner,) = [reply for reply in replies if reply.status == 200]
    assert {reply.body["reason"] for reply in replies if reply.status == 401} == {"invalid_grant"}
    # the winner's new token rotates again, and the shared one stays refused
    assert refresh(handler, winner.body["refresh_token"]).status == 200
    assert refresh(handler, shared).status == 401
