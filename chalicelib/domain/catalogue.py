"""Catalogue aggregates: a Product lists SKUs and prices; a Stock counts one SKU.

Stock is its own aggregate per SKU so that orders for different SKUs never
contend, and orders for the same SKU are serialised by optimistic concurrency:
two reservations of the last unit cannot both commit.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from .errors import DomainError, OutOfStock
from .ids import product_id_for, stock_id_for
from .price_schedule import PriceChange, PricePlan
from .values import SkuSpec


class NotOnSale(DomainError):
    code = "not_on_sale"


class UnknownSku(DomainError):
    code = "unknown_sku"


class Product(Aggregate):
    @staticmethod
    def create_id(slug: str) -> UUID:
        return product_id_for(slug)

    class Listed(Aggregate.Created):
        slug: str
        title: str
        category: str
        description: str
        image_url: str
        skus: list[SkuSpec]

    @event(Listed)
    def __init__(
        self,
        slug: str,
        title: str,
        category: str,
        description: str,
        image_url: str,
        skus: list[SkuSpec],
    ) -> None:
        self.slug = slug
        self.title = title
        self.category = category
        self.description = description
        self.image_url = image_url
        self.skus = list(skus)
        self.images: list[str] = []
        self.on_sale = True
        self.off_sale_skus: set[str] = set()
        self.plans = {spec.sku_id: PricePlan(spec.price_fen) for spec in skus}

    def sku(self, sku_id: str) -> SkuSpec | None:
        return next((s for s in self.skus if s.sku_id == sku_id), None)

    def price_at(self, sku_id: str, moment: datetime) -> int:
        return self.plans[sku_id].price_at(moment)

    def require_on_sale(self, sku_id: str) -> None:
        """NotOnSale when the product or this SKU is off sale."""
        if not self.on_sale:
            raise NotOnSale(f"{self.title} is off sale", product_id=str(self.id))
        if sku_id in self.off_sale_skus:
            raise NotOnSale(f"SKU {sku_id} is off sale", sku_id=sku_id)

    def _known(self, sku_id: str) -> SkuSpec:
        spec = self.sku(sku_id)
        if spec is None:
            raise UnknownSku(f"no SKU {sku_id!r} in {self.slug}", sku_id=sku_id)
        return spec

    class Edited(Aggregate.Event):
        title: str
        category: str
        description: str
        image_url: str
        images: list[str]

    @event(Edited)
    def edit(
        self, title: str, category: str, description: str, image_url: str, images: list[str]
    ) -> None:
        self.title = title
        self.category = category
        self.description = description
        self.image_url = image_url
        self.images = list(images)

    def reprice(
        self, sku_id: str, price_fen: int, effective_at: datetime, decided_at: datetime
    ) -> None:
        """A new price for the SKU from `effective_at` (never before the decision)."""
        self._known(sku_id)
        if price_fen <= 0:
            raise DomainError("a price is at least 1 fen", sku_id=sku_id)
        when = max(effective_at, decided_at)
        self._repriced(sku_id=sku_id, price_fen=price_fen, effective_at=when, decided_at=decided_at)

    class SkuRepriced(Aggregate.Event):
        sku_id: str
        price_fen: int
        effective_at: datetime
        decided_at: datetime

    @event(SkuRepriced)
    def _repriced(
        self, sku_id: str, price_fen: int, effective_at: datetime, decided_at: datetime
    ) -> None:
        plan = self.plans[sku_id].decide(PriceChange(effective_at, price_fen), decided_at)
        self.plans[sku_id] = plan
        self.skus = [
            SkuSpec(s.sku_id, s.name, plan.base_fen) if s.sku_id == sku_id else s for s in self.skus
        ]

    def add_sku(self, spec: SkuSpec) -> None:
        if self.sku(spec.sku_id) is not None:
            raise DomainError(f"{self.slug} already has SKU {spec.sku_id}", sku_id=spec.sku_id)
        self._sku_added(sku=spec)

    class SkuAdded(Aggregate.Event):
        sku: SkuSpec

    @event(SkuAdded)
    def _sku_added(self, sku: SkuSpec) -> None:
        self.skus.append(sku)
        self.plans[sku.sku_id] = PricePlan(sku.price_fen)

    def set_on_sale(self, on_sale: bool) -> bool:
        """Takes the product off sale or back; False when it already was."""
        if self.on_sale == on_sale:
            return False
        if on_sale:
            self._put_on_sale()
        else:
            self._taken_off_sale()
        return True

    class TakenOffSale(Aggregate.Event):
        pass

    @event(TakenOffSale)
    def _taken_off_sale(self) -> None:
        self.on_sale = False

    class PutOnSale(Aggregate.Event):
        pass

    @event(PutOnSale)
    def _put_on_sale(self) -> None:
        self.on_sale = True

    def set_sku_on_sale(self, sku_id: str, on_sale: bool) -> bool:
        """Takes one SKU off sale or back; False when it already was."""
        self._known(sku_id)
        if (sku_id not in self.off_sale_skus) == on_sale:
            return False
        if on_sale:
            self._sku_put_on_sale(sku_id=sku_id)
        else:
            self._sku_taken_off_sale(sku_id=sku_id)
        return True

    class SkuTakenOffSale(Aggregate.Event):
        sku_id: str

    @event(SkuTakenOffSale)
    def _sku_taken_off_sale(self, sku_id: str) -> None:
        self.off_sale_skus.add(sku_id)

    class SkuPutOnSale(Aggregate.Event):
        sku_id: str

    @event(SkuPutOnSale)
    def _sku_put_on_sale(self, sku_id: str) -> None:
        self.off_sale_skus.discard(sku_id)


class Stock(Aggregate):
    """Units of one SKU on regular sale. With a low-stock threshold, each fall
    to or below it (from above it) records a RanLow event numbered by crossing;
    rising above it again re-arms the next one."""

    low_stock_threshold: int | None = None  # defaults for snapshots taken before
    low_crossings = 0
    is_low = False

    @staticmethod
    def create_id(sku_id: str) -> UUID:
        return stock_id_for(sku_id)

    class Stocked(Aggregate.Created):
        sku_id: str
        product_id: str
        quantity: int

    @event(Stocked)
    def __init__(self, sku_id: str, product_id: str, quantity: int) -> None:
        if quantity < 0:
            raise DomainError("stock cannot start negative", sku_id=sku_id)
        self.sku_id = sku_id
        self.product_id = product_id
        self.available = quantity

    def reserve(self, order_id: UUID, quantity: int) -> None:
        if quantity > self.available:
            raise OutOfStock(
                f"only {self.available} left of {self.sku_id}",
                sku_id=self.sku_id,
                available=self.available,
            )
        self._reserved(order_id=str(order_id), quantity=quantity)
        self._check_low()

    class Reserved(Aggregate.Event):
        order_id: str
        quantity: int

    @event(Reserved)
    def _reserved(self, order_id: str, quantity: int) -> None:
        self.available -= quantity

    def release(self, order_id: UUID, quantity: int) -> None:
        self._released(order_id=str(order_id), quantity=quantity)

    class Released(Aggregate.Event):
        order_id: str
        quantity: int

    @event(Released)
    def _released(self, order_id: str, quantity: int) -> None:
        self.available += quantity
        self._rearm()

    def restock(self, quantity: int) -> None:
        if quantity <= 0:
            raise DomainError("restock quantity must be positive", sku_id=self.sku_id)
        self._restocked(quantity=quantity)

    class Restocked(Aggregate.Event):
        quantity: int

    @event(Restocked)
    def _restocked(self, quantity: int) -> None:
        self.available += quantity
        self._rearm()

    def allocate(self, campaign_id: UUID, quantity: int) -> None:
        """Sets units aside for a campaign (its own sharded stock)."""
        if quantity > self.available:
            raise OutOfStock(
                f"only {self.available} of {self.sku_id} to set aside",
                sku_id=self.sku_id,
                available=self.available,
            )
        self._allocated(campaign_id=str(campaign_id), quantity=quantity)
        self._check_low()

    class Allocated(Aggregate.Event):
        campaign_id: str
        quantity: int

    @event(Allocated)
    def _allocated(self, campaign_id: str, quantity: int) -> None:
        self.available -= quantity

    def deallocate(self, campaign_id: UUID, quantity: int) -> None:
        """A campaign ended: its unsold units are on regular sale again."""
        self._deallocated(campaign_id=str(campaign_id), quantity=quantity)

    class Deallocated(Aggregate.Event):
        campaign_id: str
        quantity: int

    @event(Deallocated)
    def _deallocated(self, campaign_id: str, quantity: int) -> None:
        self.available += quantity
        self._rearm()

    def set_low_stock_threshold(self, threshold: int | None) -> None:
        """At or below `threshold` units the operators hear of it (None: never)."""
        if threshold is not None and threshold < 0:
            raise DomainError("a threshold is 0 or more units", sku_id=self.sku_id)
        if threshold != self.low_stock_threshold:
            self._threshold_set(threshold=threshold)
        self._check_low()

    class LowStockThresholdSet(Aggregate.Event):
        threshold: int | None

    @event(LowStockThresholdSet)
    def _threshold_set(self, threshold: int | None) -> None:
        self.low_stock_threshold = threshold
        self._rearm()

    class RanLow(Aggregate.Event):
        sku_id: str
        product_id: str
        crossing: int
        available: int
        threshold: int

    @event(RanLow)
    def _ran_low(
        self, sku_id: str, product_id: str, crossing: int, available: int, threshold: int
    ) -> None:
        self.low_crossings = crossing
        self.is_low = True

    def _check_low(self) -> None:
        threshold = self.low_stock_threshold
        if threshold is not None and not self.is_low and self.available <= threshold:
            self._ran_low(
                sku_id=self.sku_id,
                product_id=self.product_id,
                crossing=self.low_crossings + 1,
                available=self.available,
                threshold=threshold,
            )

    def _rearm(self) -> None:
        """Rising above the threshold (or dropping it) arms the next crossing."""
        threshold = self.low_stock_threshold
        if threshold is None or self.available > threshold:
            self.is_low = False
