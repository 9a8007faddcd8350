"""Helpers for the Shop use-case tests (in-memory event store, fixed clock)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from chalicelib.application import Shop
from chalicelib.domain.catalogue import Stock
from chalicelib.domain.ids import stock_id_for
from chalicelib.domain.order import Order
from chalicelib.domain.values import Delivery

from ..domain.given import ADDRESS, PICKUP

EXPRESS = Delivery(method="express")  # the application seals the address it is given

__all__ = ["ADDRESS", "EXPRESS", "PICKUP", "MemoryKeys", "available", "stored_events"]


class MemoryKeys:
    """The key store port in a dict: application tests do no I/O."""

    def __init__(self) -> None:
        self.keys: dict[UUID, bytes] = {}

    def get(self, member_id: UUID) -> bytes | None:
        return self.keys.get(member_id)

    def put_if_absent(self, member_id: UUID, key: bytes) -> bytes:
        return self.keys.setdefault(member_id, key)

    def delete(self, member_id: UUID) -> None:
        self.keys.pop(member_id, None)


def available(shop: Shop, sku_id: str) -> int:
    stock = shop.repository.get(stock_id_for(sku_id))
    assert isinstance(stock, Stock)
    return stock.available


def stored_topics(shop: Shop) -> list[str]:
    """The topic of every event in the store, in the order they were written."""
    return [n.topic for n in shop.recorder.select_notifications(start=None, limit=10_000)]


def stored_events(shop: Shop, aggregate_id: UUID) -> list[type[Any]]:
    return [type(e) for e in shop.events.get(aggregate_id)]


def pay(
    shop: Shop, order_id: UUID, transaction_id: str = "t-1", at: datetime | None = None
) -> bool:
    order = shop.order(order_id)
    return shop.record_payment(
        out_trade_no=order.out_trade_no,
        transaction_id=transaction_id,
        amount_fen=order.price.payable_fen,
        paid_at=at or shop.clock.now(),
    )


def refund_notified(shop: Shop, order_id: UUID, refund_id: str = "r-1") -> bool:
    order: Order = shop.order(order_id)
    assert order.out_refund_no is not None
    return shop.record_refund(
        out_trade_no=order.out_trade_no,
        out_refund_no=order.out_refund_no,
        refund_id=refund_id,
        amount_fen=order.price.payable_fen,
        refunded_at=shop.clock.now(),
    )
