"""`make run` restarts on code changes only, says which file changed, and idles quietly.

Chalice's reloader polled all of the project, .venv included: `make run > log`
inside the project restarted it on every line it logged, `make package`
writing out/ restarted it, and idling cost about 11% of a core. This runs
`make run > log 2>&1` inside a scratch copy of the project, so the tests can
edit its code.
"""

import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.dev_stack import free_port
from tests.devstack.support import PROJECT_DIR, Run, group_members, make_run
from tests.support.client import http_client

COPIED = [
    "app.py",
    "chalicelib",
    ".chalice",
    "infra",
    "Makefile",
    *sorted(path.name for path in PROJECT_DIR.glob("requirements*.txt")),
]
NEW_ROUTE = """

@app.route("/v0/reloaded")
def reloaded() -> dict:
    return {"reloaded": True}
"""


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project")
    for name in COPIED:
        source = PROJECT_DIR / name
        if source.is_dir():
            ignored = shutil.ignore_patterns("__pycache__", "deployments", "deployed")
            shutil.copytree(source, root / name, ignore=ignored)
        else:
            shutil.copy(source, root / name)
    return root


@pytest.fixture(scope="module")
def stack(copy: Path) -> Iterator[Run]:
    # The venv running these tests, so the copy needs none of its own.
    run = make_run(free_port(), copy / "log", f"VENV={sys.prefix}", cwd=copy)
    try:
        run.wait_ready()
        yield run
    finally:
        run.stop()
        run.kill()


def restarts(run: Run) -> list[str]:
    return [line for line in run.output().splitlines() if "restarting the server" in line]


def served_again(run: Run) -> list[str]:
    return [line for line in run.output().splitlines() if "serving again" in line]


def write_noise(copy: Path, round_: int) -> None:
    """What a working project gets written into, none of it code."""
    for folder in [
        "out/dev",
        ".venv-other/lib",
        ".local",
        ".chalice/deployments",
        "chalicelib/__pycache__",
    ]:
        (copy / folder).mkdir(parents=True, exist_ok=True)
    (copy / "out" / "dev" / "deployment.zip").write_bytes(b"zip" * round_)
    (copy / ".venv-other" / "lib" / "module.py").write_text(f"x = {round_}\n")
    (copy / ".local" / "perf-server.log").write_text(f"{round_}\n")
    (copy / ".chalice" / "deployments" / "wheels.zip").write_bytes(b"w" * round_)
    (copy / "chalicelib" / "__pycache__" / "v1.cpython-311.pyc").write_bytes(b"c" * round_)
    (copy / "notes.txt").write_text(f"{round_}\n")


def test_its_own_log_and_files_outside_the_code_never_restart_it(stack: Run, copy: Path) -> None:
    # GIVEN make run > log 2>&1 inside the project
    answered = []
    size_before = stack.log.stat().st_size

    # WHEN for two seconds it is pinged (each ping adds a log line) and other files change
    deadline = time.monotonic() + 2
    round_ = 0
    while time.monotonic() < deadline:
        round_ += 1
        answered.append(http_client(stack.base_url)("GET", "/v1/auth/ping")[0])
        write_noise(copy, round_)
        time.sleep(0.05)

    # THEN every ping was answered and nothing restarted it
    assert stack.log.stat().st_size > size_before
    assert answered == [200] * len(answered)
    assert len(answered) > 10
    assert restarts(stack) == []


def test_a_code_change_restarts_it_within_about_a_second_naming_the_file(
    stack: Run, copy: Path
) -> None:
    assert http_client(stack.base_url)("GET", "/v0/reloaded")[0] == 404

    changed = time.monotonic()
    with (copy / "app.py").open("a") as app:
        app.write(NEW_ROUTE)
    while http_client(stack.base_url)("GET", "/v0/reloaded")[0] != 200:
        assert time.monotonic() - changed < 5, stack.output()
        time.sleep(0.05)

    assert restarts(stack)[-1] == "make run: app.py changed; restarting the server"
    with (copy / "chalicelib" / "domain" / "errors.py").open("a") as module:
        module.write("\n# edited\n")
    deadline = time.monotonic() + 5
    while len(restarts(stack)) < 2 or len(served_again(stack)) < len(restarts(stack)):
        assert time.monotonic() < deadline, stack.output()
        time.sleep(0.05)
    assert (
        restarts(stack)[-1]
        == "make run: chalicelib/domain/errors.py changed; restarting the server"
    )


def wait_for(run: Run, text: str, count: int = 1, timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while run.output().count(text) < count:
        assert time.monotonic() < deadline, run.output()
        time.sleep(0.05)


def test_code_that_fails_to_load_is_reported_once_and_the_fix_serves_again(
    stack: Run, copy: Path
) -> None:
    module = copy / "chalicelib" / "domain" / "errors.py"
    working = module.read_text()
    served = len(served_again(stack))

    module.write_text(working + "\ndef broken(:\n")
    wait_for(stack, "SyntaxError")
    wait_for(stack, "it restarts when code changes again")
    module.write_text(working)
    wait_for(stack, "serving again", served + 1)

    assert http_client(stack.base_url)("GET", "/v1/auth/ping")[0] == 200
    assert stack.output().count("exited with code") == 1
    assert "Fatal Python error" not in stack.output()


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def test_idle_it_uses_next_to_no_cpu(stack: Run) -> None:
    assert http_client(stack.base_url)("GET", "/v1/auth/ping")[0] == 200
    time.sleep(0.5)  # whatever answering took is over
    pids = [int(member.split()[0]) for member in group_members(stack.process.pid)]
    before = cpu_seconds(pids)
    time.sleep(2)

    used = cpu_seconds(pids) - before

    assert used < 0.1  # 5% of one core; Chalice's polling reloader used about 11%
