"""Work after a commit: the projections catch up before the command answers,
the sends run in one background thread, and neither turns a saved command
into an error answer."""

from __future__ import annotations

import logging
import threading
import time

import pytest
from eventsourcing.persistence import OperationalError

from chalicelib.background_sender import MAX_DELAY_S, QUIET_S
from chalicelib.follow_on import FollowOnWork

WAIT_S = 10.0


class GatedSends:
    """A send_due that records which thread ran it and can be held open."""

    def __init__(self) -> None:
        self.threads: list[threading.Thread] = []
        self.started = threading.Semaphore(0)
        self.gate = threading.Event()
        self.gate.set()

    def __call__(self) -> int:
        self.threads.append(threading.current_thread())
        self.started.release()
        assert self.gate.wait(WAIT_S)
        return 0


@pytest.fixture
def sends() -> GatedSends:
    return GatedSends()


@pytest.fixture
def work(sends: GatedSends) -> FollowOnWork:
    return FollowOnWork(lambda: 0, sends, in_process=True)


def test_a_failure_after_the_commit_is_logged_not_raised(
    caplog: pytest.LogCaptureFixture, work: FollowOnWork, sends: GatedSends
) -> None:
    def catch_up() -> int:
        raise OperationalError("database is locked")

    work.catch_up = catch_up
    with caplog.at_level(logging.ERROR, logger="chalicelib.follow_on"):
        work.after_commit()  # the command that committed answers what it did
    assert "follow-on work failed after a commit" in caplog.text
    assert work.settle(WAIT_S) and sends.threads == []

    work.catch_up = lambda: 0  # the next commit's round runs normally
    work.after_commit()
    assert work.settle(WAIT_S) and len(sends.threads) == 1
    work.stop()


def test_projections_catch_up_in_the_request_and_sends_run_in_the_background(
    sends: GatedSends,
) -> None:
    caught_up: list[threading.Thread] = []
    work = FollowOnWork(
        lambda: caught_up.append(threading.current_thread()), sends, in_process=True
    )
    sends.gate.clear()  # a send that takes its time (a slow WeChat)
    work.after_commit()  # returns although the send has not finished
    assert caught_up == [threading.current_thread()]
    assert sends.started.acquire(timeout=WAIT_S)
    assert sends.threads[0] is not threading.current_thread()
    assert not work.settle(0.05)  # the send is still running
    sends.gate.set()
    assert work.settle(WAIT_S)
    work.stop()


def test_wake_ups_during_a_round_coalesce_into_one_more_round(
    work: FollowOnWork, sends: GatedSends
) -> None:
    sends.gate.clear()
    work.after_commit()
    assert sends.started.acquire(timeout=WAIT_S)
    for _ in range(10):  # ten commits while the first round runs
        work.after_commit()
    sends.gate.set()
    assert work.settle(WAIT_S)
    assert len(sends.threads) == 2  # the first round, then one for all ten
    assert len(set(sends.threads)) == 1  # one thread
    work.stop()


def test_commits_from_many_threads_are_all_followed_by_a_send(
    work: FollowOnWork, sends: GatedSends
) -> None:
    def commit() -> None:
        for _ in range(50):
            work.after_commit()

    threads = [threading.Thread(target=commit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert work.settle(WAIT_S)
    rounds = len(sends.threads)
    assert 1 <= rounds <= 200
    work.after_commit()  # a commit after settling gets a round of its own
    assert work.settle(WAIT_S) and len(sends.threads) == rounds + 1
    work.stop()


def test_stop_runs_the_woken_round_then_ends_the_thread(
    work: FollowOnWork, sends: GatedSends
) -> None:
    sends.gate.clear()
    work.after_commit()
    assert sends.started.acquire(timeout=WAIT_S)
    work.after_commit()  # woken again while the first round runs
    stopper = threading.Thread(target=work.stop)
    stopper.start()
    sends.gate.set()
    stopper.join(WAIT_S)
    assert not stopper.is_alive()
    assert len(sends.threads) == 2 and not sends.threads[0].is_alive()
    work.after_commit()  # after stop, the ticker sends: no thread starts again
    assert work.settle(WAIT_S) and len(sends.threads) == 2


def test_a_failing_round_is_logged_and_the_next_wake_up_runs_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    rounds: list[int] = []

    def send_due() -> int:
        rounds.append(1)
        if len(rounds) == 1:
            raise OperationalError("database is locked")
        return 0

    work = FollowOnWork(lambda: 0, send_due, in_process=True)
    with caplog.at_level(logging.ERROR, logger="chalicelib.background_sender"):
        work.after_commit()
        assert work.settle(WAIT_S)
    assert "round failed" in caplog.text
    work.after_commit()
    assert work.settle(WAIT_S) and len(rounds) == 2
    work.stop()


def test_a_save_made_by_a_send_catches_up_and_sends_again_in_the_sender() -> None:
    """A send that records its outcome commits: that commit's projections catch
    up in the sender's thread, and it asks for one more round there."""
    caught_up: list[threading.Thread] = []
    rounds: list[threading.Thread] = []
    work: FollowOnWork

    def send_due() -> int:
        rounds.append(threading.current_thread())
        if len(rounds) == 1:
            work.after_commit()  # the send saved an event
        return 0

    work = FollowOnWork(
        lambda: caught_up.append(threading.current_thread()), send_due, in_process=True
    )
    work.after_commit()
    assert work.settle(WAIT_S)
    assert len(rounds) == 2 and rounds[0] is rounds[1]
    assert caught_up == [threading.current_thread(), rounds[0]]
    work.stop()


def test_off_when_the_runtime_follows_up_elsewhere(sends: GatedSends) -> None:
    work = FollowOnWork(lambda: 0, sends, in_process=False)  # AWS: the streams drive it
    work.after_commit()
    assert work.settle(WAIT_S) and sends.threads == []
    work.stop()


def test_a_steady_stream_of_commits_does_not_hold_the_sends_back(
    work: FollowOnWork, sends: GatedSends
) -> None:
    """Rounds wait for the commits to pause, but never past MAX_DELAY_S."""
    stream_ends = time.monotonic() + 4 * MAX_DELAY_S
    while time.monotonic() < stream_ends and not sends.threads:
        work.after_commit()
        time.sleep(QUIET_S / 4)  # commits closer together than the quiet period
    assert sends.threads  # a round ran while the commits kept coming
    assert work.settle(WAIT_S)
    work.stop()


def test_the_background_projections_catch_up_in_the_sender_before_its_sends() -> None:
    done: list[tuple[str, object]] = []
    work = FollowOnWork(
        lambda: done.append(("request", threading.current_thread())),
        lambda: done.append(("sends", threading.current_thread())),
        in_process=True,
        catch_up_background=lambda names: done.append(("background", names)),
    )
    work.after_commit()
    assert work.settle(WAIT_S)
    assert [step for step, _ in done] == ["request", "background", "sends"]
    assert done[0][1] is threading.current_thread()
    assert done[1][1] is None  # every background projection
    assert done[2][1] is not threading.current_thread()
    work.stop()


def test_a_read_catches_up_the_projections_it_names_in_its_own_thread() -> None:
    asked: list[tuple[object, threading.Thread]] = []
    work = FollowOnWork(
        lambda: 0,
        lambda: 0,
        in_process=True,
        catch_up_background=lambda names: asked.append((names, threading.current_thread())),
    )
    work.before_read("analytics")
    work.before_read()
    assert asked == [
        (("analytics",), threading.current_thread()),
        (None, threading.current_thread()),
    ]
    aws = FollowOnWork(
        lambda: 0,
        lambda: 0,
        in_process=False,
        catch_up_background=lambda n: asked.append((n, None)),
    )
    aws.before_read("analytics")  # the projector function catches up on AWS
    assert len(asked) == 2


def test_a_failed_background_catch_up_is_logged_and_the_sends_still_run(
    caplog: pytest.LogCaptureFixture, sends: GatedSends
) -> None:
    def fails(names: object) -> int:
        raise OperationalError("database is locked")

    work = FollowOnWork(lambda: 0, sends, in_process=True, catch_up_background=fails)
    with caplog.at_level(logging.ERROR, logger="chalicelib.follow_on"):
        work.after_commit()
        assert work.settle(WAIT_S)
        work.before_read("analytics")  # the read answers the views as they stand
    assert len(sends.threads) == 1
    assert "background catch-up failed" in caplog.text
    assert "catch-up before a read failed" in caplog.text
    work.stop()


def test_a_round_that_sent_a_page_runs_again_until_nothing_is_left() -> None:
    pages = [50, 50, 3, 0]  # sends that save nothing to the store wake nobody
    rounds: list[int] = []

    def send_due() -> int:
        rounds.append(pages[len(rounds)])
        return rounds[-1]

    work = FollowOnWork(lambda: 0, send_due, in_process=True)
    work.after_commit()
    assert work.settle(WAIT_S)
    assert rounds == pages
    work.stop()
