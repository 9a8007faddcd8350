"""Flash sale under contention: threads of buyers racing for one campaign SKU
(its units spread over stock shards). Sold must equal stock exactly.

The limit does the same work: the same threads placing and paying flash-sale
orders without contention, each in a flash sale of its own (its own campaign,
SKU and 8 shards), so every order loads and saves a campaign, a member's entry
and a shard as in the race; only the race's conflicts, retries and sold-out
buyers are left out. Ordinary orders, each thread on a SKU of its own, are a
second row: they leave out the campaign's work too, and are what the figures
before this limit were measured against.

Both runs' buyers are the same members, each with a personal-data key made
before either run (as a member who has given an address before has one): a
member's first sealed address writes the key (a FULL-synchronous commit to the
keys store), and without this the race paid that write for every buyer while
the ordinary orders, by the same members, mostly found their keys made."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from uuid import UUID

from chalicelib.application import Shop
from chalicelib.application.campaign_orders import OrderTerms
from chalicelib.bootstrap import Container
from chalicelib.domain.errors import OutOfStock
from chalicelib.domain.values import CampaignItem, CampaignRules

from .orders import ADDRESS, DELIVERY, list_sku, log_in

FLASH_SKU = "BENCH-FLASH"


@dataclass
class FlashRun:
    stock: int
    threads: int
    shards: int = 0
    sold: int = 0
    left: int = -1
    contended_seconds: float = 0.0
    uncontended_orders: int = 0
    uncontended_seconds: float = 0.0
    """The ordinary orders: each thread on a SKU of its own."""
    spread_orders: int = 0
    spread_seconds: float = 0.0
    """The same flash-sale orders uncontended: each thread on a campaign of its own."""
    outcomes: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return (
            self.sold == self.stock
            and self.left == 0
            and set(self.outcomes)
            <= {
                "sold",
                "sold out",
            }
        )


def _pay(container: Container, order_id: UUID, n: int) -> None:
    shop = container.shop
    shop.payments.record_payment(
        out_trade_no=order_id.hex,
        transaction_id=f"flash-{n}",
        amount_fen=shop.orders.order(order_id).price.payable_fen,
        paid_at=container.now(),
    )


def _in_threads(threads: int, work: Callable[[int], None]) -> float:
    barrier = threading.Barrier(threads + 1)

    def run(t: int) -> None:
        barrier.wait()
        work(t)

    pool = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
    for thread in pool:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in pool:
        thread.join()
    return time.perf_counter() - start


def _define(shop: Shop, stock: int, code: str = "bench-flash", sku_id: str = FLASH_SKU) -> int:
    now = shop.clock.now()
    shop.campaigns.define_campaign(
        code=code,
        kind="flash_sale",
        title="Bench flash sale",
        items=[CampaignItem(sku_id, 990, stock)],
        starts_at=now,
        ends_at=now + timedelta(hours=1),
        per_member_limit=1,
        rules=CampaignRules(),
    )
    return shop.campaigns.start_campaign(code).shards


def run_flash(container: Container, *, stock: int = 300, threads: int = 16) -> FlashRun:
    shop = container.shop
    result = FlashRun(stock, threads)
    list_sku(shop, "bench-flash", FLASH_SKU, stock)
    for t in range(threads):
        list_sku(shop, f"bench-own-{t}", f"BENCH-OWN-{t}", stock)
        list_sku(shop, f"bench-flash-{t}", f"{FLASH_SKU}-{t}", stock)
        _define(shop, stock, f"bench-flash-{t}", f"{FLASH_SKU}-{t}")
    result.shards = _define(shop, stock)
    buyers = [log_in(shop, f"o-flash-{n}") for n in range(stock + stock // 4)]
    for buyer in buyers:
        container.vault.seal(buyer, "bench")
    lock = threading.Lock()

    def flash_order(code: str, sku_id: str, n: int, paid_as: int) -> None:
        order_id = shop.flash_sale.place_flash_order(
            code,
            member_id=buyers[n],
            sku_id=sku_id,
            quantity=1,
            terms=OrderTerms(DELIVERY, address=ADDRESS),
        )
        _pay(container, order_id, paid_as)

    def race(t: int) -> None:
        for n in range(t, len(buyers), threads):
            try:
                flash_order("bench-flash", FLASH_SKU, n, n)
                outcome = "sold"
            except OutOfStock:
                outcome = "sold out"
            except Exception as error:  # reported, and makes the check fail
                outcome = type(error).__name__
            with lock:
                result.outcomes[outcome] += 1
                result.sold += outcome == "sold"

    result.contended_seconds = _in_threads(threads, race)
    result.left = shop.campaigns.campaign_stock("bench-flash")[FLASH_SKU]["left"]
    per_thread = max(1, result.sold // threads)

    def own_campaign(t: int) -> None:
        for k in range(per_thread):
            n = t * per_thread + k
            flash_order(f"bench-flash-{t}", f"{FLASH_SKU}-{t}", n, 200_000 + n)

    def own_sku(t: int) -> None:
        for k in range(per_thread):
            n = t * per_thread + k
            order_id = shop.orders.place_order(
                member_id=buyers[n],
                items=[(f"BENCH-OWN-{t}", 1)],
                delivery=DELIVERY,
                address=ADDRESS,
            )
            _pay(container, order_id, 100_000 + n)

    result.spread_seconds = _in_threads(threads, own_campaign)
    result.spread_orders = per_thread * threads
    result.uncontended_seconds = _in_threads(threads, own_sku)
    result.uncontended_orders = per_thread * threads
    return result
