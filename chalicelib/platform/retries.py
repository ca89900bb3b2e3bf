"""One retry budget per request: a number of retries and a deadline, shared by every retry.

Every kind of retry draws on the same budget: a DynamoDB call failing
transiently (throttling, a 5xx, a dropped connection), a transaction
cancelled by contention or one that learned who holds a title, and a
rename that re-reads a todo changed under it. botocore's own retries are
off, so nothing retries anywhere else. When the budget runs out, the
request answers 503 with Retry-After; the deadline is set so that this
answer is sent well inside the Lambda timeout.
"""

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass

MAX_ATTEMPTS_PER_CALL = 3
MAX_RETRIES_PER_REQUEST = 6
# Never plan past this much of a request, nor past the Lambda's own
# remaining time less ANSWER_MARGIN_SECONDS, kept to answer 503.
MAX_REQUEST_SECONDS = 10.0
ANSWER_MARGIN_SECONDS = 1.0
# The longest one attempt can take: the clients' connect plus read timeouts.
CONNECT_TIMEOUT_SECONDS = 1
READ_TIMEOUT_SECONDS = 2
ATTEMPT_SECONDS = CONNECT_TIMEOUT_SECONDS + READ_TIMEOUT_SECONDS
BACK_OFF_BASE_SECONDS = 0.025
BACK_OFF_CAP_SECONDS = 0.5

# Tests replace these to wait for nothing and to read a clock they control.
sleep: Callable[[float], None] = time.sleep
monotonic: Callable[[], float] = time.monotonic


@dataclass
class RetryBudget:
    deadline: float
    retries_left: int = MAX_RETRIES_PER_REQUEST

    def retry(self, delay: float = 0.0) -> bool:
        """Spend one retry after waiting `delay`; False, spending nothing, if none is left
        or another attempt could not finish before the deadline."""
        if self.retries_left <= 0 or monotonic() + delay + ATTEMPT_SECONDS > self.deadline:
            return False
        self.retries_left -= 1
        if delay:
            sleep(delay)
        return True

    def has_time(self) -> bool:
        """Whether another attempt could still finish before the deadline."""
        return monotonic() + ATTEMPT_SECONDS <= self.deadline


def back_off(attempt: int) -> float:
    """A jittered, exponentially growing wait before retry number `attempt` (from 0)."""
    ceiling = min(BACK_OFF_CAP_SECONDS, BACK_OFF_BASE_SECONDS * 2**attempt)
    return random.uniform(0, ceiling)  # noqa: S311 - jitter, not security


_budget: ContextVar[RetryBudget | None] = ContextVar("retry_budget", default=None)


def new_budget(remaining_seconds: float | None = None) -> RetryBudget:
    """A full budget, given how long Lambda will still wait, when it says."""
    seconds = MAX_REQUEST_SECONDS
    if remaining_seconds is not None:
        seconds = min(seconds, remaining_seconds - ANSWER_MARGIN_SECONDS)
    return RetryBudget(deadline=monotonic() + seconds)


@contextmanager
def request_budget(remaining_seconds: float | None = None) -> Iterator[RetryBudget]:
    """Give the request now starting its budget, for as long as it runs."""
    token = begin_request(remaining_seconds)
    try:
        yield _budget.get()
    finally:
        end_request(token)


def begin_request(remaining_seconds: float | None = None) -> Token:
    """Give the request now starting its budget; pass what this returns to end_request.

    The middleware, which runs for every request, calls these two directly:
    they cost a third of what the context manager does.
    """
    return _budget.set(new_budget(remaining_seconds))


def end_request(token: Token) -> None:
    _budget.reset(token)


def current() -> RetryBudget:
    """This request's budget; outside any request (tools, tests), a full one each time."""
    return _budget.get() or new_budget()
