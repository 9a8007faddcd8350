"""Oversell check: concurrent buyers of a scarce SKU must sell exactly the stock."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field

from chalicelib.bootstrap import Container
from chalicelib.domain.catalogue import Stock
from chalicelib.domain.errors import OutOfStock
from chalicelib.domain.ids import stock_id_for

from .orders import ADDRESS, DELIVERY, list_sku, log_in

SKU = "BENCH-SCARCE"


@dataclass
class Oversell:
    stock: int
    buyers: int
    sold: int = 0
    left: int = -1
    """Units the Stock aggregate still has available afterwards."""
    outcomes: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return self.sold == self.stock and self.left == 0


def run_oversell(container: Container, *, buyers: int = 50, stock: int = 10) -> Oversell:
    shop = container.shop
    list_sku(shop, "bench-scarce", SKU, stock)
    members = [log_in(shop, f"o-scarce-{n}") for n in range(buyers)]
    result = Oversell(stock, buyers)
    lock = threading.Lock()
    barrier = threading.Barrier(buyers)

    def buy(member_index: int) -> None:
        barrier.wait()
        try:
            shop.orders.place_order(
                member_id=members[member_index],
                items=[(SKU, 1)],
                delivery=DELIVERY,
                address=ADDRESS,
            )
            outcome = "sold"
        except OutOfStock:
            outcome = "out of stock"
        except Exception as error:  # reported, and makes the check fail
            outcome = type(error).__name__
        with lock:
            result.outcomes[outcome] += 1
            result.sold += outcome == "sold"

    threads = [threading.Thread(target=buy, args=(n,)) for n in range(buyers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.left = shop.store.load(Stock, stock_id_for(SKU), "SKU").available
    return result
