"""A container's start-up, run with Python's cyclic garbage collector paused.

Importing the app and serving the first request build what then lives as
long as the container: the modules and the routes, the DynamoDB client with
botocore's service model, the signing keys, PyJWT. That is some hundred
thousand objects, and while they are made the collector runs every few
hundred allocations, each full pass walking every object made so far without
ever finding one to free (docs/PERFORMANCE.md measures what that costs a
cold start). So on Lambda app.py pauses the collector before it imports
the routes, and the first request runs with it still off; when that request
has been answered, gc.freeze() moves everything alive into a permanent
generation that later passes skip, and the collector resumes for what
requests leave behind. The price is that whatever cyclic garbage start-up
made is kept too, once per container; it is a fraction of what it
allocated.

Elsewhere a process may import the app and serve nothing for a long while
(`chalice package`, a test run), so there the pause begins with the first
request instead. Later requests, and requests served while another thread's
first request runs (`chalice local` serves each on a thread), are left as
they are.
"""

import gc
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_first_claimed = False
_collector_was_enabled: bool | None = None  # set while start-up has the collector paused


def pause_collector_on_lambda() -> None:
    """Called by app.py before it imports the routes. Lambda names the function."""
    if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
        pause_collector()


def pause_collector() -> None:
    """Turn the collector off until the first request has been answered; once per process."""
    global _collector_was_enabled
    with _lock:
        if not _first_claimed and _collector_was_enabled is None:
            _collector_was_enabled = gc.isenabled()
            gc.disable()


@contextmanager
def first_request_without_collector() -> Iterator[None]:
    if _first_claimed:  # every request but a process's first: no lock to take
        yield
        return
    pause_collector()  # if app.py has not
    if not _claim_first():
        yield
        return
    try:
        yield
    finally:
        _resume_collector()


def _claim_first() -> bool:
    global _first_claimed
    with _lock:
        first, _first_claimed = not _first_claimed, True
    return first


def _resume_collector() -> None:
    global _collector_was_enabled
    gc.freeze()
    with _lock:
        if _collector_was_enabled:
            gc.enable()
        _collector_was_enabled = None
