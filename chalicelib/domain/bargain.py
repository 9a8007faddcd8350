"""Bargain (砍价): a member's bargain on one SKU of a bargain campaign.

Rules:
- one bargain per member per campaign (the id is uuid5 of both); it starts at the
  SKU's regular price and lasts until expires_at (exclusive);
- other members help once each; help n (1-based) cuts a size drawn from
  random.Random(f"{bargain id}:{n}"), so the draw is deterministic and a helper racing
  another simply redraws for the next n. Each cut is >= 1 fen and leaves >= 1 fen for
  every help still to come; the last help takes exactly what is left, so the floor
  is reached after exactly helps_needed helps;
- the starter cannot help, nobody helps twice, nor at/after expiry, nor once the
  floor is reached or while the starter's order is live;
- the starter buys at the current price any time before expiry, one order at a
  time; that order cancelled unpaid lets them buy again.

A help names its helper by member id only: the page shows the helper's masked
nickname and avatar as their sealed profile says when it is built (a
placeholder once they closed their account). Helped events of version 1 also
carried them in clear; they are upcast without them, so nothing reads them (the
bytes stay in the event store until it is compacted).
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any, NamedTuple
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from .errors import DomainError
from .ids import NAMESPACE


class OwnBargain(DomainError):
    code = "own_bargain"


class AlreadyHelped(DomainError):
    code = "already_helped"


class BargainExpired(DomainError):
    code = "bargain_expired"


class FloorReached(DomainError):
    code = "floor_reached"


class AlreadyBought(DomainError):
    code = "already_bought"


def draw_cut(bargain_id: UUID, n: int, remaining_fen: int, helps_left: int) -> int:
    """The cut of help n when remaining_fen separate the price from the floor and
    helps_left helps (this one included) are still to come."""
    if helps_left <= 1:
        return remaining_fen
    spare = remaining_fen - (helps_left - 1)  # the most this help may take
    drawn = random.Random(f"{bargain_id}:{n}").randint(1, max(1, 2 * remaining_fen // helps_left))
    return max(1, min(drawn, spare))


class Help(NamedTuple):
    helper_id: str
    cut_fen: int
    price_after_fen: int
    at: datetime


class Bargain(Aggregate):
    @staticmethod
    def create_id(campaign_id: UUID, member_id: UUID) -> UUID:
        return uuid5(NAMESPACE, f"bargain:{campaign_id}:{member_id}")

    class Started(Aggregate.Created):
        campaign_id: UUID
        member_id: UUID
        sku_id: str
        original_fen: int
        floor_fen: int
        helps_needed: int
        started_at: datetime
        expires_at: datetime

    @event(Started)
    def __init__(
        self,
        campaign_id: UUID,
        member_id: UUID,
        sku_id: str,
        original_fen: int,
        floor_fen: int,
        helps_needed: int,
        started_at: datetime,
        expires_at: datetime,
    ) -> None:
        if helps_needed < 1 or floor_fen < 1 or original_fen - floor_fen < helps_needed:
            raise DomainError(
                "a bargain needs helps_needed >= 1, a floor >= 1 fen and at least 1 fen "
                "to cut per help",
                original_fen=original_fen,
                floor_fen=floor_fen,
                helps_needed=helps_needed,
            )
        if expires_at <= started_at:
            raise DomainError("a bargain must expire after it starts")
        self.campaign_id = campaign_id
        self.member_id = member_id
        self.sku_id = sku_id
        self.original_fen = original_fen
        self.floor_fen = floor_fen
        self.helps_needed = helps_needed
        self.started_at = started_at
        self.expires_at = expires_at
        self.current_price_fen = original_fen
        self.helps: list[Help] = []
        self.order_id: str | None = None  # the live (or paid) order buying it

    @property
    def floor_reached(self) -> bool:
        return self.current_price_fen == self.floor_fen

    @property
    def helps_left(self) -> int:
        return self.helps_needed - len(self.helps)

    def has_helped(self, member_id: UUID) -> bool:
        return any(h.helper_id == str(member_id) for h in self.helps)

    def _require_unexpired(self, now: datetime) -> None:
        if now >= self.expires_at:
            raise BargainExpired("this bargain has expired", expires_at=self.expires_at.isoformat())

    def require_helpable(self, helper_id: UUID, now: datetime) -> None:
        if helper_id == self.member_id:
            raise OwnBargain("you cannot help your own bargain")
        if self.has_helped(helper_id):
            raise AlreadyHelped("you already helped this bargain")
        self._require_unexpired(now)
        if self.floor_reached:
            raise FloorReached("this bargain already reached its floor price")
        if self.order_id is not None:
            raise AlreadyBought("the starter is already buying at this price")

    def can_help(self, helper_id: UUID, now: datetime) -> bool:
        try:
            self.require_helpable(helper_id, now)
        except DomainError:
            return False
        return True

    def help(self, helper_id: UUID, at: datetime) -> int:
        """Records the help and returns its cut in fen."""
        self.require_helpable(helper_id, at)
        remaining = self.current_price_fen - self.floor_fen
        cut = draw_cut(self.id, len(self.helps) + 1, remaining, self.helps_left)
        self._helped(
            helper_id=helper_id,
            cut_fen=cut,
            price_after_fen=self.current_price_fen - cut,
            at=at,
        )
        return cut

    class Helped(Aggregate.Event):
        class_version = 2
        helper_id: UUID
        cut_fen: int
        price_after_fen: int
        at: datetime

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Version 1 also recorded the helper's masked nickname and avatar URL."""
            state.pop("helper_name", None)
            state.pop("helper_avatar", None)

    @event(Helped)
    def _helped(self, helper_id: UUID, cut_fen: int, price_after_fen: int, at: datetime) -> None:
        self.current_price_fen = price_after_fen
        self.helps.append(Help(str(helper_id), cut_fen, price_after_fen, at))

    def require_buyable(self, now: datetime) -> None:
        self._require_unexpired(now)
        if self.order_id is not None:
            raise AlreadyBought("this bargain already has an order", order_id=self.order_id)

    def can_buy(self, now: datetime) -> bool:
        return now < self.expires_at and self.order_id is None

    def buy(self, order_id: UUID, at: datetime) -> None:
        """The starter's order, at the current price."""
        self.require_buyable(at)
        self._bought(order_id=str(order_id), price_fen=self.current_price_fen, at=at)

    class Bought(Aggregate.Event):
        order_id: str
        price_fen: int
        at: datetime

    @event(Bought)
    def _bought(self, order_id: str, price_fen: int, at: datetime) -> None:
        self.order_id = order_id

    def cancel_buy(self, order_id: UUID, at: datetime) -> bool:
        """That order was cancelled unpaid. Returns False when it is not this
        bargain's live order (already given back)."""
        if self.order_id != str(order_id):
            return False
        self._buy_cancelled(order_id=str(order_id), at=at)
        return True

    class BuyCancelled(Aggregate.Event):
        order_id: str
        at: datetime

    @event(BuyCancelled)
    def _buy_cancelled(self, order_id: str, at: datetime) -> None:
        self.order_id = None
