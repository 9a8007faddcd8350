"""Points (积分): earned on paid orders and daily check-ins, spent at checkout.

Every earning is a lot. A lot earned on Beijing day D stays usable through D plus
`lifetime_months` and lapses at 00:00 Beijing time the day after. Spending takes from
the lots that expire first (FIFO; earned order breaks ties) and never touches points
already past their expiry. The expiry job records what lapsed, so the balance is what
the events say. Nothing takes the balance below zero: a claw-back that finds too few
points records the shortfall instead. Every event carries `balance_after` for the ledger.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from .calendar import beijing_date
from .errors import AccountClosed, AlreadyCheckedIn, DomainError, InsufficientPoints
from .ids import points_account_id_for
from .points_parts import PartRestores
from .points_policy import Lot, PointsPolicy


class PointsAccount(PartRestores):
    @staticmethod
    def create_id(member_id: UUID) -> UUID:
        return points_account_id_for(member_id)

    class Opened(Aggregate.Created):
        member_id: UUID
        balance_after: int

    @event(Opened)
    def __init__(self, member_id: UUID, balance_after: int = 0) -> None:
        self.member_id = member_id
        self._start_afresh()

    def _start_afresh(self) -> None:
        self.lots: dict[str, Lot] = {}  # in earned order
        self.last_check_in: str | None = None
        self.streak = 0
        self.redemptions: dict[str, dict[str, int]] = {}  # order id -> points taken per lot
        self.restored: set[str] = set()
        self.parts_back: dict[str, dict[str, int]] = {}
        self.parts_restored: set[str] = set()
        self.clawed_back: set[str] = set()
        self.closed = False

    # -- queries ---------------------------------------------------------------
    @property
    def balance(self) -> int:
        return sum(lot.remaining for lot in self.lots.values())

    def available(self, now: datetime) -> int:
        """The points that can be spent now: the balance less lots past their expiry."""
        return sum(lot.remaining for lot in self._spendable(now))

    def expiring_within(self, now: datetime, days: int) -> int:
        until = now + timedelta(days=days)
        return sum(lot.remaining for lot in self.lots.values() if now < lot.expires_at <= until)

    def next_expiry(self) -> datetime | None:
        return min((lot.expires_at for lot in self.lots.values() if lot.remaining), default=None)

    def current_streak(self, now: datetime) -> int:
        """The streak still alive now: last check-in today or yesterday (Beijing)."""
        if self.last_check_in is None:
            return 0
        gap = beijing_date(now) - date.fromisoformat(self.last_check_in)
        return self.streak if gap <= timedelta(days=1) else 0

    def _spendable(self, now: datetime) -> list[Lot]:
        live = [lot for lot in self.lots.values() if lot.remaining and now < lot.expires_at]
        return sorted(live, key=lambda lot: lot.expires_at)  # stable: earned order breaks ties

    def _require_open(self) -> None:
        if self.closed:
            raise AccountClosed("the points account is closed")

    @staticmethod
    def _take(lots: list[Lot], points: int) -> dict[str, int]:
        taken: dict[str, int] = {}
        for lot in lots:
            if points == 0:
                break
            n = min(lot.remaining, points)
            if n:
                taken[lot.lot_id] = n
                points -= n
        return taken

    # -- earning ---------------------------------------------------------------
    def earn_for_order(
        self, order_id: UUID, points: int, at: datetime, policy: PointsPolicy
    ) -> bool:
        """Returns False when the order earns nothing or has earned already."""
        return self._earn_once(f"order:{order_id}", points, at, policy)

    def earn_reward(self, reason_id: str, points: int, at: datetime, policy: PointsPolicy) -> bool:
        """Points given for something other than an order (e.g. an invite), once per
        reason; a refund never claws them back. False when nothing or already given."""
        return self._earn_once(f"reward:{reason_id}", points, at, policy)

    def _earn_once(self, lot_id: str, points: int, at: datetime, policy: PointsPolicy) -> bool:
        self._require_open()
        if points <= 0 or lot_id in self.lots:
            return False
        self._earned(
            lot_id=lot_id,
            points=points,
            source=lot_id,
            at=at,
            expires_at=policy.expires_at(at),
            balance_after=self.balance + points,
        )
        return True

    class Earned(Aggregate.Event):
        lot_id: str
        points: int
        source: str
        at: datetime
        expires_at: datetime
        balance_after: int

    @event(Earned)
    def _earned(
        self,
        lot_id: str,
        points: int,
        source: str,
        at: datetime,
        expires_at: datetime,
        balance_after: int,
    ) -> None:
        self.lots[lot_id] = Lot(lot_id, points, points, at, expires_at, source)

    def check_in(self, at: datetime, policy: PointsPolicy) -> int:
        """Once per Beijing day; consecutive days build a streak. Returns the points."""
        self._require_open()
        day = beijing_date(at)
        last = date.fromisoformat(self.last_check_in) if self.last_check_in else None
        if last is not None and day <= last:
            raise AlreadyCheckedIn(f"already checked in on {last}", day=str(last))
        streak = self.streak + 1 if last == day - timedelta(days=1) else 1
        points = policy.checkin_reward(streak)
        self._checked_in(
            day=day.isoformat(),
            streak=streak,
            points=points,
            lot_id=f"checkin:{day.isoformat()}",
            at=at,
            expires_at=policy.expires_at(at),
            balance_after=self.balance + points,
        )
        return points

    class CheckedIn(Aggregate.Event):
        day: str
        streak: int
        points: int
        lot_id: str
        at: datetime
        expires_at: datetime
        balance_after: int

    @event(CheckedIn)
    def _checked_in(
        self,
        day: str,
        streak: int,
        points: int,
        lot_id: str,
        at: datetime,
        expires_at: datetime,
        balance_after: int,
    ) -> None:
        self.last_check_in = day
        self.streak = streak
        self.lots[lot_id] = Lot(lot_id, points, points, at, expires_at, lot_id)

    # -- spending --------------------------------------------------------------
    def redeem(self, order_id: UUID, points: int, at: datetime) -> None:
        self._require_open()
        key = str(order_id)
        if key in self.redemptions:
            raise DomainError("points were already redeemed for this order", order_id=key)
        if points < 1:
            raise DomainError("redeem at least one point", points=points)
        available = self.available(at)
        if points > available:
            raise InsufficientPoints(
                f"only {available} points to redeem", requested=points, available=available
            )
        self._redeemed(
            order_id=key,
            points=points,
            taken=self._take(self._spendable(at), points),
            at=at,
            balance_after=self.balance - points,
        )

    class Redeemed(Aggregate.Event):
        order_id: str
        points: int
        taken: dict[str, int]
        at: datetime
        balance_after: int

    @event(Redeemed)
    def _redeemed(
        self, order_id: str, points: int, taken: dict[str, int], at: datetime, balance_after: int
    ) -> None:
        for lot_id, n in taken.items():
            self.lots[lot_id].remaining -= n
        self.redemptions[order_id] = dict(taken)

    def restore_redemption(self, order_id: UUID, at: datetime) -> bool:
        """Puts the points an order spent back into the lots they came from (a lot
        since expired takes them back too; the next expiry run lapses them), less
        what its refunded parts gave back already (`restore_part`). Returns False
        when nothing was redeemed for the order, it was restored, or nothing is left."""
        self._require_open()
        key = str(order_id)
        if key not in self.redemptions or key in self.restored:
            return False
        taken = self._not_back_yet(key)
        if not taken:
            return False
        points = sum(taken.values())
        self._redemption_restored(
            order_id=key,
            points=points,
            taken=taken,
            at=at,
            balance_after=self.balance + points,
        )
        return True

    class RedemptionRestored(Aggregate.Event):
        order_id: str
        points: int
        taken: dict[str, int]
        at: datetime
        balance_after: int

    @event(RedemptionRestored)
    def _redemption_restored(
        self, order_id: str, points: int, taken: dict[str, int], at: datetime, balance_after: int
    ) -> None:
        for lot_id, n in taken.items():
            self.lots[lot_id].remaining += n
        self.restored.add(order_id)

    def claw_back(self, order_id: UUID, at: datetime) -> bool:
        """Takes back what a refunded order earned: from its own lot first, then from
        the other lots FIFO; what cannot be found is the shortfall, never a debt.
        Returns False when the order earned nothing or was clawed back already."""
        self._require_open()
        key = str(order_id)
        own = self.lots.get(f"order:{key}")
        if own is None or key in self.clawed_back:
            return False
        others = [lot for lot in self._spendable(at) if lot is not own]
        taken = self._take([own, *others], own.points)
        shortfall = own.points - sum(taken.values())
        self._clawed_back(
            order_id=key,
            points=own.points,
            taken=taken,
            shortfall=shortfall,
            at=at,
            balance_after=self.balance - sum(taken.values()),
        )
        return True

    class ClawedBack(Aggregate.Event):
        order_id: str
        points: int
        taken: dict[str, int]
        shortfall: int
        at: datetime
        balance_after: int

    @event(ClawedBack)
    def _clawed_back(
        self,
        order_id: str,
        points: int,
        taken: dict[str, int],
        shortfall: int,
        at: datetime,
        balance_after: int,
    ) -> None:
        for lot_id, n in taken.items():
            self.lots[lot_id].remaining -= n
        self.clawed_back.add(order_id)

    # -- expiry and closing ----------------------------------------------------
    def expire(self, now: datetime) -> int:
        """Lapses what is left of every lot expired by now; returns the points lapsed.
        Running it again finds nothing (so does running it on a closed account)."""
        lapsed = {
            lot.lot_id: lot.remaining
            for lot in self.lots.values()
            if lot.remaining and lot.expires_at <= now
        }
        if not lapsed:
            return 0
        points = sum(lapsed.values())
        self._expired(lots=lapsed, at=now, balance_after=self.balance - points)
        return points

    class Expired(Aggregate.Event):
        lots: dict[str, int]
        at: datetime
        balance_after: int

    @event(Expired)
    def _expired(self, lots: dict[str, int], at: datetime, balance_after: int) -> None:
        for lot_id, n in lots.items():
            self.lots[lot_id].remaining -= n

    def close(self, at: datetime) -> None:
        """注销: the balance is forfeited and the account refuses every command after."""
        self._require_open()
        self._closed(forfeited=self.balance, at=at, balance_after=0)

    class Closed(Aggregate.Event):
        forfeited: int
        at: datetime
        balance_after: int

    @event(Closed)
    def _closed(self, forfeited: int, at: datetime, balance_after: int) -> None:
        for lot in self.lots.values():
            lot.remaining = 0
        self.closed = True

    def reopen(self, at: datetime) -> bool:
        """A member who closed their account and came back starts from zero."""
        if not self.closed:
            return False
        self._reopened(at=at, balance_after=0)
        return True

    class Reopened(Aggregate.Event):
        at: datetime
        balance_after: int

    @event(Reopened)
    def _reopened(self, at: datetime, balance_after: int) -> None:
        self._start_afresh()
