"""`make bench`: where the time goes, each figure a ratio against its floor, side by side.

Rebuilds the dev zip, starts an embedded DynamoDB in a child process, and
measures against it: cold start from the unzipped zip (fresh interpreters),
warm requests with the token cache hit and missed, login, refresh and login
during back-off, list scaling, a cProfile of warm requests, and deleting an
account at the full quota (also on DynamoDB Local where Java is at hand);
then the package. It prints the report and writes it to docs/PERFORMANCE.md,
keeping the load-test section recorded there by `make load LOAD_ARGS=--record`.
The machine's load average is recorded at every step.
"""

import argparse
import os
import secrets
import sys
import time
import uuid
from pathlib import Path

from infra.dev_stack import LOCAL_TABLE, create_table, local_client
from infra.local_stack import embedded_database
from tests.support.values import PASSWORD
from tools.bench import doc
from tools.bench.account_deletion import (
    MOTO,
    DeletionResult,
    lambda_memory,
    lambda_timeouts,
    measure_deletion,
    measure_on_dynamodb_local,
)
from tools.bench.cold import measure_cold_start
from tools.bench.harness import Harness, configure_environment
from tools.bench.hotspots import profile_warm
from tools.bench.lambda_zip import unpacked
from tools.bench.login import measure_login
from tools.bench.package_size import build_package, measure_package
from tools.bench.quota_list import measure_quota_list, unbounded
from tools.bench.scaling import measure_scaling
from tools.bench.sessions import measure_sessions
from tools.bench.tasks import measure_tasks
from tools.bench.warm import measure_warm, new_user, seed_board
from tools.moto_tweaks import DATABASE
from tools.report import load_section

DOC = Path(__file__).resolve().parents[2] / "docs" / "PERFORMANCE.md"
FLOOR_ITEM = "floor-item"
LOADS: list[tuple[str, float]] = []  # (step, 1-minute load average when it began)


def run(args: argparse.Namespace) -> dict:
    LOADS.clear()
    figures: dict = {"settings": vars(args).copy(), "loads": LOADS}
    step("package", 1, "build of out/dev/deployment.zip")
    if not build_package():
        raise SystemExit("make package STAGE=dev made no out/dev/deployment.zip")
    with embedded_database(DATABASE) as endpoint, unpacked() as roots:
        create_table(endpoint, LOCAL_TABLE)
        env = configure_environment(endpoint, secrets.token_urlsafe(48))
        floor_key = {"pk": {"S": "FLOOR"}, "sk": {"S": FLOOR_ITEM}}
        database = local_client(endpoint)
        database.put_item(TableName=LOCAL_TABLE, Item=floor_key)
        harness = Harness()
        try:
            name = f"bench-{uuid.uuid4().hex[:8]}"
            token = new_user(harness, name, PASSWORD)
            todo_id = seed_board(harness, token)
            step("cold start from the zip", args.rounds, "rounds")
            figures["cold"] = measure_cold_start(
                roots, env, todo_id, FLOOR_ITEM, token, args.rounds
            )
            step("warm requests", args.samples, "cycles")
            figures["warm"] = measure_warm(harness, token, args.samples, FLOOR_ITEM)
            step("login", args.logins, "rounds")
            figures["login"] = measure_login(harness, name, args.logins)
            step("refresh and login during back-off", args.samples, "rounds")
            figures["sessions"] = measure_sessions(harness, name, args.samples, FLOOR_ITEM)
            step("hot spots", args.profile_cycles, "profiled cycles")
            figures["profile"] = profile_warm(harness, token, args.profile_cycles)
            step("v2 task routes", args.task_repeats, "repeats per route")
            figures["tasks"] = measure_tasks(harness, database, f"{name}-tasks", args.task_repeats)
            step("list scaling", args.list_repeats, "repeats per size")
            scaling_token = new_user(harness, f"{name}-lists", PASSWORD)
            figures["scaling"] = measure_scaling(
                harness, database, scaling_token, args.list_repeats
            )
            step("v1 list at the quota", args.list_repeats, "repeats")
            quota_token = new_user(harness, f"{name}-quota", PASSWORD)
            figures["quota_list"] = measure_quota_list(
                harness, database, quota_token, args.list_repeats
            )
            step("account deletion at the quota", 1, f"deletion on the {MOTO}")
            deletions = [measure_deletion(harness, database, f"{name}-gone", MOTO)]
        finally:
            harness.close()
        figures["deletion"] = deletion_on_dynamodb_local(args, name, deletions)
    step("package size", 1, "measurement")
    figures["package"] = measure_package()
    LOADS.append(("end", os.getloadavg()[0]))
    return figures


def deletion_on_dynamodb_local(
    args: argparse.Namespace, name: str, deletions: list
) -> DeletionResult:
    skipped = None
    if not args.dynamodb_local:
        skipped = "not asked for (--no-dynamodb-local)"
    else:
        from infra.dynamodb_local import Unavailable

        step("account deletion at the quota", 1, "deletion on DynamoDB Local")
        try:
            deletions.append(measure_on_dynamodb_local(f"{name}-gone-local"))
        except Unavailable as unavailable:
            skipped = f"DynamoDB Local could not run here: {unavailable}"
    return DeletionResult(deletions, lambda_timeouts(), lambda_memory(), skipped)


def step(what: str, count: int, unit: str) -> None:
    load = os.getloadavg()[0]
    LOADS.append((what, load))
    stamp = time.strftime("%H:%M:%S")
    print(f"[{stamp}] {what}: {count} {unit} (load {load:.2f})", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=21, help="cold-start rounds")
    parser.add_argument(
        "--samples", type=int, default=40, help="warm cycles, and refresh/back-off rounds"
    )
    parser.add_argument("--logins", type=int, default=15, help="login rounds")
    parser.add_argument("--profile-cycles", type=int, default=15)
    parser.add_argument("--list-repeats", type=int, default=5)
    parser.add_argument(
        "--no-dynamodb-local",
        dest="dynamodb_local",
        action="store_false",
        help="delete the account at the quota on the embedded server only",
    )
    parser.add_argument("--task-repeats", type=int, default=5, help="v2 task route repeats")
    parser.add_argument("--no-write", action="store_true", help=f"only print; leave {DOC.name}")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    figures = run(args)
    figures["elapsed"] = time.monotonic() - started
    text = doc.render(figures, load_section(DOC))
    print(text)
    if not args.no_write:
        DOC.parent.mkdir(exist_ok=True)
        DOC.write_text(text)
        print(f"Wrote {DOC}", file=sys.stderr)
    problems = unbounded(figures["quota_list"])
    problems += [
        f"deleting an account on the {d.database} left {d.items_left} of its items"
        for d in figures["deletion"].runs
        if d.items_left
    ]
    for problem in problems:
        print(f"REGRESSION: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
