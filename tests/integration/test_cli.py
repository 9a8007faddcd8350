"""The local command line: rebuild every projection from the log with progress."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from chalicelib.domain.ids import product_id_for
from chalicelib.projections import queries
from local.demo_catalogue import seed_demo_catalogue

from .conftest import make_container

ROOT = Path(__file__).resolve().parents[2]


def test_rebuild_command_replays_the_log_into_new_generations(tmp_path: Path) -> None:
    c = make_container(tmp_path)
    assert seed_demo_catalogue(c.shop) == 3
    assert seed_demo_catalogue(c.shop) == 0
    c.close()
    result = subprocess.run(
        [sys.executable, "manage.py", "--data-dir", str(tmp_path), "rebuild", "all"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "catalogue" in result.stderr and "event" in result.stderr  # tqdm progress bars
    c = make_container(tmp_path)
    assert c.views.generation("catalogue") == 2
    assert queries.product(c.views, product_id_for("oolong-tea"))["skus"][0]["available"] == 120
    c.close()


def test_rebuild_of_an_unknown_projection_says_which_exist(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "--data-dir", str(tmp_path), "rebuild", "nope"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0 and "order_status" in result.stderr
