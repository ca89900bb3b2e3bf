"""Stopping `make run` leaves nothing behind, every time; data and tokens end together.

Before, SIGTERM to the process group orphaned `chalice local` on the port
about one time in 20, and the next `make run` then found its port taken. And
the signing secret outlived the data: after a restart an old token still
worked, for a user who no longer existed.
"""

import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from infra.dev_stack import free_port
from tests.devstack.support import (
    Run,
    command_lines,
    group_members,
    make_run,
    port_is_free,
)
from tests.support.api import V2, bearer
from tests.support.client import http_client

CYCLES = 20
SIGNALS = {signal.SIGINT: "Ctrl-C", signal.SIGTERM: "SIGTERM"}


def stop_cleanly(run: Run, signum: int, *, serving: bool = True) -> list[str]:
    """Stop the run; what was wrong afterwards, if anything.

    A signal that lands while an interpreter is still starting makes Python
    print its own KeyboardInterrupt traceback, so only a run stopped while
    serving must print none.
    """
    run.stop(signum)
    problems = [f"still running: {member}" for member in group_members(run.process.pid)]
    if not port_is_free(run.port):
        problems.append(f"port {run.port} still taken")
    if serving and "Traceback" in run.output():
        problems.append("a traceback was printed")
    return problems


def wait_for_launcher(run: Run) -> None:
    """Until `python -m infra.launcher` runs (make's own checks are quick and not ours)."""
    deadline = time.monotonic() + 30
    while not any("infra.launcher" in line for line in command_lines(run.process.pid)):
        assert time.monotonic() < deadline, run.output()
        time.sleep(0.01)


def stop_cycles(lane: int, cycles: int, folder: Path) -> list[str]:
    """Start and stop make run `cycles` times on one port; what went wrong, cycle by cycle."""
    port = free_port()  # used by each run in turn, as a person restarting make run would
    failures = []
    for cycle in range(cycles):
        signum = signal.SIGINT if cycle % 2 == 0 else signal.SIGTERM
        serving = cycle % 3 == 0
        run = make_run(port, folder / f"lane-{lane}-run-{cycle}.log")
        try:
            if serving:
                run.wait_ready()
            else:  # somewhere in the launcher's start-up, where races live
                wait_for_launcher(run)
                time.sleep(0.07 * ((cycle + lane) % 10))
            problems = stop_cleanly(run, signum, serving=serving)
        finally:
            run.kill()
        if problems:
            failures.append(f"lane {lane} cycle {cycle}, {SIGNALS[signum]}: {problems}")
    return failures


def test_twenty_stops_leave_no_process_and_a_free_port_every_time(tmp_path: Path) -> None:
    # GIVEN two ports, WHEN make run is started and stopped ten times on each, two at once,
    # by Ctrl-C or SIGTERM to its process group, while serving or during start-up
    with ThreadPoolExecutor(2) as pool:
        lanes = pool.map(stop_cycles, [0, 1], [CYCLES // 2] * 2, [tmp_path] * 2)
        failures = [failure for lane in lanes for failure in lane]

    # THEN each time nothing is left running, and the port is free for the next run
    assert failures == []


def test_a_token_from_an_earlier_run_gets_401_like_its_vanished_data(tmp_path: Path) -> None:
    # GIVEN a user with a token from one run
    port = free_port()
    first = make_run(port, tmp_path / "first.log")
    try:
        first.wait_ready()
        earlier = V2(http_client(first.base_url))
        token = earlier.log_in(earlier.sign_up("ada"))
        assert earlier.list(token).status == 200
    finally:
        stop_cleanly(first, signal.SIGINT)
        first.kill()

    # WHEN make run starts again
    second = make_run(port, tmp_path / "second.log")
    try:
        second.wait_ready()
        # THEN the old token is refused, for reads and writes alike
        todo = {"title": "written by a ghost"}
        for method, path, body in [("GET", "/v2/todos", None), ("POST", "/v2/todos", todo)]:
            status, _, problem = http_client(second.base_url)(method, path, body, bearer(token))
            assert (status, problem["reason"]) == (401, "invalid")
        # AND the user is gone with the data, so the same sign-up works again (201)
        V2(http_client(second.base_url)).sign_up("ada")
    finally:
        stop_cleanly(second, signal.SIGTERM)
        second.kill()
