"""A rebuild interrupted anywhere (asked to stop, a `kill -9`) continues from
where its new generation stands, readers keep the old views until every
projection is complete, and racing rebuilds end with one generation; in every
case the rebuilt views equal the incrementally built ones (the embedded
shop's), on both view stores (SQLite; DynamoDB Local)."""

from __future__ import annotations

import itertools
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from chalicelib.adapters.sqlite_views import SQLiteViewStore
from chalicelib.bootstrap import Container
from chalicelib.projections.base import Doc
from chalicelib.projections.runner import ReadModelRunner, RebuildResult
from chalicelib.runtimes import ReadModels
from local.aws_stage import create_stage, drop_stage
from tests.integration.aws.test_views_and_outbox import store_for

from .conftest import make_container
from .test_rebuild import make_history

ROOT = Path(__file__).resolve().parents[2]
_stages = itertools.count(1)


@pytest.fixture
def history(tmp_path: Path) -> Iterator[Container]:
    """An embedded shop with a history, its views built incrementally."""
    c = make_container(tmp_path / "data")
    make_history(c)
    yield c
    c.close()


@pytest.fixture
def store(runtime: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ReadModels]:
    """A fresh view store of the runtime under test."""
    if runtime == "embedded":
        yield SQLiteViewStore(tmp_path / "views.db", request.getfixturevalue("clock").now)
        return
    engines = request.getfixturevalue("engines")
    stage = create_stage(engines, f"rebuild{next(_stages)}")
    try:
        yield store_for(engines, stage, request.getfixturevalue("clock"))
    finally:
        drop_stage(engines, stage)


def runner_for(history: Container, store: ReadModels, batch_size: int) -> ReadModelRunner:
    """A runner of its own, as in another process, over the shop's projections."""
    projections = list(history.runner.projections.values())
    return ReadModelRunner(history.store, store, projections, batch_size=batch_size)


def dumps(store: ReadModels, names: list[str], generation: int | None = None) -> dict[str, Doc]:
    return {name: store.dump(name, generation) for name in names}


def test_a_stopped_rebuild_continues_in_a_new_runner_and_switches_all_at_the_end(
    history: Container, store: ReadModels
) -> None:
    first = runner_for(history, store, batch_size=10)
    first.catch_up()
    names = list(first.projections)
    incremental = dumps(history.views, names)
    assert dumps(store, names) == incremental
    asked = itertools.count(1)

    stopped = first.rebuild(should_stop=lambda: next(asked) > 3)  # after three batches
    assert stopped == RebuildResult(30, complete=False)
    assert {store.generation(name) for name in names} == {1}
    assert {store.position(name, 2) for name in names} == {30}
    assert dumps(store, names) == incremental  # readers still see the old views

    seen: set[int] = set()
    again = runner_for(history, store, batch_size=10)  # as after a crash: a new runner
    log_length = again.log_length()
    result = again.rebuild(progress=lambda n: seen.update(store.generation(m) for m in names))
    assert result == RebuildResult(log_length - 30, True, names, [])
    assert seen == {1}  # no reader saw a new generation before all were complete
    assert {store.generation(name) for name in names} == {2}
    assert dumps(store, names) == incremental
    assert all(not views for views in dumps(store, names, 1).values())  # the old ones dropped


def test_racing_rebuilds_end_with_one_generation(history: Container, store: ReadModels) -> None:
    runners = [runner_for(history, store, batch_size=7) for _ in range(2)]
    runners[0].catch_up()
    names = list(runners[0].projections)
    incremental = dumps(history.views, names)
    start = threading.Barrier(len(runners))
    results: list[RebuildResult] = []

    def rebuild(runner: ReadModelRunner) -> None:
        start.wait()
        results.append(runner.rebuild())

    threads = [threading.Thread(target=rebuild, args=(r,)) for r in runners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [(r.complete, r.switched, r.kept) for r in results] == [(True, names, [])] * 2
    assert sum(r.events for r in results) >= runners[0].log_length()
    assert {store.generation(name) for name in names} == {2}
    assert dumps(store, names) == incremental
    for stale in (1, 3):
        assert all(not views for views in dumps(store, names, stale).values())


REBUILD_SLOWLY = """
import sys, time
from pathlib import Path
from chalicelib.projections.runner import ReadModelRunner
from tests.integration.conftest import make_container

c = make_container(Path(sys.argv[1]))
runner = ReadModelRunner(c.store, c.views, list(c.runner.projections.values()), batch_size=5)

def progress(events):
    print(events, flush=True)
    time.sleep(0.05)

runner.rebuild(progress=progress)
print("done", flush=True)
"""


def test_a_rebuild_killed_mid_way_continues_where_it_stood(history: Container) -> None:
    """A real `kill -9` of a process rebuilding every projection of the
    embedded shop's own view file."""
    runner = history.runner
    names = list(runner.projections)
    incremental = dumps(history.views, names)
    rebuilding = subprocess.Popen(
        [sys.executable, "-c", REBUILD_SLOWLY, str(history.settings.data_dir)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert rebuilding.stdout is not None
        for _ in range(4):
            assert rebuilding.stdout.readline().strip() == "5"  # four batches committed
    finally:
        rebuilding.send_signal(signal.SIGKILL)
        rebuilding.wait(timeout=10)
    assert rebuilding.returncode == -signal.SIGKILL

    standing = {history.views.position(name, 2) for name in names}
    assert len(standing) == 1  # one transaction per batch for all of them
    [position] = standing
    assert 20 <= position < runner.log_length()
    assert {history.views.generation(name) for name in names} == {1}
    assert dumps(history.views, names) == incremental

    result = ReadModelRunner(
        history.store, history.views, list(runner.projections.values())
    ).rebuild()
    assert result == RebuildResult(runner.log_length() - position, True, names, [])
    assert {history.views.generation(name) for name in names} == {2}
    assert dumps(history.views, names) == incremental
