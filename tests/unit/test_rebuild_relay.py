"""The rebuild relay's own rules: what a continuation message may carry, when an
invocation's budget is spent, and what it hands over (the runner and the queue
are faked here; tests/integration/aws/test_rebuild_relay.py runs the real ones)."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any, cast

import pytest
from botocore.exceptions import ClientError

from chalicelib.projections.base import ViewStore
from chalicelib.projections.runner import ReadModelRunner, RebuildResult
from chalicelib.rebuild_relay import (
    RETRY_DELAY_S,
    STALLED,
    Budget,
    Continuation,
    RebuildRelay,
)


class Context:
    def __init__(self, remaining_ms: int) -> None:
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


def test_a_continuation_survives_the_queue() -> None:
    sent = Continuation("run-1", {"order_status": 2, "catalogue": 5}, 3)
    assert Continuation.parse(sent.body()) == sent


@pytest.mark.parametrize(
    "body",
    [
        "",
        "not json",
        "[]",
        json.dumps({"id": "an-outbox-message"}),
        json.dumps({"run": "", "targets": {"a": 2}, "count": 0}),
        json.dumps({"run": "r", "targets": {}, "count": 0}),
        json.dumps({"run": "r", "targets": {"a": "2"}, "count": 0}),
        json.dumps({"run": "r", "targets": {"a": 0}, "count": 0}),
        json.dumps({"run": "r", "targets": {"a": True}, "count": 0}),
        json.dumps({"run": "r", "targets": {"a": 2}, "count": -1}),
        json.dumps({"run": "r", "targets": {"a": 2}}),
    ],
)
def test_a_body_that_is_no_continuation_is_refused(body: str) -> None:
    assert Continuation.parse(body) is None


def test_the_budget_counts_batches() -> None:
    budget = Budget(None, margin_s=60, max_batches=2)
    assert not budget.should_stop()
    budget.progress(200)
    assert not budget.should_stop()
    budget.progress(200)
    assert budget.should_stop()


def test_the_budget_stops_when_lambda_time_runs_short() -> None:
    context = Context(remaining_ms=61_000)
    budget = Budget(context, margin_s=60)
    for _ in range(1000):
        budget.progress(200)
    assert not budget.should_stop()  # no batch limit: only the time left counts
    context.remaining_ms = 59_999
    assert budget.should_stop()


def test_without_context_or_batch_limit_nothing_stops_it() -> None:
    budget = Budget(None, margin_s=60)
    for _ in range(1000):
        budget.progress(200)
    assert not budget.should_stop()


class Views:
    storage_errors = (ClientError,)

    def __init__(self, generations: dict[str, int]) -> None:
        self.generations = generations

    def generation(self, projection: str) -> int:
        return self.generations[projection]


class Runner:
    """Answers rebuild() from a script; records the names each call asked for."""

    def __init__(self, answers: list[RebuildResult | Exception]) -> None:
        self.projections = {"catalogue": None, "order_status": None}
        self.answers = answers
        self.calls: list[list[str]] = []

    def rebuild(self, names: Sequence[str], **options: Any) -> RebuildResult:
        self.calls.append(list(names))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def relay(
    runner: Runner, views: Views, sent: list[tuple[Continuation, int]], cap: int = 5
) -> RebuildRelay:
    return RebuildRelay(
        cast(ReadModelRunner, runner),
        cast(ViewStore, views),
        lambda continuation, delay: sent.append((continuation, delay)),
        max_continuations=cap,
        new_run=lambda: "run-1",
    )


def test_an_unfinished_rebuild_hands_over_the_generations_it_builds() -> None:
    sent: list[tuple[Continuation, int]] = []
    runner = Runner([RebuildResult(200, complete=False)])
    leg = relay(runner, Views({"catalogue": 1, "order_status": 4}), sent).start(
        Budget(None, margin_s=60)
    )
    assert leg.handed_over and not leg.complete
    assert sent == [(Continuation("run-1", {"catalogue": 2, "order_status": 5}, 1), 0)]


def test_a_continuation_after_the_switch_does_nothing() -> None:
    sent: list[tuple[Continuation, int]] = []
    runner = Runner([])
    stale = Continuation("run-1", {"catalogue": 2, "order_status": 5}, 7)
    leg = relay(runner, Views({"catalogue": 2, "order_status": 5}), sent).resume(
        stale, Budget(None, margin_s=60)
    )
    assert leg.complete and not leg.handed_over
    assert runner.calls == [] and sent == []


def test_a_continuation_continues_only_what_has_not_switched() -> None:
    sent: list[tuple[Continuation, int]] = []
    runner = Runner([RebuildResult(10, True, ["order_status"], [])])
    continuation = Continuation("run-1", {"catalogue": 2, "order_status": 5, "gone": 3}, 1)
    relay(runner, Views({"catalogue": 2, "order_status": 4}), sent).resume(
        continuation, Budget(None, margin_s=60)
    )
    assert runner.calls == [["order_status"]]
    assert sent == []


def test_a_storage_error_hands_over_after_a_delay() -> None:
    sent: list[tuple[Continuation, int]] = []
    throttled = ClientError({"Error": {"Code": "ThrottlingException"}}, "TransactWriteItems")
    runner = Runner([throttled])
    continuation = Continuation("run-1", {"catalogue": 2, "order_status": 2}, 1)
    leg = relay(runner, Views({"catalogue": 1, "order_status": 1}), sent).resume(
        continuation, Budget(None, margin_s=60)
    )
    assert leg.handed_over
    assert sent == [(Continuation("run-1", {"catalogue": 2, "order_status": 2}, 2), RETRY_DELAY_S)]


def test_past_the_cap_it_stops_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    sent: list[tuple[Continuation, int]] = []
    runner = Runner([RebuildResult(0, complete=False)])
    continuation = Continuation("run-1", {"catalogue": 2, "order_status": 2}, 3)
    with caplog.at_level(logging.ERROR):
        leg = relay(runner, Views({"catalogue": 1, "order_status": 1}), sent, cap=3).resume(
            continuation, Budget(None, margin_s=60)
        )
    assert not leg.handed_over and sent == []
    (line,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert line.getMessage().startswith(f"{STALLED}: rebuild run-1 ")


def test_a_switch_racing_the_call_stops_the_runner_before_its_first_batch() -> None:
    """Another invocation switched readers after this one found the rebuild
    pending but before the runner chose its generations: the runner would now
    build generations past this rebuild's, so its first should_stop says stop
    (before it writes anything), and nothing is handed over."""
    sent: list[tuple[Continuation, int]] = []
    views = Views({"catalogue": 1, "order_status": 1})
    asked: list[bool] = []

    class SwitchedMeanwhile(Runner):
        def rebuild(self, names: Sequence[str], **options: Any) -> RebuildResult:
            views.generations.update(catalogue=2, order_status=2)
            asked.append(options["should_stop"]())
            return RebuildResult(0, complete=False)

    continuation = Continuation("run-1", {"catalogue": 2, "order_status": 2}, 4)
    leg = relay(SwitchedMeanwhile([]), views, sent).resume(continuation, Budget(None, margin_s=60))
    assert asked == [True]
    assert leg.complete and not leg.handed_over and sent == []
