"""A group-buy team (拼团): opened when its leader's order is paid, filled by paid seats.

Rules:
- a joiner's order holds a seat until its payment deadline; a lapsed hold (until <= now)
  is a free seat, so a team is never over-filled and never blocked by an unpaid order;
- a hold is refused when the team is full (TeamFull), no longer forming or past its
  deadline (TeamClosed), or the member already has a seat (AlreadyInTeam);
- a payment is admitted only into a forming team before its deadline, for an order
  that still has a seat; otherwise `admit` returns False and the caller refunds it;
- the last paid seat makes the team succeed; a member refunded while it forms leaves
  and frees the seat; a leaving leader is succeeded by the earliest remaining paid
  member, and a team left with nobody paid fails;
- at the deadline a team succeeds virtually when percent > 0 and its paid seats reach
  ceil(size * percent / 100); else it fails, naming every paid order to refund.

State is plain dicts keyed by order id (str), so snapshots are plain JSON.

Events name members by member id only: the pages show each member's masked
nickname and avatar as their sealed profile says when the page is built (a
placeholder once they closed their account). Events of version 1 also carried
them in clear (Opened: the leader's, SeatPaid: the joiner's); they are upcast
without them, so nothing reads them (the bytes stay in the event store until
it is compacted).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from .errors import DomainError
from .ids import NAMESPACE

MIN_SIZE, MAX_SIZE = 2, 10
ANONYMOUS = "微信用户"


class TeamFull(DomainError):
    code = "team_full"


class TeamClosed(DomainError):
    code = "team_closed"


class AlreadyInTeam(DomainError):
    code = "already_in_team"


class TeamNotFormed(DomainError):
    code = "team_not_formed"


def mask_nickname(nickname: str) -> str:
    """Shows the first character only: "张三丰" -> "张**"; no nickname -> "微信用户"."""
    name = nickname.strip()
    return f"{name[0]}**" if name else ANONYMOUS


class TeamStatus:
    FORMING = "forming"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Team(Aggregate):
    @staticmethod
    def create_id(leader_order_id: str) -> UUID:
        return uuid5(NAMESPACE, f"team:{leader_order_id}")

    class Opened(Aggregate.Created):
        class_version = 2
        campaign_id: str
        product_id: str
        sku_id: str
        size: int
        virtual_success_percent: int
        leader_order_id: str
        leader_member_id: str
        opened_at: datetime
        deadline: datetime

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 also recorded the leader's masked nickname and avatar URL."""
            state.pop("leader_nickname", None)
            state.pop("leader_avatar_url", None)

    @event(Opened)
    def __init__(
        self,
        campaign_id: str,
        product_id: str,
        sku_id: str,
        size: int,
        virtual_success_percent: int,
        leader_order_id: str,
        leader_member_id: str,
        opened_at: datetime,
        deadline: datetime,
    ) -> None:
        if not MIN_SIZE <= size <= MAX_SIZE:
            raise DomainError(f"a team has {MIN_SIZE} to {MAX_SIZE} members", size=size)
        if not 0 <= virtual_success_percent <= 100:
            raise DomainError("virtual success is a percent from 0 to 100")
        if deadline <= opened_at:
            raise DomainError("a team's deadline must follow its opening", deadline=str(deadline))
        self.campaign_id = campaign_id
        self.product_id = product_id
        self.sku_id = sku_id
        self.size = size
        self.virtual_success_percent = virtual_success_percent
        self.deadline = deadline
        self.status = TeamStatus.FORMING
        self.virtual = False
        self.leader_order_id = leader_order_id
        self.members: dict[str, str] = {leader_order_id: leader_member_id}  # order -> member
        self.holds: dict[str, datetime] = {}  # unpaid seat: order -> held until
        self.paid: dict[str, int] = {leader_order_id: 0}  # order -> admission number
        self.admitted = 1

    # -- queries -----------------------------------------------------------------------
    @property
    def is_forming(self) -> bool:
        return self.status == TeamStatus.FORMING

    @property
    def paid_order_ids(self) -> list[str]:
        """Paid seats in the order they were paid (the leader first)."""
        return sorted(self.paid, key=self.paid.__getitem__)

    def taken(self, now: datetime) -> int:
        return len(self.paid) + sum(1 for until in self.holds.values() if until > now)

    def seats_left(self, now: datetime) -> int:
        return max(self.size - self.taken(now), 0) if self.is_forming else 0

    def has_member(self, member_id: str, now: datetime) -> bool:
        return any(
            m == member_id and (o in self.paid or self.holds.get(o, now) > now)
            for o, m in self.members.items()
        )

    @property
    def virtual_threshold(self) -> int:
        """Paid seats a team needs at its deadline to succeed virtually (0 = never)."""
        return -(-self.size * self.virtual_success_percent // 100)

    # -- seats -------------------------------------------------------------------------
    def require_seat_for(self, member_id: str, now: datetime) -> None:
        """Raises unless that member could hold a seat now."""
        if not self.is_forming or now >= self.deadline:
            raise TeamClosed("this team is no longer forming", status=self.status)
        if self.has_member(member_id, now):
            raise AlreadyInTeam("you are already in this team")
        if self.taken(now) >= self.size:
            raise TeamFull("this team has no seat left", size=self.size)

    def hold_seat(self, order_id: str, member_id: str, until: datetime, now: datetime) -> None:
        self.require_seat_for(member_id, now)
        if order_id in self.members:
            raise AlreadyInTeam("that order already has a seat in this team")
        self._seat_held(order_id=order_id, member_id=member_id, until=until, at=now)

    class SeatHeld(Aggregate.Event):
        order_id: str
        member_id: str
        until: datetime
        at: datetime

    @event(SeatHeld)
    def _seat_held(self, order_id: str, member_id: str, until: datetime, at: datetime) -> None:
        self.members[order_id] = member_id
        self.holds[order_id] = until

    def release_seat(self, order_id: str, at: datetime) -> bool:
        """An unpaid order was cancelled. False when it holds no seat (or the team closed)."""
        if not self.is_forming or order_id not in self.holds:
            return False
        self._seat_released(order_id=order_id, at=at)
        return True

    class SeatReleased(Aggregate.Event):
        order_id: str
        at: datetime

    @event(SeatReleased)
    def _seat_released(self, order_id: str, at: datetime) -> None:
        del self.holds[order_id]
        del self.members[order_id]

    def admit(self, order_id: str, at: datetime) -> bool:
        """The order was paid. False when it cannot take its seat: refund it."""
        if order_id in self.paid:
            return True
        if not self.is_forming or at >= self.deadline or order_id not in self.holds:
            return False
        member_id = self.members[order_id]
        if any(self.members[o] == member_id for o in self.paid):
            return False
        lapsed = self.holds[order_id] <= at
        if lapsed and self.taken(at) >= self.size:
            return False
        self._seat_paid(order_id=order_id, member_id=member_id, at=at)
        if len(self.paid) == self.size:
            self._succeeded(virtual=False, at=at)
        return True

    class SeatPaid(Aggregate.Event):
        class_version = 2
        order_id: str
        member_id: str
        at: datetime

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 also recorded the member's masked nickname and avatar URL."""
            state.pop("nickname", None)
            state.pop("avatar_url", None)

    @event(SeatPaid)
    def _seat_paid(self, order_id: str, member_id: str, at: datetime) -> None:
        del self.holds[order_id]
        self.paid[order_id] = self.admitted
        self.admitted += 1

    def leave(self, order_id: str, at: datetime) -> bool:
        """A paid member's refund was approved while the team forms. False otherwise."""
        if not self.is_forming or order_id not in self.paid:
            return False
        successor = self.leader_order_id
        if order_id == self.leader_order_id:
            remaining = [o for o in self.paid_order_ids if o != order_id]
            successor = remaining[0] if remaining else ""
        self._member_left(order_id=order_id, new_leader_order_id=successor, at=at)
        if not self.paid:
            self._failed(refund_order_ids=[], at=at)
        return True

    class MemberLeft(Aggregate.Event):
        order_id: str
        new_leader_order_id: str  # the leader after this (a successor when the leader left)
        at: datetime

    @event(MemberLeft)
    def _member_left(self, order_id: str, new_leader_order_id: str, at: datetime) -> None:
        del self.paid[order_id]
        del self.members[order_id]
        self.leader_order_id = new_leader_order_id

    # -- outcome -----------------------------------------------------------------------
    class Succeeded(Aggregate.Event):
        virtual: bool
        at: datetime

    @event(Succeeded)
    def _succeeded(self, virtual: bool, at: datetime) -> None:
        self.status = TeamStatus.SUCCEEDED
        self.virtual = virtual

    def expire(self, now: datetime) -> bool:
        """At or after the deadline a forming team succeeds virtually or fails.
        False when it is not due or already closed."""
        if not self.is_forming or now < self.deadline:
            return False
        threshold = self.virtual_threshold
        if threshold and len(self.paid) >= threshold:
            self._succeeded(virtual=True, at=now)
        else:
            self._failed(refund_order_ids=self.paid_order_ids, at=now)
        return True

    class Failed(Aggregate.Event):
        refund_order_ids: list[str]  # every paid order, to be refunded with the team
        at: datetime

    @event(Failed)
    def _failed(self, refund_order_ids: list[str], at: datetime) -> None:
        self.status = TeamStatus.FAILED
