"""`make load` in CI: a short Locust run against a private stack, every request answered right.

The figures themselves are never asserted (they depend on the machine); what
is, is that Locust sent exactly the requests asked for, that none failed,
and that the run left docs/PERFORMANCE.md as it was (only --record writes it).
"""

import re
import subprocess
import sys

from infra.dev_stack import PROJECT_DIR, free_port

REQUESTS = 300
TOTALS = re.compile(r"^\| (\d+) \| [\d.]+ s \| [\d.]+ req/s \|.* \| (\d+) \|$", re.MULTILINE)


def test_a_short_locust_run_sends_exactly_its_requests_and_none_fails() -> None:
    # GIVEN a port nothing listens on, so the tool starts a private stack of its own
    doc = PROJECT_DIR / "docs" / "PERFORMANCE.md"
    before = doc.read_bytes()
    url = f"http://127.0.0.1:{free_port()}"

    # WHEN make load's tool runs with a fixed request count
    options = ["--url", url, "--clients", "4", "--requests", str(REQUESTS), "--max-seconds", "90"]
    run = subprocess.run(
        [sys.executable, "-m", "tools.load", *options],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=180,
    )

    # THEN it exits 0, having sent exactly that many requests, none of them failing
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-4000:]
    assert "starting a private stack" in run.stdout
    totals = TOTALS.findall(run.stdout)
    assert totals == [(str(REQUESTS), "0")], output[-4000:]
    assert "Stopped by the time limit" not in run.stdout
    assert doc.read_bytes() == before
