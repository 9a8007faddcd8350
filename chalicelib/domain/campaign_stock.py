"""A campaign's stock, spread over shards, and each member's share of it.

A flash sale sends every buyer at one SKU. Kept in one aggregate, that SKU would
serialise every order on one record — on DynamoDB one partition key, capped at
about 1,000 writes per second, and far less under optimistic retries. So the
units set aside for a campaign SKU are split over N `CampaignStock` shards, each
its own aggregate (its own partition key); an order takes its units from one
shard, and a conflict on one shard never blocks the others. Each shard counts
exactly under optimistic concurrency, so the sold count — the sum over the
shards — is exact, and no shard ever goes below zero.

`CampaignEntry` holds one member's units in one campaign, so the per-member
limit holds even when the same member orders twice at once.

A cancelled or refunded order gives all its units back (`give_back`); an
after-sales request of a campaign order gives back only its units
(`give_back_part`, a separate event), and a later whole give-back gives back
only what the order still holds.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from .errors import CampaignLimitReached, DomainError, OutOfStock
from .ids import campaign_entry_id_for, campaign_stock_id_for


def split_stock(quantity: int, shards: int) -> list[int]:
    """`quantity` units over `shards` shards, the first ones one unit larger."""
    return [quantity // shards + (1 if n < quantity % shards else 0) for n in range(shards)]


class CampaignStock(Aggregate):
    @staticmethod
    def create_id(campaign_id: UUID, sku_id: str, shard: int) -> UUID:
        return campaign_stock_id_for(campaign_id, sku_id, shard)

    class Allocated(Aggregate.Created):
        campaign_id: UUID
        sku_id: str
        shard: int
        quantity: int

    @event(Allocated)
    def __init__(self, campaign_id: UUID, sku_id: str, shard: int, quantity: int) -> None:
        if quantity < 0:
            raise DomainError("a shard cannot start negative")
        self.campaign_id = campaign_id
        self.sku_id = sku_id
        self.shard = shard
        self.allocated = quantity
        self.available = quantity
        self.taken: dict[str, int] = {}
        self.closed = False

    @property
    def sold(self) -> int:
        """Units held by live orders (unpaid, paid, not refunded)."""
        return sum(self.taken.values())

    def take(self, order_id: UUID, quantity: int) -> None:
        if self.closed or quantity > self.available:
            raise OutOfStock(
                f"only {self.available} left in this shard of {self.sku_id}",
                sku_id=self.sku_id,
                available=0 if self.closed else self.available,
            )
        self._taken(order_id=str(order_id), quantity=quantity)

    class Taken(Aggregate.Event):
        order_id: str
        quantity: int

    @event(Taken)
    def _taken(self, order_id: str, quantity: int) -> None:
        self.available -= quantity
        self.taken[order_id] = quantity

    def give_back(self, order_id: UUID) -> int:
        """Takes back the order's units. Returns how many must go to the SKU's
        regular stock instead: all of them once the shard is closed, else 0."""
        quantity = self.taken.get(str(order_id), 0)
        if not quantity:
            return 0
        self._given_back(order_id=str(order_id), quantity=quantity, to_regular=self.closed)
        return quantity if self.closed else 0

    class GivenBack(Aggregate.Event):
        order_id: str
        quantity: int
        to_regular: bool

    @event(GivenBack)
    def _given_back(self, order_id: str, quantity: int, to_regular: bool) -> None:
        if not to_regular:
            self.available += quantity
        del self.taken[order_id]

    def give_back_part(self, order_id: UUID, quantity: int) -> int:
        """Takes back `quantity` of the order's units (an after-sales refund or
        return of some of them), never more than the order still holds here.
        Returns how many must go to the SKU's regular stock instead: all of
        them once the shard is closed, else 0."""
        if quantity < 1:
            raise DomainError("give back at least one unit")
        quantity = min(quantity, self.taken.get(str(order_id), 0))
        if not quantity:
            return 0
        self._part_given_back(order_id=str(order_id), quantity=quantity, to_regular=self.closed)
        return quantity if self.closed else 0

    class PartGivenBack(Aggregate.Event):
        order_id: str
        quantity: int
        to_regular: bool

    @event(PartGivenBack)
    def _part_given_back(self, order_id: str, quantity: int, to_regular: bool) -> None:
        if not to_regular:
            self.available += quantity
        left = self.taken[order_id] - quantity
        if left:
            self.taken[order_id] = left
        else:
            del self.taken[order_id]

    def holds(self, order_id: UUID) -> int:
        return self.taken.get(str(order_id), 0)

    def close(self, at: datetime) -> int:
        """The campaign ended: returns the unsold units, which go back to the
        SKU's regular stock."""
        if self.closed:
            return 0
        returned = self.available
        self._closed(returned=returned, at=at)
        return returned

    class Closed(Aggregate.Event):
        returned: int
        at: datetime

    @event(Closed)
    def _closed(self, returned: int, at: datetime) -> None:
        self.available = 0
        self.closed = True


class CampaignEntry(Aggregate):
    @staticmethod
    def create_id(campaign_id: UUID, member_id: UUID) -> UUID:
        return campaign_entry_id_for(campaign_id, member_id)

    class Entered(Aggregate.Created):
        campaign_id: UUID
        member_id: UUID

    @event(Entered)
    def __init__(self, campaign_id: UUID, member_id: UUID) -> None:
        self.campaign_id = campaign_id
        self.member_id = member_id
        self.units: dict[str, int] = {}

    @property
    def held(self) -> int:
        return sum(self.units.values())

    def take(self, order_id: UUID, quantity: int, limit: int) -> None:
        if limit and self.held + quantity > limit:
            raise CampaignLimitReached(
                f"at most {limit} per member in this campaign",
                limit=limit,
                held=self.held,
            )
        self._units_taken(order_id=str(order_id), quantity=quantity)

    class UnitsTaken(Aggregate.Event):
        order_id: str
        quantity: int

    @event(UnitsTaken)
    def _units_taken(self, order_id: str, quantity: int) -> None:
        self.units[order_id] = quantity

    def give_back(self, order_id: UUID) -> bool:
        if str(order_id) not in self.units:
            return False
        self._units_given_back(order_id=str(order_id))
        return True

    class UnitsGivenBack(Aggregate.Event):
        order_id: str

    @event(UnitsGivenBack)
    def _units_given_back(self, order_id: str) -> None:
        del self.units[order_id]

    def give_back_part(self, order_id: UUID, quantity: int) -> bool:
        """Frees `quantity` of the order's units (refunded by after-sales),
        never more than the order still holds; False when it holds none."""
        if quantity < 1:
            raise DomainError("give back at least one unit")
        quantity = min(quantity, self.units.get(str(order_id), 0))
        if not quantity:
            return False
        self._units_part_given_back(order_id=str(order_id), quantity=quantity)
        return True

    class UnitsPartGivenBack(Aggregate.Event):
        order_id: str
        quantity: int

    @event(UnitsPartGivenBack)
    def _units_part_given_back(self, order_id: str, quantity: int) -> None:
        left = self.units[order_id] - quantity
        if left:
            self.units[order_id] = left
        else:
            del self.units[order_id]
