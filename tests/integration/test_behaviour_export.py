"""`manage.py export-behaviour`: the behaviour log's events of a range of
Beijing days as CSV, in log order, with their fields as JSON; a bad day or
range is one line and a non-zero exit."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

from chalicelib.clock import FixedClock
from chalicelib.domain.behaviour import install_subject, member_subject

from .conftest import make_container

ROOT = Path(__file__).resolve().parents[2]
LATE = datetime(2026, 11, 2, 15, 30, tzinfo=UTC)  # 23:30 of 2026-11-02 in Beijing


def _export(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "--data-dir", str(data_dir), "export-behaviour", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_range_is_exported_in_log_order_by_beijing_day(tmp_path: Path) -> None:
    clock = FixedClock(LATE + timedelta(hours=1))  # 00:30 of 2026-11-03 in Beijing
    c = make_container(tmp_path, clock)
    member = uuid4()
    launch = {"scene": 1058, "path": "pages/index/index", "query": {"from": "article", "id": "123"}}
    c.tracking.track(
        install_subject("inst-export-1"),
        [
            {"id": "-1", "kind": "launch", "at": LATE.isoformat(), **launch},
            {
                "id": "2",
                "kind": "search",
                "at": (LATE - timedelta(days=1)).isoformat(),
                "text": "乌龙",
                "result_count": 2,
            },
        ],
    )
    c.tracking.track(
        member_subject(member),
        [{"id": "3", "kind": "checkout_view", "at": clock.now().isoformat()}],
    )
    c.close()

    result = _export(tmp_path, "--from", "2026-11-02", "--to", "2026-11-02")
    assert result.returncode == 0, result.stderr
    assert "exported 1 behaviour events" in result.stderr
    (row,) = csv.DictReader(io.StringIO(result.stdout))
    assert (row["position"], row["day"], row["kind"], row["client_id"]) == (
        "1",
        "2026-11-02",
        "launch",
        "-1",
    )
    assert row["subject"] == "install:inst-export-1"
    assert row["at"] == LATE.isoformat()
    assert json.loads(row["fields"]) == launch

    result = _export(tmp_path, "--from", "2026-11-01", "--to", "2026-11-03")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["day"], r["kind"]) for r in rows] == [
        ("2026-11-02", "launch"),
        ("2026-11-01", "search"),
        ("2026-11-03", "checkout_view"),
    ]
    assert json.loads(rows[1]["fields"])["text"] == "乌龙"
    assert rows[2]["subject"] == f"member:{member}"


def test_a_bad_day_or_range_is_one_line(tmp_path: Path) -> None:
    for args, says in [
        (("--from", "2026-11-31", "--to", "2026-12-01"), "--from: a day as YYYY-MM-DD"),
        (("--from", "2026-11-01", "--to", "soon"), "--to: a day as YYYY-MM-DD"),
        (("--from", "2026-11-02", "--to", "2026-11-01"), "--from: a day on or before --to"),
    ]:
        result = _export(tmp_path, *args)
        assert result.returncode != 0 and says in result.stderr, result.stderr
        assert "Traceback" not in result.stderr and result.stdout == ""
