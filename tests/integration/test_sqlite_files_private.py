"""The embedded runtime's data files hold orders, members and their keys: every
SQLite file it creates (events, views, keys, and their -wal/-shm files) is
readable and writable by its owner only, whatever the process umask."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from chalicelib.adapters.sqlite_db import SQLiteDatabase

from .conftest import list_tea, make_container


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def modes(data_dir: Path) -> dict[str, int]:
    return {
        path.name: stat.S_IMODE(path.stat().st_mode)
        for path in data_dir.iterdir()
        if ".sqlite" in path.name
    }


@pytest.mark.usefixtures("permissive_umask")
def test_every_data_file_is_created_0600(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    container = make_container(data_dir)
    try:
        list_tea(container, 5)
        member_id, _ = container.shop.logins.log_in(
            openid="o-private", unionid=None, scene=1001, query={}
        )
        container.vault.seal(member_id, "上海市 淮海中路 1 号")
        container.tracking.link_install("inst-private-1", member_id)
        created = modes(data_dir)
    finally:
        container.close()
    names = {"events.sqlite", "views.sqlite", "keys.sqlite", "events.sqlite-wal"}
    names |= {"behaviour.sqlite", "behaviour.sqlite-wal"}
    assert names <= set(created)
    assert created == dict.fromkeys(created, 0o600)


@pytest.mark.usefixtures("permissive_umask")
def test_an_existing_file_keeps_its_permissions(tmp_path: Path) -> None:
    path = tmp_path / "chosen.sqlite"
    path.touch(mode=0o640)
    path.chmod(0o640)
    SQLiteDatabase(path, "CREATE TABLE IF NOT EXISTS t (x)")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


OTHER_PROCESS = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("INSERT INTO t VALUES ('other')")
conn.close()
"""


def test_opening_a_file_again_leaves_another_process_s_wal_alone(tmp_path: Path) -> None:
    """A second store on a file this process has open (the rate limits on the
    behaviour log's file, say) must not drop this process's SQLite locks: if it
    did, another process closing its connection would take itself for the last
    user and delete the -wal and -shm files under our open connection."""
    path = tmp_path / "shared.sqlite"
    first = SQLiteDatabase(path, "CREATE TABLE IF NOT EXISTS t (x)")
    with first.write() as conn:
        conn.execute("INSERT INTO t VALUES ('first')")
    SQLiteDatabase(path, "CREATE TABLE IF NOT EXISTS t (x)")
    subprocess.run([sys.executable, "-c", OTHER_PROCESS, str(path)], check=True)
    assert (tmp_path / "shared.sqlite-wal").exists()
    with first.write() as conn:
        conn.execute("INSERT INTO t VALUES ('after')")
    rows = [row[0] for row in first.read().execute("SELECT x FROM t ORDER BY rowid")]
    assert rows == ["first", "other", "after"]
