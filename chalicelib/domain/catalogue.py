"""Catalogue aggregates: a Product lists SKUs and prices; a Stock counts one SKU.

Stock is its own aggregate per SKU so that orders for different SKUs never
contend, and orders for the same SKU are serialised by optimistic concurrency:
two reservations of the last unit cannot both commit.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from .errors import DomainError, OutOfStock
from .ids import product_id_for, stock_id_for
from .values import SkuSpec


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

    def sku(self, sku_id: str) -> SkuSpec | None:
        return next((s for s in self.skus if s.sku_id == sku_id), None)


class Stock(Aggregate):
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

    def restock(self, quantity: int) -> None:
        if quantity <= 0:
            raise DomainError("restock quantity must be positive", sku_id=self.sku_id)
        self._restocked(quantity=quantity)

    class Restocked(Aggregate.Event):
        quantity: int

    @event(Restocked)
    def _restocked(self, quantity: int) -> None:
        self.available += quantity

    def allocate(self, campaign_id: UUID, quantity: int) -> None:
        """Sets units aside for a campaign (its own sharded stock)."""
        if quantity > self.available:
            raise OutOfStock(
                f"only {self.available} of {self.sku_id} to set aside",
                sku_id=self.sku_id,
                available=self.available,
            )
        self._allocated(campaign_id=str(campaign_id), quantity=quantity)

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
