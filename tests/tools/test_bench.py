"""`make bench` in CI: a short run that reports every row, each with a ratio.

The figures themselves are never asserted (they depend on the machine and
its load); what is, is that the benchmark runs to the end, that each row it
promises is there with a ratio beside its floor, that the account it deletes
at the quota leaves nothing behind, and that the run leaves
docs/PERFORMANCE.md as it was (only a run without --no-write writes it).
"""

import os
import re
import subprocess
import sys

import pytest

from infra.dev_stack import PROJECT_DIR
from tools.bench.account_deletion import DYNAMODB_LOCAL, MOTO
from tools.bench.cold import FLOOR, OURS, OURS_DEPLOYED
from tools.bench.sessions import BACKOFF_KNOWN, BACKOFF_UNKNOWN, FLOOR_GRANT, REFRESH
from tools.bench.warm import CACHE_HIT_ROUTE, CACHE_MISS_ROUTE, FLOOR_BARE, FLOOR_GET, FLOOR_JWT

RATIO = re.compile(r"\| \d+\.\d\dx(?= \|)")
SMALL_QUOTA = 30  # the account deleted at the quota, kept small for a short run


def table_row(report: str, first_cell: str, containing: str = "") -> str:
    """The first table line of the report whose first cell is exactly `first_cell`
    and that contains `containing`."""
    lines = [
        line
        for line in report.splitlines()
        if line.startswith(f"| {first_cell} |") and containing in line
    ]
    assert lines, f"no row {first_cell!r} with {containing!r} in the report"
    return lines[0]


@pytest.fixture(scope="module")
def report() -> str:
    doc = PROJECT_DIR / "docs" / "PERFORMANCE.md"
    before = doc.read_bytes()
    options = ["--rounds", "1", "--samples", "2", "--logins", "1", "--profile-cycles", "1"]
    options += ["--list-repeats", "1", "--no-write"]
    if not os.environ.get("REQUIRE_DYNAMODB_LOCAL"):
        options.append("--no-dynamodb-local")  # DynamoDB Local only where CI promises it
    run = subprocess.run(
        [sys.executable, "-m", "tools.bench", *options],
        cwd=PROJECT_DIR,
        env={**os.environ, "TODO_QUOTA": str(SMALL_QUOTA)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, (run.stdout + run.stderr)[-4000:]
    assert doc.read_bytes() == before
    return run.stdout


def test_cold_start_reports_the_zip_and_the_deployed_secret_against_the_floor_zip(
    report: str,
) -> None:
    floor = table_row(report, FLOOR)
    assert "| 1.00x |" in floor
    for variant in (OURS, OURS_DEPLOYED):
        row = table_row(report, variant)
        assert len(RATIO.findall(row)) == 3, row  # wall time, round by round, and CPU time
    assert "Cold start from the zip (secret in the environment), CPU time" in report


def test_warm_routes_report_own_time_against_both_floors(report: str) -> None:
    for floor in (FLOOR_BARE, FLOOR_JWT, FLOOR_GET):
        assert RATIO.search(table_row(report, floor))
    for route in ("POST /v2/todos", "PATCH /v2/todos/{id} (title)", "POST /v1/item/edit"):
        row = table_row(report, route)
        assert len(RATIO.findall(row)) == 3, row  # to both floors, and in CPU time
        assert re.search(r"\| \d+ µs \|", row), row


def test_the_token_cache_hit_and_miss_are_reported_apart(report: str) -> None:
    assert RATIO.search(table_row(report, CACHE_HIT_ROUTE))
    assert RATIO.search(table_row(report, CACHE_MISS_ROUTE))
    assert RATIO.search(table_row(report, "hit: a token verified before"))
    assert RATIO.search(table_row(report, "miss: a token not yet verified here"))
    assert "Token-cache miss: GET /v2/todos/{id} own time" in report


def test_refresh_and_login_during_back_off_are_reported_with_their_calls(report: str) -> None:
    refresh = table_row(report, REFRESH, FLOOR_GRANT)
    assert "| 1 TransactWriteItems |" in refresh
    assert RATIO.search(refresh)
    for route in (BACKOFF_KNOWN, BACKOFF_UNKNOWN):
        row = table_row(report, route, FLOOR_GET)
        assert "| 1 GetItem |" in row, row
        assert len(RATIO.findall(row)) == 3, row  # handler, own time and CPU time


def test_deleting_an_account_at_the_quota_is_reported_against_the_lambda_timeout(
    report: str,
) -> None:
    assert re.search(r"Lambda timeout in `\.chalice/config\.json`: dev \d+ s", report)
    databases = [MOTO]
    if os.environ.get("REQUIRE_DYNAMODB_LOCAL"):
        databases.append(DYNAMODB_LOCAL)
    else:
        assert "Not measured on DynamoDB Local" in report
    for database in databases:
        row = table_row(report, database)
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[1] == f"{SMALL_QUOTA:,}", row
        assert "BatchWriteItem" in cells[3], row
        assert len(RATIO.findall(row)) == 2, row  # wall time, and CPU time at the stage's memory
        assert cells[-1] == "0", row  # nothing of the user left


def test_the_package_is_reported_against_chalice_and_the_300_kb_goal(report: str) -> None:
    assert re.search(r"\| Package size \(bytes\) \| [\d,]+ \| 300,000 \(goal: 300 KB\) \|", report)
    app_bytes = table_row(report, "app.py").split("|")[2].strip()
    assert app_bytes != "0", "app.py ships as app.pyc and must be counted as app.py"
    assert re.search(r"Against the goal of 300,000 bytes \(300 KB\) it is \d+\.\d\dx", report)


def test_the_machine_load_is_recorded_for_the_whole_run(report: str) -> None:
    assert re.search(r"The 1-minute load average ran from \d+\.\d\d to \d+\.\d\d", report)
    assert table_row(report, "load average during the run")
