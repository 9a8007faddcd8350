"""The embedded runtime's kept secrets, used for the first time by several
threads at once: every thread reads the same complete secret, and the file is
private with no draft left behind."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from chalicelib.adapters.secret_files import identity_secret

THREADS = 8


@pytest.mark.parametrize("attempt", range(10))
def test_threads_using_a_secret_first_all_read_the_one_kept(tmp_path: Path, attempt: int) -> None:
    data_dir = tmp_path / "data"
    start = threading.Barrier(THREADS)
    read: list[bytes] = []

    def first_use() -> None:
        start.wait()
        read.append(identity_secret("", data_dir, keeps_files=True))

    threads = [threading.Thread(target=first_use) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(read) == THREADS and len(set(read)) == 1 and len(read[0]) >= 32
    assert [p.name for p in data_dir.iterdir()] == ["identity_secret"]
    assert (data_dir / "identity_secret").stat().st_mode & 0o777 == 0o600
