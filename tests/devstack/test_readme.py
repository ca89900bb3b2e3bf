"""Every shell block in README.md works as written.

A block that talks to the service (it names http://127.0.0.1:8000) runs in
bash against `make run` on a free port, with only that base URL replaced:
each command must succeed, and each request it makes must get a 2xx or 304,
as make run's request log shows. The other blocks would start a second
server, or this suite inside itself, so they are checked instead: each line
must be a `make` command naming a target and variables the Makefile has, or
pytest on paths that exist.
"""

import json
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.devstack.support import PROJECT_DIR, Run

README = PROJECT_DIR / "README.md"
DOCUMENTED_URL = "http://127.0.0.1:8000"
FENCE = re.compile(r"^```(?:sh|bash|shell)\n(.*?)^```", re.M | re.S)
PYTEST = ".venv/bin/python -m pytest"


def shell_blocks() -> list[str]:
    return FENCE.findall(README.read_text())


def commands(block: str) -> list[str]:
    """The block's commands, comments dropped and continued lines joined."""
    joined = re.sub(r"\\\n\s*", " ", block)
    return [
        line.split(" #")[0].strip()
        for line in joined.splitlines()
        if line.strip()[:1] not in ("", "#")
    ]


def request_statuses(log: str) -> list[tuple[str, str, int]]:
    lines = [
        json.loads(line) for line in log.splitlines() if line.startswith('{"event": "request"')
    ]
    return [(line["method"], line["path"], line["status"]) for line in lines]


@pytest.mark.parametrize(
    "block", [b for b in shell_blocks() if DOCUMENTED_URL in b], ids=lambda b: b.split("\n")[0]
)
def test_each_walk_through_runs_as_written_against_make_run(
    block: str, serving: Run, tmp_path: Path
) -> None:
    already_logged = len(serving.output())

    result = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", block.replace(DOCUMENTED_URL, serving.base_url)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    requests = request_statuses(serving.output()[already_logged:])
    assert len(requests) >= block.count("curl "), requests
    failed = [request for request in requests if request[2] >= 400]
    assert failed == [], result.stdout


def makefile_names() -> tuple[set[str], set[str]]:
    makefile = (PROJECT_DIR / "Makefile").read_text()
    targets = set(re.search(r"^\.PHONY:(.*)$", makefile, re.M).group(1).split())
    variables = set(re.findall(r"\$\(([A-Z_]+)\)", makefile))
    return targets, variables


def check_command(command: str) -> None:
    targets, variables = makefile_names()
    words = shlex.split(command)
    if words[0] == "make":
        assignments = [word.split("=", 1)[0] for word in words[1:] if "=" in word]
        named = [word for word in words[1:] if "=" not in word]
        assert set(named) <= targets, f"{command}: no such target"
        assert set(assignments) <= variables, f"{command}: the Makefile reads no such variable"
    elif command.startswith(PYTEST):
        paths = [word for word in words[3:] if not word.startswith("-")]
        assert paths, command
        assert all((PROJECT_DIR / path.split("::")[0]).exists() for path in paths), command
    else:
        pytest.fail(f"README block line {command!r} is neither run nor checked by this test")


@pytest.mark.parametrize(
    "block", [b for b in shell_blocks() if DOCUMENTED_URL not in b], ids=lambda b: b.split("\n")[0]
)
def test_each_other_block_names_targets_variables_and_paths_that_exist(block: str) -> None:
    for command in commands(block):
        check_command(command)
