"""Work after a commit never turns a saved command into an error answer."""

from __future__ import annotations

import logging

import pytest
from eventsourcing.persistence import OperationalError

from chalicelib.follow_on import FollowOnWork


def test_a_failure_after_the_commit_is_logged_not_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sent: list[int] = []

    def catch_up() -> int:
        raise OperationalError("database is locked")

    work = FollowOnWork(catch_up, lambda: sent.append(1), in_process=True)
    with caplog.at_level(logging.ERROR, logger="chalicelib.follow_on"):
        work.after_commit()  # the command that committed answers what it did
    assert "follow-on work failed after a commit" in caplog.text
    assert sent == []

    work.catch_up = lambda: 0  # the next commit's round runs normally
    work.after_commit()
    assert sent == [1]
