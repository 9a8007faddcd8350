"""Value objects carried by events. Money is always integer fen."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class SkuSpec:
    sku_id: str
    name: str
    price_fen: int


@dataclass(frozen=True)
class OrderLine:
    product_id: str
    sku_id: str
    title: str
    unit_price_fen: int
    quantity: int

    @property
    def total_fen(self) -> int:
        return self.unit_price_fen * self.quantity


@dataclass(frozen=True)
class Address:
    receiver: str
    phone: str
    province: str
    city: str
    district: str
    detail: str


class DeliveryMethod(StrEnum):
    EXPRESS = "express"
    PICKUP = "pickup"


@dataclass(frozen=True)
class Delivery:
    method: str
    address: Address | None = None
    store_id: str | None = None

    @property
    def is_pickup(self) -> bool:
        return self.method == DeliveryMethod.PICKUP


@dataclass(frozen=True)
class PriceBreakdown:
    items_fen: int
    discount_fen: int
    shipping_fen: int
    payable_fen: int


VALUE_TYPES: tuple[type, ...] = (SkuSpec, OrderLine, Address, Delivery, PriceBreakdown)
