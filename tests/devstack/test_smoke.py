"""`make smoke URL=…` against make run's server: the scenario passes, cleans up, and
says when it fails."""

import json
import re
import subprocess

from tests.devstack.support import PROJECT_DIR, Run, make_env


def smoke(url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", "smoke", f"URL={url}"],
        cwd=PROJECT_DIR,
        env=make_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def rows(output: str) -> dict[str, str]:
    """Each step's result, from the printed table."""
    table = output.split("\n", 1)[1]
    found = {}
    for line in table.splitlines()[1:]:
        match = re.match(r"^(.+?)\s{2,}(ok|FAIL|SKIP)\s", line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def test_smoke_passes_against_make_run_and_leaves_nothing_behind(serving: Run) -> None:
    already_logged = len(serving.output())

    result = smoke(serving.base_url)

    assert result.returncode == 0, result.stdout + result.stderr
    results = rows(result.stdout)
    assert len(results) >= 20
    assert set(results.values()) == {"ok"}, result.stdout
    assert "cannot log in" in result.stdout
    assert "0 left over" in result.stdout
    lines = [
        json.loads(line)
        for line in serving.output()[already_logged:].splitlines()
        if line.startswith('{"event": "request"')
    ]
    paths = {(line["method"], line["path"]) for line in lines}
    assert ("POST", "/v1/user/create") in paths
    assert ("PATCH", "/v2/todos/{todo_id}") in paths
    assert ("DELETE", "/v2/todos/{todo_id}") in paths
    assert ("DELETE", "/v2/users/me") in paths
    assert all(line["status"] < 500 for line in lines)


def test_smoke_fails_with_a_table_saying_where_when_the_url_is_wrong(serving: Run) -> None:
    result = smoke(f"{serving.base_url}/no-such-prefix")

    assert result.returncode != 0, result.stdout + result.stderr
    assert "Error 1" in result.stderr  # the tool's own status: a step failed
    results = rows(result.stdout)
    assert results["ping"] == "FAIL"
    assert "got 404, expected 200" in result.stdout
    assert results["v2 token"] == "SKIP"
    assert results["clean up: delete the account"] == "ok"  # no user was made
    assert ", 1 failed," in result.stdout.splitlines()[-1]


def test_resolve_reaches_a_host_name_that_no_dns_knows(serving: Run) -> None:
    """As curl's --resolve: the emulated stage's host name resolves nowhere offline."""
    port = serving.base_url.rsplit(":", 1)[1]
    result = subprocess.run(
        ["make", "--no-print-directory", "smoke", f"URL=http://api.invalid:{port}",
         f"RESOLVE=api.invalid:{port}:127.0.0.1"],
        cwd=PROJECT_DIR, env=make_env(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert result.returncode == 0, result.stdout + result.stderr
    assert set(rows(result.stdout).values()) == {"ok"}


def test_without_resolve_that_host_name_fails(serving: Run) -> None:
    port = serving.base_url.rsplit(":", 1)[1]

    result = smoke(f"http://api.invalid:{port}")

    assert result.returncode != 0
    assert rows(result.stdout)["ping"] == "FAIL"
