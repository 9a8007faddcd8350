"""The result table: rows of measurement, value, limit and ratio, as markdown."""

from __future__ import annotations

import os
import platform
import sqlite3
import sys
from dataclasses import dataclass
from importlib.metadata import version

HEADER = "| measurement | value | limit | ratio |"


@dataclass(frozen=True)
class Row:
    measurement: str
    value: str
    limit: str = ""
    ratio: str = ""


def rate(count: float, seconds: float, unit: str) -> str:
    return f"{count / seconds:,.0f} {unit}/s" if seconds > 0 else "n/a"


def ratio(numerator: float, denominator: float) -> str:
    return f"{numerator / denominator:.3f}" if denominator > 0 else "n/a"


def machine_info() -> str:
    return (
        f"Python {platform.python_version()} ({sys.implementation.name}), "
        f"{os.cpu_count()} CPUs, {platform.machine()} {platform.system()}, "
        f"SQLite {sqlite3.sqlite_version}, eventsourcing {version('eventsourcing')}"
    )


def render(title: str, rows: list[Row], notes: list[str]) -> str:
    lines = [f"## {title}", "", machine_info(), "", HEADER, "|---|---:|---:|---:|"]
    lines += [f"| {r.measurement} | {r.value} | {r.limit} | {r.ratio} |" for r in rows]
    if notes:
        lines += ["", *(f"- {note}" for note in notes)]
    return "\n".join(lines) + "\n"
