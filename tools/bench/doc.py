"""docs/PERFORMANCE.md from the benchmark's figures."""

from collections import Counter
from typing import Any

from tools.bench import doc_text, tasks
from tools.bench.cold import FLOOR, OURS_PACKAGED
from tools.bench.hotspots import SERVICE_SIDE, by_package, shares, top_functions
from tools.bench.package_size import LAMBDA_ZIP_LIMIT
from tools.bench.scaling import SIZES, V1_LIST, V2_LIST
from tools.bench.warm import FLOOR_ROUTE
from tools.report import LOAD_BEGIN, LOAD_END, machine, median, ratio, table


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def us(seconds: float) -> str:
    return f"{seconds * 1e6:.0f} µs"


def calls_text(calls: list[str]) -> str:
    return " + ".join(f"{n} {op}" for op, n in Counter(calls).items()) or "none"


def row(figure: str, ours: float, floor: float, show: Any = ms, floor_note: str = "") -> list:
    return [figure, show(ours), show(floor) + floor_note, ratio(ours, floor)]


def render(figures: dict[str, Any], load_text: str) -> str:
    settings = ", ".join(f"{k}={v}" for k, v in figures["settings"].items() if k != "no_write")
    sections = [
        doc_text.HEADER,
        "## Machine\n\n" + table(["", ""], [[k, v] for k, v in machine().items()]),
        "## Summary\n\n" + summary(figures),
        "## Cold start\n\n" + cold_section(figures["cold"]),
        "## Warm request overhead\n\n" + warm_section(figures["warm"]),
        "## DynamoDB calls per route\n\n" + calls_section(figures),
        "## Login and sign-up\n\n" + login_section(figures["login"]),
        "## Package size\n\n" + package_section(figures["package"]),
        "## Scaling: list cost as the list grows\n\n" + scaling_section(figures["scaling"]),
        "## The v1 list at the quota\n\n" + quota_list_section(figures["quota_list"]),
        "## v2 task routes against their floors\n\n" + tasks.section(figures["tasks"]),
        "## Where warm requests spend their time\n\n" + hotspot_section(figures["profile"]),
        doc_text.HOW_TO_READ,
        f"## Load test\n\n{doc_text.LOAD_BOUNDS}\n\n{LOAD_BEGIN}\n{load_text}\n{LOAD_END}",
        f"_This benchmark run took {figures['elapsed']:.0f} s, with {settings}._",
    ]
    return "\n\n".join(sections) + "\n"


def summary(figures: dict[str, Any]) -> str:
    cold = figures["cold"]
    warm = {w.route: w for w in figures["warm"]}
    floor = warm.pop(FLOOR_ROUTE).overhead
    worst = max(warm.values(), key=lambda w: w.overhead)
    login, package = figures["login"][0], figures["package"]
    scale = {(c.route, c.items): c for c in figures["scaling"]}
    big, small = SIZES[-1], SIZES[0]
    rows = [
        row(f"Cold start ({OURS_PACKAGED})", cold[OURS_PACKAGED].median, cold[FLOOR].median),
        row(
            "Warm own time, median over routes",
            median([w.overhead for w in warm.values()]),
            floor,
            us,
        ),
        row(f"Warm own time, slowest route: {worst.route}", worst.overhead, floor, us),
        row(f"Login: {login.route}", login.seconds, login.floor_seconds, ms, f" ({login.floor})"),
        row(
            f"Login, CPU time less DynamoDB calls: {login.route}",
            login.cpu_overhead,
            login.floor_cpu_seconds,
            ms,
            f" ({login.floor})",
        ),
        row("Package size (bytes)", package.total, package.floor, "{:,}".format, " (bare Chalice)"),
    ]
    for route in (V1_LIST, V2_LIST):
        at_big, at_small = scale[route, big], scale[route, small]
        rows.append(
            row(f"{route}: own time, {big:,} vs {small} items", at_big.overhead, at_small.overhead)
        )
        rows.append(
            row(
                f"{route}: items read, {big:,} vs {small} items",
                at_big.items_read,
                at_small.items_read,
                "{:,}".format,
            )
        )
    return table(["figure", "ours", "floor", "ratio"], rows)


def cold_section(cold: dict[str, Any]) -> str:
    floor = cold[FLOOR].median
    rows = [
        [
            name,
            ms(r.median),
            ratio(r.median, floor),
            ms(median(r.import_seconds)),
            len(r.modules),
            ", ".join(f"{pkg} {sec:.0f} ms" for pkg, sec in r.heavy),
        ]
        for name, r in cold.items()
    ]
    header = [
        "variant",
        "median",
        "ratio",
        "of which importing the app",
        "modules imported",
        "heaviest packages (own import time)",
    ]
    ours, bare = (_packages(cold[name].modules) for name in (OURS_PACKAGED, FLOOR))
    extra = ", ".join(f"`{name}`" for name in sorted(ours - bare, key=str.lower))
    return "\n\n".join(
        [
            doc_text.COLD_TEXT,
            table(header, rows),
            f"Top-level packages ours imports and the floor does not: {extra}.",
        ]
    )


def _packages(modules: list[str]) -> set[str]:
    return {module.split(".")[0] for module in modules}


def warm_section(warm: list[Any]) -> str:
    floor = next(w for w in warm if w.route == FLOOR_ROUTE).overhead
    rows = [
        [w.route, ms(w.seconds), ms(w.dynamodb_seconds), us(w.overhead), ratio(w.overhead, floor)]
        for w in warm
    ]
    header = ["route", "handler", "in DynamoDB calls", "own time", "ratio to floor"]
    return doc_text.WARM_TEXT + "\n\n" + table(header, rows)


def calls_section(figures: dict[str, Any]) -> str:
    rows = [
        [w.route, calls_text(w.calls), w.items_read]
        for w in figures["warm"]
        if w.route != FLOOR_ROUTE
    ]
    rows += [[p.route, calls_text(p.calls), "-"] for p in figures["login"]]
    return doc_text.CALLS_TEXT + "\n\n" + table(["route", "DynamoDB calls", "items read"], rows)


def login_section(login: list[Any]) -> str:
    rows = [
        [
            p.route,
            ms(p.seconds),
            ms(p.dynamodb_seconds),
            p.floor,
            ms(p.floor_seconds),
            ratio(p.seconds, p.floor_seconds),
            ratio(p.cpu_overhead, p.floor_cpu_seconds),
        ]
        for p in login
    ]
    header = ["route", "handler", "in DynamoDB calls", "floor", "floor time", "ratio"]
    header.append("CPU-time ratio, DynamoDB calls taken out")
    return doc_text.LOGIN_TEXT + "\n\n" + table(header, rows)


def package_section(package: Any) -> str:
    rows = [[part, f"{size:,}", f"{size / package.total:.0%}"] for part, size in package.parts]
    lead = (
        f"Measured: {package.what}. Total **{package.total:,} bytes**, "
        f"{ratio(package.total, package.floor)} the floor of {package.floor:,} bytes "
        "(what Chalice packs for any app: its runtime module and `app.py`), and "
        f"{package.total / LAMBDA_ZIP_LIMIT:.1%} of Lambda's 50 MB limit for a zip upload. "
        "Components are compressed bytes inside the zip."
    )
    return lead + "\n\n" + table(["component", "bytes", "share"], rows)


def scaling_section(costs: list[Any]) -> str:
    base = {c.route: c for c in costs if c.items == SIZES[0]}
    rows = [
        [
            c.route,
            f"{c.items:,}",
            ms(c.seconds),
            ratio(c.seconds, base[c.route].seconds),
            ms(c.overhead),
            ratio(c.overhead, base[c.route].overhead),
            c.calls,
            c.items_read,
            ratio(c.items_read, base[c.route].items_read),
        ]
        for c in sorted(costs, key=lambda c: (c.route, c.items))
    ]
    header = "route|items stored|handler|ratio|own time|ratio|DynamoDB calls|items read|ratio"
    return doc_text.SCALING_TEXT + "\n\n" + table(header.split("|"), rows)


def quota_list_section(result: Any) -> str:
    small, full = result.small, result.full
    rows = [
        [
            f"{cost.items:,}",
            ms(cost.seconds),
            ratio(cost.seconds, small.seconds),
            ms(cost.overhead),
            ratio(cost.overhead, small.overhead),
            f"{cost.body_bytes:,}",
            ratio(cost.body_bytes, small.body_bytes),
            cost.calls,
            f"{cost.items_read:,}",
        ]
        for cost in (small, full)
    ]
    header = ["items", "handler", "ratio", "own time", "ratio", "body bytes", "ratio"]
    bound = (
        f"Bounded by the quota: v1 read {full.items_read:,} items with the quota at "
        f"{result.quota:,}, and a create past it got {result.create_past_quota}. "
        "`make bench` exits non-zero if either stops holding."
    )
    return "\n\n".join(
        [doc_text.QUOTA_LIST_TEXT, table([*header, "DynamoDB calls", "items read"], rows), bound]
    )


def hotspot_section(stats: Any) -> str:
    sides = [[side, f"{share:.1%}"] for side, share in shares(stats).items()]
    packages = [[pkg, ms(sec), f"{share:.1%}"] for pkg, sec, share in by_package(stats)[:12]]
    top = top_functions(stats, SERVICE_SIDE, 12)
    functions = [[name, calls, ms(sec)] for name, calls, sec in top]
    return "\n\n".join(
        [
            doc_text.HOTSPOT_TEXT,
            table(["side", "share of CPU time"], sides),
            table(["package", "own CPU time", "share"], packages),
            "The functions of the service, Chalice and PyJWT with the most own CPU time:",
            table(["function", "calls", "own CPU time"], functions),
        ]
    )
