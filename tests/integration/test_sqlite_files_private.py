"""The embedded runtime's data files hold orders, members and their keys: every
SQLite file it creates (events, views, keys, and their -wal/-shm files) is
readable and writable by its owner only, whatever the process umask."""

from __future__ import annotations

import os
import stat
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
