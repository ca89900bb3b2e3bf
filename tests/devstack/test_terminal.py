"""`make run` in a terminal that answers no queries starts as fast as anywhere, and Ctrl-C stops it.

Chalice's CLI pulls in a terminal library that asks the terminal about
itself and waits seconds for each answer, so in `script` or expect
harnesses, some CI consoles and IDE run panes start-up took 21 s, not 1 s.
Here make runs with a pseudo-terminal as its controlling terminal that is
read but never answers.
"""

import fcntl
import os
import pty
import select
import subprocess
import termios
import time

from infra.dev_stack import free_port
from tests.devstack.support import (
    BANNER,
    PROJECT_DIR,
    group_members,
    make_env,
    port_is_free,
    wait_group_gone,
)

# Queries a terminal library sends: cursor position, device attributes, XTGETTCAP.
QUERIES = (b"\x1b[6n", b"\x1b[c", b"\x1b[>c", b"\x1b[>q", b"\x1bP+q")


def take_terminal() -> None:
    """In the child, after setsid: make stdin (the pty) the controlling terminal."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def read_until(master: int, wanted: bytes, timeout: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while wanted not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                seen += os.read(master, 65536)
            except OSError:  # the other side closed
                break
    return seen


def test_start_up_in_a_silent_terminal_asks_it_nothing_and_ctrl_c_stops_it() -> None:
    port = free_port()
    master, slave = pty.openpty()
    started = time.monotonic()
    process = subprocess.Popen(
        ["make", "--no-print-directory", "run", f"PORT={port}"],
        cwd=PROJECT_DIR,
        env=make_env(TERM="xterm-256color"),
        stdin=slave,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
        preexec_fn=take_terminal,  # only an ioctl, before exec
    )
    os.close(slave)
    try:
        output = read_until(master, BANNER.format(port=port).encode(), timeout=30)
        ready_after = time.monotonic() - started
        os.write(master, b"\x03")  # Ctrl-C, which the terminal turns into SIGINT
        process.wait(timeout=5)
        wait_group_gone(process.pid)
        output += read_until(master, b"never", timeout=0.2)
    finally:
        if process.poll() is None or group_members(process.pid):
            os.killpg(process.pid, 9)
            process.wait()
        os.close(master)

    assert BANNER.format(port=port).encode() in output, output
    assert ready_after < 8  # was 21 s: two processes each waiting on unanswered queries
    assert [query for query in QUERIES if query in output] == []
    assert group_members(process.pid) == []
    assert port_is_free(port)
