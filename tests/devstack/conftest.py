"""One `make run` shared by the tests that only need a stack to talk to.

It is started the way a person would start it, with a setting given to make
(TOKEN_EXPIRE_MINUTES, which .chalice/config.json also sets), so the tests
can see that variables given to make reach the app.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.dev_stack import free_port
from tests.devstack.support import EXPIRE_MINUTES, Run, make_run


@pytest.fixture(scope="session")
def serving(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    log = tmp_path_factory.mktemp("make-run") / "output.log"
    run = make_run(free_port(), log, f"TOKEN_EXPIRE_MINUTES={EXPIRE_MINUTES}")
    try:
        run.wait_ready()
        yield run
    finally:
        run.stop()
        run.kill()


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    return tmp_path / "output.log"
