"""The v1 whole list at the todo quota: the most one user can make a v1 call read.

One user's list is filled to the stage's quota with long titles (as long as
a hostile user would choose), then read through v1 beside the same read at
10 items. The check that matters is that the figures are bounded by the
quota: the list cannot be made longer, so no v1 call can read more.
"""

import os
from dataclasses import dataclass

from chalicelib.platform.config import DEFAULT_TODO_QUOTA
from chalicelib.platform.tokens import verify_token
from tools.bench.events import api_event
from tools.bench.harness import ISSUER, Harness, Measured
from tools.bench.scaling import seed
from tools.bench.warm import expect
from tools.report import median

TITLE_CHARS = 220
SMALL = 10


@dataclass(frozen=True)
class QuotaListCost:
    items: int
    seconds: float
    overhead: float
    body_bytes: int
    calls: int
    items_read: int


@dataclass(frozen=True)
class QuotaList:
    quota: int
    small: QuotaListCost
    full: QuotaListCost
    create_past_quota: int  # the status a create past the quota got


def measure_quota_list(harness: Harness, client, token: str, repeats: int) -> QuotaList:
    quota = int(os.environ.get("TODO_QUOTA") or DEFAULT_TODO_QUOTA)
    user_id = verify_token(token, secret=os.environ["JWT_SECRET"].encode(), issuer=ISSUER)
    seed(client, user_id, 0, SMALL, TITLE_CHARS)
    small = _read_list(harness, token, repeats, SMALL)
    seed(client, user_id, SMALL, quota - SMALL, TITLE_CHARS)
    full = _read_list(harness, token, repeats, quota)
    create = api_event(
        "POST",
        "/v1/item/create/{title}",
        "/v1/item/create/one-too-many",
        path_params={"title": "one-too-many"},
        headers={"token": token},
    )
    return QuotaList(quota, small, full, harness.call(create).status)


def _read_list(harness: Harness, token: str, repeats: int, items: int) -> QuotaListCost:
    event = api_event("GET", "/v1/item/get", "/v1/item/get", headers={"token": token})
    kept: list[Measured] = []
    for _ in range(repeats):
        measured = expect(harness.call(event), 200, "GET /v1/item/get")
        if measured.body["pending_item_count"] != items:
            raise RuntimeError(f"expected {items} items, got {measured.body['pending_item_count']}")
        kept.append(measured)
    return QuotaListCost(
        items,
        median([m.seconds for m in kept]),
        median([m.overhead for m in kept]),
        kept[-1].body_bytes,
        len(kept[-1].calls),
        kept[-1].items_read,
    )


def unbounded(result: QuotaList) -> list[str]:
    """What, if anything, shows the v1 list is no longer bounded by the quota."""
    problems = []
    if result.full.items_read > result.quota:
        problems.append(f"v1 read {result.full.items_read} items, past the quota {result.quota}")
    if result.create_past_quota != 409:
        problems.append(f"a create past the quota got {result.create_past_quota}, not 409")
    return problems
