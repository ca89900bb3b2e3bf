"""`make load`: Locust, headless, sending a fixed number of requests to the local server.

Locust's users (tools/load/locustfile.py) each keep a connection open and
repeat a session (tools/load/scenario.py: the book's v1 walk-through, then
v2 CRUD) until the request budget is spent or the time limit passes. Every
response is checked; any error makes the exit status non-zero. If nothing
answers at the URL, a private stack (infra/local_stack.py, with the tools'
moto change) is started on a free port for the run and stopped after it.
Loopback only.
"""

import argparse
import http.client
import json
import math
import os
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from infra.dev_stack import PROJECT_DIR
from infra.local_stack import local_stack
from tools.moto_tweaks import DATABASE
from tools.report import LOAD_BEGIN, LOAD_END, Sample, load_report, percentile, replace_section

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
DOC = PROJECT_DIR / "docs" / "PERFORMANCE.md"
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
SERVER_LOG = PROJECT_DIR / ".local" / "load-server.log"


def run_locust(base_url: str, args: argparse.Namespace) -> dict[str, Any]:
    """Locust's headless run; its summary goes to the terminal, each request's figures here."""
    with tempfile.TemporaryDirectory() as folder:
        samples = Path(folder) / "samples.json"
        command = [
            sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
            "--host", base_url, "--users", str(args.clients), "--spawn-rate", str(args.clients),
            "--run-time", f"{math.ceil(args.max_seconds)}s", "--stop-timeout", "10",
            "--requests", str(args.requests), "--samples", str(samples),
            "--only-summary", "--loglevel", "WARNING",
        ]  # fmt: skip
        exit_code = subprocess.run(command, cwd=PROJECT_DIR, check=False).returncode
        figures = json.loads(samples.read_text()) if samples.exists() else {}
    return {
        "samples": [Sample(*each) for each in figures.get("samples", [])],
        "wall": figures.get("wall", 0.0),
        "budget": args.requests,
        "locust_exit_code": exit_code,
    }


def answers(base_url: str) -> bool:
    """Whether a server answers at base_url; something other than this service is an error."""
    connection = http.client.HTTPConnection(urlsplit(base_url).netloc, timeout=2)
    try:
        connection.request("GET", "/v1/auth/ping")
        status = connection.getresponse().status
    except OSError:
        return False
    finally:
        connection.close()
    if status != 200:
        sys.exit(f"load: {base_url}/v1/auth/ping answered {status}; is that this service?")
    return True


def handler_times(log: Path) -> str:
    """What the server's own request log says about time spent inside the handler."""
    durations = []
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith('{"event": "request"'):
            durations.append(json.loads(line)["duration_ms"])
    if not durations:
        return "The server logged no requests."
    p50, p95, p99 = (percentile(durations, p) for p in (50, 95, 99))
    return (
        f"Inside the handler, by the server's own request log: p50 {p50:.1f} ms, "
        f"p95 {p95:.1f} ms, p99 {p99:.1f} ms over {len(durations)} requests."
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    port = os.environ.get("PORT", "8000")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=f"http://127.0.0.1:{port}")
    parser.add_argument("--clients", type=int, default=8, help="Locust users at once")
    parser.add_argument("--requests", type=int, default=2000, help="requests to send in all")
    parser.add_argument("--max-seconds", type=float, default=120)
    parser.add_argument(
        "--record", action="store_true", help=f"also write the result into {DOC.name}"
    )
    args = parser.parse_args(argv)
    if urlsplit(args.url).hostname not in LOOPBACK_HOSTS:
        parser.error("--url must be a loopback address; this script never leaves the machine")
    if min(args.clients, args.requests) < 1 or args.max_seconds <= 0:
        parser.error("--clients, --requests and --max-seconds must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with ExitStack() as stack:
        target, base_url = f"the server at {args.url}", args.url
        if not answers(args.url):
            print(f"Nothing answers at {args.url}: starting a private stack.", flush=True)
            SERVER_LOG.parent.mkdir(exist_ok=True)
            log = stack.enter_context(SERVER_LOG.open("wb"))
            private = stack.enter_context(local_stack(output=log, database_module=DATABASE))
            base_url = private.base_url
            target = f"a private stack at {base_url} (the local server, no reload)"
        print(f"Driving {target}: {args.clients} clients, {args.requests} requests.", flush=True)
        result = run_locust(base_url, args)
    settings = {k: getattr(args, k) for k in ("clients", "requests", "max_seconds")}
    text, errors = load_report(result, settings, target)
    if base_url != args.url:
        text += "\n\n" + handler_times(SERVER_LOG)
    print(text)
    if args.record:
        replace_section(DOC, LOAD_BEGIN, LOAD_END, text)
        print(f"Recorded in {DOC}")
    return 1 if errors or result["locust_exit_code"] else 0


if __name__ == "__main__":
    sys.exit(main())
