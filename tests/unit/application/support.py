"""Helpers for the Shop use-case tests (in-memory event store, fixed clock)."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import datetime
from typing import Any
from uuid import UUID

from chalicelib.adapters.pii import PersonalData
from chalicelib.adapters.pseudonyms import KeyedPseudonyms
from chalicelib.application import EventStore, Shop, ShopPorts, ShopRules
from chalicelib.application.ports import FiledFollower
from chalicelib.bootstrap import build_shop
from chalicelib.clock import Clock
from chalicelib.domain.catalogue import Stock
from chalicelib.domain.ids import stock_id_for
from chalicelib.domain.order import Order
from chalicelib.domain.values import Delivery

from ..domain.given import ADDRESS, PICKUP

EXPRESS = Delivery(method="express")  # the application seals the address it is given

__all__ = [
    "ADDRESS",
    "EXPRESS",
    "PICKUP",
    "MemoryKeys",
    "available",
    "new_shop",
    "rewired",
    "stored_events",
]


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


class KnownFollowers:
    """The follower-lookup port in a dict (unionid key -> the follower as filed)."""

    def __init__(self) -> None:
        self.filed: dict[str, FiledFollower] = {}

    def follower_filed_under(self, unionid_key: str) -> FiledFollower | None:
        return self.filed.get(unionid_key)


class NoPayments:
    """No WeChat Pay in the use-case tests: a test that asks for a prepay fails loudly."""

    def jsapi_prepay(self, **kwargs: Any) -> str:
        raise AssertionError("this test gave the shop no payment gateway")

    def payment_params(self, prepay_id: str) -> dict[str, str]:
        raise AssertionError("this test gave the shop no payment gateway")


def new_shop(clock: Clock, rules: ShopRules | None = None, **ports: Any) -> Shop:
    """Every use case over an in-memory event store, wired as bootstrap wires them;
    the notification fakes stand in for WeChat unless the test passes its own."""
    from .notification_fakes import FakeDirectory, FakeMessenger

    store = EventStore(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock)
    defaults: dict[str, Any] = {
        "vault": PersonalData(MemoryKeys()),
        "payments": NoPayments(),
        "messenger": FakeMessenger(),
        "follower_directory": FakeDirectory(),
        "pseudonyms": KeyedPseudonyms(lambda: b"test-identity-secret"),
        "followers": KnownFollowers(),
    }
    return build_shop(store, rules or ShopRules(), ShopPorts(**(defaults | ports)))


RULES = {f.name for f in fields(ShopRules)}


def rewired(shop: Shop, **changes: Any) -> Shop:
    """The same event store, with some rules or ports changed (as settings would)."""
    rules = replace(shop.rules, **{k: v for k, v in changes.items() if k in RULES})
    ports = replace(shop.ports, **{k: v for k, v in changes.items() if k not in RULES})
    return build_shop(shop.store, rules, ports)


def available(shop: Shop, sku_id: str) -> int:
    stock = shop.store.repository.get(stock_id_for(sku_id))
    assert isinstance(stock, Stock)
    return stock.available


def stored_topics(shop: Shop) -> list[str]:
    """The topic of every event in the store, in the order they were written."""
    return [n.topic for n in shop.store.recorder.select_notifications(start=None, limit=10_000)]


def stored_events(shop: Shop, aggregate_id: UUID) -> list[type[Any]]:
    return [type(e) for e in shop.store.events.get(aggregate_id)]


def pay(
    shop: Shop, order_id: UUID, transaction_id: str = "t-1", at: datetime | None = None
) -> bool:
    order = shop.orders.order(order_id)
    return shop.payments.record_payment(
        out_trade_no=order.out_trade_no,
        transaction_id=transaction_id,
        amount_fen=order.price.payable_fen,
        paid_at=at or shop.clock.now(),
    )


def refund_notified(shop: Shop, order_id: UUID, refund_id: str = "r-1") -> bool:
    order: Order = shop.orders.order(order_id)
    assert order.out_refund_no is not None
    return shop.payments.record_refund(
        out_trade_no=order.out_trade_no,
        out_refund_no=order.out_refund_no,
        refund_id=refund_id,
        amount_fen=order.price.payable_fen,
        refunded_at=shop.clock.now(),
    )
