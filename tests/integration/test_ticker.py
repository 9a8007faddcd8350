"""The local ticker outlives a failed round: the next round runs on time."""

from __future__ import annotations

import threading

import pytest
from eventsourcing.persistence import OperationalError

from chalicelib.api import schedules
from local.servers import Ticker


def test_a_failed_round_does_not_stop_the_ticker(monkeypatch: pytest.MonkeyPatch) -> None:
    rounds: list[int] = []
    three = threading.Event()

    def run_due_jobs(event: object = None) -> dict[str, int]:
        rounds.append(len(rounds))
        if len(rounds) == 3:
            three.set()
        if len(rounds) == 1:
            raise OperationalError("database is locked")
        return {}

    monkeypatch.setattr(schedules, "run_due_jobs", run_due_jobs)
    ticker = Ticker(0.01).start()
    try:
        assert three.wait(timeout=5), f"the ticker stopped after {len(rounds)} round(s)"
    finally:
        ticker.stop()
