"""Points (积分): earned on paid orders and daily check-ins, spent at checkout.

Every earning is a lot. A lot earned on Beijing day D stays usable through D plus
`lifetime_months` and lapses at 00:00 Beijing time the day after. Spending takes from
the lots that expire first (FIFO; earned order breaks ties) and never touches points
already past their expiry. The expiry job records what lapsed, so the balance is what
the events say. Nothing takes the balance below zero: a claw-back that finds too few
points records the shortfall instead. Every event carries `balance_after` for the ledger.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from .calendar import beijing_date
from .errors import AccountClosed, DomainError, InsufficientPoints
from .ids import points_account_id_for
from .points_lots import lapsed_by, spendable, take_in_turn
from .points_parts import not_back_yet, take_last_first
from .points_policy import Lot, PointsPolicy
from .points_streaks import streak_alive, streak_on


class PointsAccount(Aggregate):
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
        self.restored: set[str] = set()  # order ids restored whole
        self.parts_back: dict[str, dict[str, int]] = {}  # order id -> points given back per lot
        self.parts_restored: set[str] = set()  # after-sales request ids
        self.clawed_back: set[str] = set()
        self.closed = False

    # -- queries ---------------------------------------------------------------
    @property
    def balance(self) -> int:
        return sum(lot.remaining for lot in self.lots.values())

    def available(self, now: datetime) -> int:
        """The points that can be spent now: the balance less lots past their expiry."""
        return sum(lot.remaining for lot in spendable(self.lots.values(), now))

    def expiring_within(self, now: datetime, days: int) -> int:
        until = now + timedelta(days=days)
        return sum(lot.remaining for lot in self.lots.values() if now < lot.expires_at <= until)

    def next_expiry(self) -> datetime | None:
        return min((lot.expires_at for lot in self.lots.values() if lot.remaining), default=None)

    def current_streak(self, now: datetime) -> int:
        """The streak still alive now: last check-in today or yesterday (Beijing)."""
        return streak_alive(beijing_date(now), self.last_check_in, self.streak)

    def redeemed_for(self, order_id: UUID) -> int:
        """The points an order spent (0: none, or not on this account)."""
        return sum(self.redemptions.get(str(order_id), {}).values())

    def _require_open(self) -> None:
        if self.closed:
            raise AccountClosed("the points account is closed")

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
        streak = streak_on(day, self.last_check_in, self.streak)
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
            taken=take_in_turn(spendable(self.lots.values(), at), points),
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
        taken = not_back_yet(self.redemptions[key], self.parts_back.get(key, {}))
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

    def restore_part(self, order_id: UUID, after_sale_id: UUID, points: int, at: datetime) -> bool:
        """Gives back `points` of the order's redemption with one refunded after-sales
        request, into the lots taken last first (points_parts.py). Returns False
        when there is nothing to give or the request gave already."""
        self._require_open()
        key, part = str(order_id), str(after_sale_id)
        if key not in self.redemptions or key in self.restored or part in self.parts_restored:
            return False
        left = not_back_yet(self.redemptions[key], self.parts_back.get(key, {}))
        taken = take_last_first(left, points)
        if not taken:
            return False
        back = sum(taken.values())
        self._redemption_part_restored(
            order_id=key,
            after_sale_id=part,
            points=back,
            taken=taken,
            at=at,
            balance_after=self.balance + back,
        )
        return True

    class RedemptionPartRestored(Aggregate.Event):
        order_id: str
        after_sale_id: str
        points: int
        taken: dict[str, int]
        at: datetime
        balance_after: int

    @event(RedemptionPartRestored)
    def _redemption_part_restored(
        self,
        order_id: str,
        after_sale_id: str,
        points: int,
        taken: dict[str, int],
        at: datetime,
        balance_after: int,
    ) -> None:
        back = self.parts_back.setdefault(order_id, {})
        for lot_id, n in taken.items():
            self.lots[lot_id].remaining += n
            back[lot_id] = back.get(lot_id, 0) + n
        self.parts_restored.add(after_sale_id)

    def claw_back(self, order_id: UUID, at: datetime) -> bool:
        """Takes back what a refunded order earned: from its own lot first, then from
        the other lots FIFO; what cannot be found is the shortfall, never a debt.
        Returns False when the order earned nothing or was clawed back already."""
        self._require_open()
        key = str(order_id)
        own = self.lots.get(f"order:{key}")
        if own is None or key in self.clawed_back:
            return False
        others = [lot for lot in spendable(self.lots.values(), at) if lot is not own]
        taken = take_in_turn([own, *others], own.points)
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
        lapsed = lapsed_by(self.lots.values(), now)
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
