"""`python -m bench` runs end to end on a tiny workload and prints its table;
so does its analytics part alone (`--analytics-only`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_runs_and_prints_the_table(tmp_path: Path) -> None:
    out = tmp_path / "bench.md"
    small = ["--orders", "50", "--dynamodb-events", "200", "--flash-stock", "40", "--no-analytics"]
    result = subprocess.run(
        [sys.executable, "-m", "bench", *small, "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "| measurement | value | limit | ratio |" in result.stdout
    assert "sold units vs stock" in result.stdout
    assert "÷ the same reads and view writes raw" in result.stdout
    assert "| orders placed + paid, with projections (default) ÷ all their transactions raw" in (
        result.stdout
    )
    assert "flash sale: sold vs stock, 16 threads (OK)" in result.stdout
    assert "| DynamoDB: events appended via recorder" in result.stdout
    assert "| DynamoDB: events indexed" in result.stdout
    assert out.read_text() in result.stdout


def test_the_analytics_bench_runs_and_prints_its_table(tmp_path: Path) -> None:
    out = tmp_path / "analytics.md"
    tiny = ["--analytics-only", "--analytics-scale", "0.01", "--out", str(out)]
    result = subprocess.run(
        [sys.executable, "-m", "bench", *tiny],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    table = out.read_text()
    assert table in result.stdout
    assert "| `/track` events accepted, tracking use case" in table
    assert "| rebuild of `analytics` (order log, one pass)" in table
    assert "(behaviour log, one pass)" in table
    for query in ("overview", "sources", "funnel", "retention?cohort=day", "official-account"):
        assert f"| analytics query `{query}`, 90 days" in table
