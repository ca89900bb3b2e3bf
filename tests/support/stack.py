"""Local stacks and databases for a suite's session, from infra/local_stack.py.

DynamoDB Local is skipped, saying why, where Java or npm is missing, unless
REQUIRE_DYNAMODB_LOCAL is set (CI sets it), in which case its absence fails
the run. The embedded database never skips: it needs nothing but the venv.
"""

import os
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, ExitStack, contextmanager
from typing import TypeVar

import pytest

from infra.dynamodb_local import Unavailable
from infra.local_stack import LocalStack, database, local_stack

T = TypeVar("T")


@contextmanager
def started_stack(
    backend: str = "moto", instances: int = 1, extra_env: Mapping[str, str] = {}
) -> Iterator[LocalStack]:
    with _started(backend, local_stack(backend, instances, extra_env=extra_env)) as stack:
        yield stack


@contextmanager
def started_database(backend: str) -> Iterator[str]:
    """An empty database of this backend; yields its endpoint."""
    with _started(backend, database(backend)) as endpoint_url:
        yield endpoint_url


@contextmanager
def _started(backend: str, starting: AbstractContextManager[T]) -> Iterator[T]:
    with ExitStack() as stops:
        try:
            started = stops.enter_context(starting)
        except (Unavailable, OSError) as error:
            if backend == "moto":
                raise
            if os.environ.get("REQUIRE_DYNAMODB_LOCAL"):
                pytest.fail(f"DynamoDB Local is required here but unavailable: {error}")
            pytest.skip(f"DynamoDB Local unavailable: {error}")
        yield started
