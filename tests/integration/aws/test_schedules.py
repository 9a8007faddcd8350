"""The scheduled handlers, invoked as EventBridge invokes them, on the AWS runtime."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import app
from tests.integration.test_rebuild import make_history
from tests.support.runtimes import Running, running_container

SCHEDULED_EVENT = {
    "version": "0",
    "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "account": "123456789012",
    "time": "2026-11-01T19:00:00Z",
    "region": "us-east-1",
    "resources": ["arn:aws:events:us-east-1:123456789012:rule/miniloop-rebuild_projections"],
    "detail": {},
}


@pytest.fixture
def aws(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Running]:
    with running_container("aws", request, tmp_path / "data") as running:
        yield running


def test_nightly_rebuild_switches_every_view_to_an_equal_new_generation(aws: Running) -> None:
    c = aws.container
    make_history(c)
    aws.settle()
    before = {name: c.views.dump(name) for name in c.runner.projections}
    assert before["order_status"] and before["catalogue"]
    app.rebuild_projections(SCHEDULED_EVENT, None)
    aws.settle()
    for name in c.runner.projections:
        assert c.views.generation(name) == 2
        assert c.views.dump(name) == before[name]
        assert c.views.dump(name, generation=1) == {}


def test_due_jobs_run_from_the_schedule_and_requeue_nothing_when_all_is_sent(
    aws: Running,
) -> None:
    c = aws.container
    make_history(c)
    aws.settle()
    app.run_due_jobs(SCHEDULED_EVENT, None)
    aws.settle()
    assert c.outbox.due(c.clock.now()) == []
