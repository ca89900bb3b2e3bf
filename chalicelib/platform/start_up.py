"""A container's first request, served with Python's cyclic garbage collector paused.

The first request of a container builds what then lives as long as the
container: the DynamoDB client with botocore's service model, the signing
keys, PyJWT and the modules each route loads on first use. That is some
hundred thousand objects, and while they are made the collector runs every
few hundred allocations, each full pass walking every object made so far
without ever finding one to free (docs/PERFORMANCE.md measures what
that costs a cold start). So the first request runs with the collector
off; at its end gc.freeze() moves everything still alive into a permanent
generation that later passes skip, and the collector resumes for what
requests leave behind. The price is that whatever cyclic garbage the first
request made is kept too, once per container; it is a fraction of what the
request allocated.

Later requests, and requests served while another thread's first request
runs (`chalice local` serves each on a thread), are left as they are.
"""

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_claim = threading.Lock()
_first_claimed = False


def _is_first() -> bool:
    global _first_claimed
    with _claim:
        first, _first_claimed = not _first_claimed, True
    return first


@contextmanager
def first_request_without_collector() -> Iterator[None]:
    if not _is_first():
        yield
        return
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
