"""A rebuild's batch size per runtime: larger than a catch-up's on SQLite,
where a transaction writes each page of the file it touches once; a
catch-up's on DynamoDB, whose transactions hold 100 items."""

from __future__ import annotations

from pathlib import Path

from chalicelib.clock import FixedClock
from chalicelib.runtimes import Aws, Embedded
from chalicelib.settings import Settings
from tests.support.stack import ADMIN


def test_embedded_rebuilds_in_larger_batches_than_it_catches_up(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, projection_batch_size=50)
    assert Embedded(settings, FixedClock()).rebuild_batch_size == 1000
    tuned = Settings(data_dir=tmp_path, projection_rebuild_batch_size=300)
    assert Embedded(tuned, FixedClock()).rebuild_batch_size == 300


def test_aws_rebuilds_in_the_batches_it_catches_up_in(tmp_path: Path) -> None:
    settings = Settings(
        runtime="aws",
        data_dir=tmp_path,
        admin_token=ADMIN["X-Admin-Token"],
        session_secret="s" * 32,
        projection_batch_size=50,
    )
    assert Aws(settings, FixedClock()).rebuild_batch_size == 50
