"""The writes a run makes besides the event store's: the behaviour log's commits
(its own event store) and every statement on the application's own SQLite files,
the read models with their outbox and the PII keys, recorded from the
container's first use (db_replay.py, raw.py). `replay` runs all of them raw, in
the same transactions, into copies of the files as the run found them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from chalicelib.adapters.pii.sqlite_keys import SQLiteKeyStore
from chalicelib.adapters.sqlite_db import SQLiteDatabase
from chalicelib.adapters.sqlite_views import SQLiteViewStore
from chalicelib.bootstrap import Container

from . import db_replay
from .raw import Commit, CommitLog, Durability, durability_of, fastest_replay


@dataclass(frozen=True)
class FileWrites:
    name: str
    copies: tuple[Path, ...]
    """Three copies of the file as the recording found it, one per replay."""
    log: db_replay.StatementLog
    durability: Durability
    path: str
    """The file the run wrote."""


@dataclass(frozen=True)
class AppWrites:
    files: tuple[FileWrites, ...]
    behaviour: tuple[Commit, ...]
    behaviour_durability: Durability
    marks: dict[str, int]
    """Where the timed run starts, per part: what comes before is setup."""


class Recording:
    """Started on a fresh container, before its first command."""

    def __init__(self, container: Container, copies_dir: Path) -> None:
        runtime = container.runtime
        views, keys = runtime.views, runtime.keys
        if not isinstance(views, SQLiteViewStore) or not isinstance(keys, SQLiteKeyStore):
            raise TypeError("the bench needs the embedded runtime's SQLite files")
        self._stack = ExitStack()
        self._files = [
            self._record("views", views.db, copies_dir),
            self._record("keys", keys.db, copies_dir),
        ]
        behaviour = container.behaviour
        self._behaviour = CommitLog(behaviour)
        self._behaviour_durability = durability_of(behaviour)
        self.marks: dict[str, int] = {}

    def _record(self, name: str, db: SQLiteDatabase, copies_dir: Path) -> FileWrites:
        copies = tuple(copies_dir / f"{name}-{n}.sqlite" for n in range(3))
        for path in copies:
            db_replay.copy(db, path)
        durability = db_replay.durability_of(db)
        log = self._stack.enter_context(db_replay.recording(db))
        return FileWrites(name, copies, log, durability, db.path)

    def mark(self) -> None:
        """The timed run starts: what came before is its setup (untimed)."""
        self.marks = {f.name: f.log.mark() for f in self._files}
        self.marks["behaviour"] = self._behaviour.mark()

    def stop(self) -> AppWrites:
        self._stack.close()
        return AppWrites(
            tuple(self._files),
            tuple(self._behaviour.commits),
            self._behaviour_durability,
            self.marks,
        )


def timed_units(writes: AppWrites) -> Iterator[tuple[str, int, int]]:
    """Per file: its name, the timed run's transactions and statements."""
    for f in writes.files:
        start = writes.marks[f.name]
        yield f.name, f.log.transactions(start), f.log.statements(start)


def replay(writes: AppWrites, copies_dir: Path) -> float:
    """The fastest of three raw replays of each part, summed: the behaviour log's
    commits into fresh files, each file's units into its copies; the setup
    before the marks untimed."""
    copies_dir.mkdir(parents=True, exist_ok=True)
    seconds = fastest_replay(
        copies_dir / "behaviour-raw",
        writes.behaviour,
        writes.behaviour_durability,
        untimed=writes.marks["behaviour"],
    )
    for f in writes.files:
        seconds += db_replay.fastest_replay(
            f.path, f.copies, f.log.units, f.durability, untimed=writes.marks[f.name]
        )
    return seconds
