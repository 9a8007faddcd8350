"""`python -m bench` runs end to end on a tiny workload and prints its table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_runs_and_prints_the_table(tmp_path: Path) -> None:
    out = tmp_path / "bench.md"
    small = ["--orders", "50", "--dynamodb-events", "200", "--flash-stock", "40"]
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
    assert "flash sale: sold vs stock, 16 threads (OK)" in result.stdout
    assert "| DynamoDB: events appended via recorder" in result.stdout
    assert "| DynamoDB: events indexed" in result.stdout
    assert out.read_text() in result.stdout
