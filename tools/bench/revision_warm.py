"""One revision's warm own time per route, in a process of its own (run by tools/bench/revisions).

`python -m tools.bench.revision_warm <tree> <cycles>`, started in this project's
folder with the environment of tools/bench/harness.configure_environment and
TABLE_NAME naming the revision's table. The bench's modules are imported from
this project first; then <tree> goes to the head of sys.path, so `app` and
`chalicelib` are the revision's while the harness, the cycles and the floors
are the same code for every revision. It signs up a user, gives the board
nine items (so the v2 list reads ten, as issue 12's table does), runs the
make bench warm cycles (tools/bench/warm) and prints one JSON line: every
route's own time per measured cycle, and the user's token and a todo's id
for the cold start.
"""

import itertools
import json
import os
import sys
import uuid
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from tests.support.values import PASSWORD
from tools.bench.harness import Harness
from tools.bench.warm import (
    create_event,
    expect,
    floor_app,
    floor_calls,
    new_user,
    seed_board,
    v1_cycle,
    v2_cycle,
)

FLOOR_ITEM = "floor-item"
WARM_UP_CYCLES = 3
LISTED = 10  # items on the board when the v2 cycle lists it
EXTRA_TITLES = ("reading", "running", "painting", "gardening", "cleaning", "mending")
LIST_ROUTE = "GET /v2/todos"


def unseen_tokens(token: str) -> Iterator[str]:
    """Tokens this process has not presented yet, for the token-cache miss row.

    Each is `token`'s header and claims plus a serial number, signed again with
    the stage's secret: a token any revision accepts as its own, and a string
    no cache of verified tokens has seen. Issuing them through the revision
    would tie this to its issuer's signature, and a revision whose tokens
    carry whole seconds only would issue the same string twice in a second.
    """
    import jwt

    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, options={"verify_signature": False})
    secret = os.environ["JWT_SECRET"]
    extra_headers = {k: v for k, v in header.items() if k not in ("alg", "typ")} or None
    for serial in itertools.count():
        yield jwt.encode(
            {**claims, "bench_serial": serial},
            secret,
            algorithm=header["alg"],
            headers=extra_headers,
        )


def load_revision(tree: Path) -> Harness:
    sys.path.insert(0, str(tree))
    harness = Harness()
    origin = sys.modules["chalicelib"].__file__ or ""
    if not origin.startswith(str(tree)):
        raise RuntimeError(f"chalicelib came from {origin}, not from {tree}")
    return harness


def measure(harness: Harness, cycles: int) -> dict:
    token = new_user(harness, f"compare-{uuid.uuid4().hex[:8]}", PASSWORD)
    todo_id = seed_board(harness, token)
    for title in EXTRA_TITLES:
        expect(harness.call(create_event(token, title)), 200, "seed")
    floors = floor_app(harness)
    unseen = unseen_tokens(token)
    own_seconds: dict[str, list[float]] = defaultdict(list)
    for number in range(WARM_UP_CYCLES + cycles):
        replies = floor_calls(harness, floors, token, FLOOR_ITEM)
        replies |= v1_cycle(harness, token, f"task {number}")
        replies |= v2_cycle(harness, token, f"todo {number}", next(unseen))
        listed = len(replies[LIST_ROUTE].body["items"])
        if listed != LISTED:
            raise RuntimeError(f"{LIST_ROUTE} listed {listed} items, not {LISTED}")
        if number >= WARM_UP_CYCLES:  # the first cycles build clients and fill caches
            for route, reply in replies.items():
                own_seconds[route].append(reply.overhead)
    return {"token": token, "todo_id": todo_id, "own_seconds": own_seconds}


def main(argv: list[str]) -> None:
    tree, cycles = Path(argv[0]).resolve(), int(argv[1])
    harness = load_revision(tree)
    try:
        result = measure(harness, cycles)
    finally:
        harness.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
