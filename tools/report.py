"""Markdown for the benchmark and the load test, the machine they ran on, and the doc file."""

import os
import platform
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

LOAD_BEGIN = "<!-- load:begin -->"
LOAD_END = "<!-- load:end -->"
LIBRARIES = ("chalice", "boto3", "moto", "PyJWT")
NO_LOAD_YET = "No load-test figures recorded yet: run `make load LOAD_ARGS=--record`."


@dataclass(frozen=True)
class Sample:
    """One request of the load test: its operation, seconds taken, and what was wrong."""

    op: str
    seconds: float
    error: str | None


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def median(values: list[float]) -> float:
    return percentile(values, 50)


def table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def ratio(value: float, floor: float) -> str:
    return f"{value / floor:.2f}x" if floor else "n/a"


def today() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def machine() -> dict[str, str]:
    return {
        "CPU": _cpu_model(),
        "cores": f"{os.cpu_count()} logical",
        "memory": _memory(),
        "OS": f"{platform.system()} {platform.release()}",
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "libraries": ", ".join(f"{name} {version(name)}" for name in LIBRARIES),
        "load average": " / ".join(f"{x:.2f}" for x in os.getloadavg()) + " (1, 5, 15 min)",
        "date": today(),
    }


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or platform.machine()
    found = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
    return found.group(1).strip() if found else platform.machine()


def _memory() -> str:
    try:
        text = Path("/proc/meminfo").read_text()
    except OSError:
        return "unknown"
    found = re.search(r"^MemTotal:\s*(\d+) kB", text, re.MULTILINE)
    return f"{int(found.group(1)) / 1024**2:.1f} GiB" if found else "unknown"


def load_report(result: dict[str, Any], settings: dict[str, Any], target: str) -> tuple[str, int]:
    """The load test's markdown, and how many things went wrong."""
    samples = result["samples"]
    errors = [s for s in samples if s.error]
    budget = result["budget"]
    incomplete = len(samples) < budget
    latencies = [s.seconds * 1000 for s in samples] or [0.0]
    lines = [
        f"Load test (Locust), {today()}: {settings['clients']} users, "
        f"{settings['requests']} requests "
        f"(limit {settings['max_seconds']:g} s), against {target}; "
        f"load average {os.getloadavg()[0]:.2f} at the end, on {os.cpu_count()} cores.",
        "",
        table(
            ["requests", "wall", "throughput", "p50", "p95", "p99", "max", "errors"],
            [
                [
                    len(samples),
                    f"{result['wall']:.1f} s",
                    f"{len(samples) / result['wall']:.1f} req/s",
                    *(f"{percentile(latencies, p):.1f} ms" for p in (50, 95, 99, 100)),
                    len(errors),
                ]
            ],
        ),
        "",
        table(["operation", "count", "errors", "p50", "p95"], _per_operation(samples)),
    ]
    lines += [f"- {s.op}: {s.error}" for s in errors[:10]]
    if incomplete:
        lines.append(f"\nStopped by the time limit after {len(samples)} of {budget} requests.")
    return "\n".join(lines), len(errors)


def _per_operation(samples: list[Any]) -> list[list[Any]]:
    by_op: dict[str, list[Any]] = defaultdict(list)
    for sample in samples:
        by_op[sample.op].append(sample)
    rows = []
    for op, group in by_op.items():
        ms = [s.seconds * 1000 for s in group]
        bad = sum(1 for s in group if s.error)
        rows.append([op, len(group), bad, f"{median(ms):.1f} ms", f"{percentile(ms, 95):.1f} ms"])
    return rows


def load_section(doc: Path) -> str:
    """The recorded load figures in the doc, kept when the benchmark rewrites it."""
    text = doc.read_text() if doc.exists() else ""
    begin, end = text.find(LOAD_BEGIN), text.find(LOAD_END)
    if begin < 0 or end < begin:
        return NO_LOAD_YET
    return text[begin + len(LOAD_BEGIN) : end].strip()


def replace_section(doc: Path, begin: str, end: str, body: str) -> None:
    """Put `body` between the two markers in `doc`, adding them at the end if absent."""
    text = doc.read_text() if doc.exists() else ""
    if text.find(begin) < 0 or text.find(end) < text.find(begin):
        text = f"{text.rstrip()}\n\n{begin}\n{end}\n".lstrip()
    start, stop = text.find(begin) + len(begin), text.find(end)
    doc.write_text(f"{text[:start]}\n{body}\n{text[stop:]}")
