"""POST /track's use case: a batch of behaviour events from one subject (a
member, or an install before login), each item checked on its own, the good
ones recorded once in the behaviour log; and the link a login with an install
id records between that install and the member."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from ..clock import Clock
from ..domain.behaviour import Rejection, Tracked, check_item, install_subject
from ..domain.behaviour_event import INSTALL_LINKED
from .behaviour_log import BehaviourLog, NewBehaviour
from .ports import RateLimits


class RateLimited(Exception):
    def __init__(self, retry_after_s: int, limit: int, window_s: int) -> None:
        super().__init__(f"more than {limit} events in {window_s} seconds")
        self.retry_after_s, self.limit, self.window_s = retry_after_s, limit, window_s


@dataclass(frozen=True)
class TrackAnswer:
    accepted: int
    duplicates: int
    rejected: list[Rejection]

    def as_dict(self) -> dict[str, object]:
        return {
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": [r.as_dict() for r in self.rejected],
        }


class TrackingUseCases:
    def __init__(
        self,
        log: BehaviourLog,
        limits: RateLimits,
        clock: Clock,
        *,
        limit: int,
        window_s: int,
    ) -> None:
        self.log = log
        self.limits = limits
        self.clock = clock
        self.limit = limit
        self.window_s = window_s

    def track(self, subject: str, items: Sequence[object]) -> TrackAnswer:
        """Every item counts against the subject's rate limit (refused whole,
        RateLimited, when over); good items are recorded, bad ones named."""
        now = self.clock.now()
        retry_after = self.limits.take(subject, len(items), self.limit, self.window_s, now)
        if retry_after is not None:
            raise RateLimited(retry_after, self.limit, self.window_s)
        checked = [check_item(index, item, now) for index, item in enumerate(items)]
        good = [
            NewBehaviour(subject, item.client_id, item.kind, item.at, item.client_at, item.fields)
            for item in checked
            if isinstance(item, Tracked)
        ]
        recorded = self.log.record(good)
        rejected = [item for item in checked if isinstance(item, Rejection)]
        return TrackAnswer(recorded.accepted, recorded.duplicates, rejected)

    def link_install(self, install_id: str, member_id: UUID) -> None:
        """The install's events are the member's from now on, and so are the
        ones before: recorded once per (install, member)."""
        now = self.clock.now()
        link = NewBehaviour(
            subject=install_subject(install_id),
            client_id=f"link/{member_id}",  # "/" is never in a client's id
            kind=INSTALL_LINKED,
            at=now,
            client_at=now.isoformat(),
            fields={"member_id": str(member_id)},
        )
        self.log.record([link])
