"""Members' keys in SQLite (embedded runtime): made once even when threads
race, gone everywhere once deleted, and not left behind in the file."""

from __future__ import annotations

import os
import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from uuid import UUID, uuid4

from chalicelib.adapters.pii import PersonalData, SQLiteKeyStore


def new_key() -> bytes:
    return os.urandom(32)


def test_a_key_is_stored_once_and_read_back(tmp_path: Path) -> None:
    store = SQLiteKeyStore(tmp_path / "keys.sqlite")
    member = uuid4()
    first, second = new_key(), new_key()

    assert store.get(member) is None
    assert store.put_if_absent(member, first) == first
    assert store.put_if_absent(member, second) == first
    assert store.get(member) == first
    assert SQLiteKeyStore(tmp_path / "keys.sqlite").get(member) == first
    assert store.get(uuid4()) is None


def test_racing_threads_all_get_the_one_key_stored(tmp_path: Path) -> None:
    path = tmp_path / "keys.sqlite"
    # Two stores on one file: their connections share nothing but the file,
    # as two processes' would.
    stores = [SQLiteKeyStore(path), SQLiteKeyStore(path)]
    member = uuid4()
    start = threading.Barrier(20)

    def put(i: int) -> bytes:
        start.wait()
        return stores[i % 2].put_if_absent(member, new_key())

    with ThreadPoolExecutor(max_workers=20) as pool:
        stored = list(pool.map(put, range(20)))

    assert len(set(stored)) == 1
    assert stores[0].get(member) == stores[1].get(member) == stored[0]


def test_racing_seals_of_a_new_member_all_open(tmp_path: Path) -> None:
    vault = PersonalData(SQLiteKeyStore(tmp_path / "keys.sqlite"))
    member = uuid4()
    start = threading.Barrier(20)

    def seal(i: int) -> str:
        start.wait()
        return vault.seal(member, f"13800138{i:03d}")

    with ThreadPoolExecutor(max_workers=20) as pool:
        sealed = list(pool.map(seal, range(20)))

    assert [vault.open(member, s) for s in sealed] == [f"13800138{i:03d}" for i in range(20)]


def test_a_deleted_key_is_gone_for_every_store_on_the_file(tmp_path: Path) -> None:
    path = tmp_path / "keys.sqlite"
    here, elsewhere = SQLiteKeyStore(path), SQLiteKeyStore(path)
    member, other = uuid4(), uuid4()
    key = here.put_if_absent(member, new_key())
    kept = here.put_if_absent(other, new_key())
    assert elsewhere.get(member) == key

    elsewhere.delete(member)

    assert here.get(member) is None
    assert elsewhere.get(member) is None
    assert here.get(other) == kept
    here.delete(member)  # deleting again is fine
    fresh = new_key()
    assert here.put_if_absent(member, fresh) == fresh


def test_a_shredded_members_data_reads_as_none(tmp_path: Path) -> None:
    path = tmp_path / "keys.sqlite"
    vault = PersonalData(SQLiteKeyStore(path))
    member = uuid4()
    sealed = vault.seal_json(member, {"receiver": "张三", "phone": "13800138000"})
    assert vault.open_json(member, sealed) == {"receiver": "张三", "phone": "13800138000"}

    PersonalData(SQLiteKeyStore(path)).shred(member)

    assert vault.open_json(member, sealed) is None
    assert not vault.has_key(member)


def files_of(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def test_a_deleted_key_is_not_left_in_the_files(tmp_path: Path) -> None:
    path = tmp_path / "keys.sqlite"
    store = SQLiteKeyStore(path)
    members: list[UUID] = [uuid4() for _ in range(5)]
    keys = [store.put_if_absent(member, new_key()) for member in members]
    assert all(key in files_of(path) for key in keys)

    store.delete(members[0])

    assert keys[0] not in files_of(path)
    assert all(key in files_of(path) for key in keys[1:])


def test_the_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "keys.sqlite"
    SQLiteKeyStore(path).put_if_absent(uuid4(), new_key())

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
