"""Coupons: a CouponTemplate defines and issues them; a member's CouponWallet holds them.

A template has either a fixed window (valid from starts_at until ends_at, claimable
until ends_at) or a relative one (valid for valid_days Beijing days counting the
claim day). It counts what it issued, so total_quantity is never exceeded and each
coupon id is deterministic: uuid5(template id, "<member>:<n>"). Once stopped it
issues nothing.

The wallet enforces the per-member limit (coupons of one template, any status).
A coupon is usable while available and valid_from <= now < expires_at. Checkout
locks it for an order; payment uses it (even after expiry: the lock was taken while
it was valid); cancellation or refund gives it back, available again before
expiry, lapsed ("expired") after. Closing the account voids every coupon; the wallet
then refuses receive, lock and use until it is reopened (a rejoining member).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from .calendar import beijing_date, start_of_beijing_day
from .coupon_terms import TRIGGERS, check_terms
from .errors import (
    AccountClosed,
    CouponLimitReached,
    CouponsExhausted,
    CouponUnavailable,
    DomainError,
    InvalidTransition,
)
from .ids import coupon_template_id_for, wallet_id_for
from .values import Coupon, CouponTerms


class CouponTemplate(Aggregate):
    @staticmethod
    def create_id(code: str) -> UUID:
        return coupon_template_id_for(code)

    class Defined(Aggregate.Created):
        code: str
        title: str
        terms: CouponTerms
        trigger: str
        starts_at: datetime | None
        ends_at: datetime | None
        valid_days: int
        total_quantity: int
        per_member_limit: int
        defined_at: datetime

    @event(Defined)
    def __init__(
        self,
        code: str,
        title: str,
        terms: CouponTerms,
        trigger: str,
        starts_at: datetime | None,
        ends_at: datetime | None,
        valid_days: int,
        total_quantity: int,
        per_member_limit: int,
        defined_at: datetime,
    ) -> None:
        fixed = starts_at is not None and ends_at is not None and starts_at < ends_at
        relative = starts_at is None and ends_at is None and valid_days >= 1
        if fixed == relative or (fixed and valid_days != 0):
            raise DomainError(
                "a coupon is valid either from starts_at to ends_at (starts_at < ends_at) "
                "or for valid_days >= 1 days from its claim",
                code=code,
            )
        check_terms(terms)
        if trigger not in TRIGGERS:
            raise DomainError(f"unknown coupon trigger {trigger!r}", trigger=trigger)
        if total_quantity < 0 or per_member_limit < 0:
            raise DomainError("quantity and per-member limit cannot be negative", code=code)
        self.code = code
        self.title = title
        self.terms = terms
        self.trigger = trigger
        self.starts_at = starts_at
        self.ends_at = ends_at
        self.valid_days = valid_days
        self.total_quantity = total_quantity
        self.per_member_limit = per_member_limit
        self.stopped = False
        self.issued = 0
        self.issued_to: dict[str, int] = {}

    @property
    def remaining(self) -> int | None:
        """How many more can be issued; None when the quantity is unlimited."""
        return self.total_quantity - self.issued if self.total_quantity else None

    def expires_at(self, claimed_at: datetime) -> datetime:
        if self.ends_at is not None:
            return self.ends_at
        return start_of_beijing_day(beijing_date(claimed_at) + timedelta(days=self.valid_days))

    def issue(self, member_id: UUID, at: datetime) -> Coupon:
        if self.stopped:
            raise CouponUnavailable("this coupon is no longer issued", code=self.code)
        if self.ends_at is not None and at >= self.ends_at:
            raise CouponUnavailable("this coupon's claim period has ended", code=self.code)
        if self.total_quantity and self.issued >= self.total_quantity:
            raise CouponsExhausted("all of these coupons have been claimed", code=self.code)
        n = self.issued_to.get(str(member_id), 0) + 1
        coupon_id = str(uuid5(self.id, f"{member_id}:{n}"))
        self._issued(coupon_id=coupon_id, member_id=member_id, at=at)
        return Coupon(
            coupon_id=coupon_id,
            template_id=str(self.id),
            title=self.title,
            terms=self.terms,
            valid_from=self.starts_at or at,
            expires_at=self.expires_at(at),
        )

    class Issued(Aggregate.Event):
        coupon_id: str
        member_id: UUID
        at: datetime

    @event(Issued)
    def _issued(self, coupon_id: str, member_id: UUID, at: datetime) -> None:
        self.issued += 1
        self.issued_to[str(member_id)] = self.issued_to.get(str(member_id), 0) + 1

    def stop(self, at: datetime) -> bool:
        """Returns False when already stopped."""
        if self.stopped:
            return False
        self._stopped(at=at)
        return True

    class Stopped(Aggregate.Event):
        at: datetime

    @event(Stopped)
    def _stopped(self, at: datetime) -> None:
        self.stopped = True


class CouponStatus(StrEnum):
    AVAILABLE = "available"
    LOCKED = "locked"
    USED = "used"
    EXPIRED = "expired"
    VOID = "void"


class HeldCoupon(NamedTuple):
    coupon: Coupon
    status: CouponStatus
    order_id: str | None  # the order that locked or used it


class CouponOrderEvent(Aggregate.Event):
    """Something that happened to one coupon on behalf of one order."""

    coupon_id: str
    order_id: str
    at: datetime


class CouponWallet(Aggregate):
    @staticmethod
    def create_id(member_id: UUID) -> UUID:
        return wallet_id_for(member_id)

    class Opened(Aggregate.Created):
        member_id: UUID

    @event(Opened)
    def __init__(self, member_id: UUID) -> None:
        self.member_id = member_id
        self.coupons: dict[str, HeldCoupon] = {}
        self.closed = False

    def _require_open(self) -> None:
        if self.closed:
            raise AccountClosed("this member's account is closed", member_id=str(self.member_id))

    def status_of(self, coupon_id: str) -> str | None:
        held = self.coupons.get(coupon_id)
        return None if held is None else str(held.status)

    def held_from(self, template_id: UUID | str) -> list[Coupon]:
        """Every coupon of that template in the wallet, whatever its status."""
        return [h.coupon for h in self.coupons.values() if h.coupon.template_id == str(template_id)]

    def has_from_template(self, template_id: UUID | str) -> int:
        return len(self.held_from(template_id))

    def receive(self, coupon: Coupon, per_member_limit: int, at: datetime) -> bool:
        """Returns False when the wallet already holds this coupon."""
        self._require_open()
        if coupon.coupon_id in self.coupons:
            return False
        if per_member_limit > 0 and self.has_from_template(coupon.template_id) >= per_member_limit:
            raise CouponLimitReached(
                f"a member may hold at most {per_member_limit} of this coupon",
                template_id=coupon.template_id,
                per_member_limit=per_member_limit,
            )
        self._received(coupon=coupon, at=at)
        return True

    class Received(Aggregate.Event):
        coupon: Coupon
        at: datetime

    @event(Received)
    def _received(self, coupon: Coupon, at: datetime) -> None:
        self.coupons[coupon.coupon_id] = HeldCoupon(coupon, CouponStatus.AVAILABLE, None)

    def usable(self, coupon_id: str, now: datetime) -> Coupon:
        held = self.coupons.get(coupon_id)
        if held is None:
            raise CouponUnavailable("no such coupon in this wallet", coupon_id=coupon_id)
        details = {"coupon_id": coupon_id, "status": str(held.status)}
        if held.status != CouponStatus.AVAILABLE:
            raise CouponUnavailable(f"this coupon is {held.status}", **details)
        if now < held.coupon.valid_from:
            raise CouponUnavailable("this coupon is not valid yet", **details)
        if now >= held.coupon.expires_at:
            raise CouponUnavailable("this coupon has expired", **details)
        return held.coupon

    def usable_coupons(self, now: datetime) -> list[Coupon]:
        return [
            h.coupon
            for h in self.coupons.values()
            if h.status == CouponStatus.AVAILABLE
            and h.coupon.valid_from <= now < h.coupon.expires_at
        ]

    def lock(self, coupon_id: str, order_id: UUID, now: datetime) -> None:
        self._require_open()
        self.usable(coupon_id, now)
        self._locked(coupon_id=coupon_id, order_id=str(order_id), at=now)

    class Locked(CouponOrderEvent):
        """Checkout holds it for the order."""

    @event(Locked)
    def _locked(self, coupon_id: str, order_id: str, at: datetime) -> None:
        self._set(coupon_id, CouponStatus.LOCKED, order_id)

    def use(self, coupon_id: str, order_id: UUID, at: datetime) -> bool:
        """Returns False when that order already used it."""
        self._require_open()
        held = self.coupons.get(coupon_id)
        status = None if held is None else held.status
        if held is not None and held.order_id == str(order_id):
            if status == CouponStatus.USED:
                return False
            if status == CouponStatus.LOCKED:
                self._used(coupon_id=coupon_id, order_id=str(order_id), at=at)
                return True
        raise InvalidTransition(
            "this coupon is not locked by that order",
            coupon_id=coupon_id,
            status=str(status),
        )

    class Used(CouponOrderEvent):
        """The order was paid."""

    @event(Used)
    def _used(self, coupon_id: str, order_id: str, at: datetime) -> None:
        self._set(coupon_id, CouponStatus.USED, order_id)

    def give_back(self, coupon_id: str, order_id: UUID, at: datetime) -> bool:
        """Returns False when that order does not hold the coupon: already given back, or
        voided by closing the account (so cancelling and refunding never fail on it)."""
        held = self.coupons.get(coupon_id)
        if (
            held is None
            or held.order_id != str(order_id)
            or held.status not in (CouponStatus.LOCKED, CouponStatus.USED)
        ):
            return False
        if at < held.coupon.expires_at:
            self._returned(coupon_id=coupon_id, order_id=str(order_id), at=at)
        else:
            self._lapsed(coupon_id=coupon_id, order_id=str(order_id), at=at)
        return True

    class Returned(CouponOrderEvent):
        """Given back before expiry: available again."""

    @event(Returned)
    def _returned(self, coupon_id: str, order_id: str, at: datetime) -> None:
        self._set(coupon_id, CouponStatus.AVAILABLE, None)

    class Lapsed(CouponOrderEvent):
        """Given back after expiry: never usable again."""

    @event(Lapsed)
    def _lapsed(self, coupon_id: str, order_id: str, at: datetime) -> None:
        self._set(coupon_id, CouponStatus.EXPIRED, None)

    def close(self, at: datetime) -> bool:
        """Voids every coupon. Returns False when already closed."""
        if self.closed:
            return False
        self._closed(at=at)
        return True

    class Closed(Aggregate.Event):
        at: datetime

    @event(Closed)
    def _closed(self, at: datetime) -> None:
        self.closed = True
        for cid in list(self.coupons):
            self._set(cid, CouponStatus.VOID, None)

    def reopen(self, at: datetime) -> bool:
        """A rejoining member starts with an empty wallet. Returns False when open."""
        if not self.closed:
            return False
        self._reopened(at=at)
        return True

    class Reopened(Aggregate.Event):
        at: datetime

    @event(Reopened)
    def _reopened(self, at: datetime) -> None:
        self.closed = False
        self.coupons = {}

    def _set(self, coupon_id: str, status: CouponStatus, order_id: str | None) -> None:
        self.coupons[coupon_id] = self.coupons[coupon_id]._replace(status=status, order_id=order_id)
