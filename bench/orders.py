"""Orders placed and paid through the Shop on the embedded default runtime."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from chalicelib.application import EventStore, Shop
from chalicelib.bootstrap import Container, build_shop
from chalicelib.clock import SystemClock
from chalicelib.domain.values import Address, Delivery, Level, SkuSpec
from chalicelib.settings import Settings

from .app_files import AppWrites, Recording
from .raw import Commit, CommitLog, Durability, durability_of

DELIVERY = Delivery(method="express")
BUYERS = 100
ONE_LEVEL = Level(code="regular", name="普通", threshold_fen=0)
ADDRESS = Address("Bench", "13800000000", "Guangdong", "Shenzhen", "Nanshan", "1 Bench Rd")


@dataclass(frozen=True)
class OrdersRun:
    orders: int
    events: int
    """Rows the timed loop wrote to the events table."""
    seconds: float
    commits: tuple[Commit, ...]
    """Every transaction the event store committed, setup included, in order."""
    timed_from: int
    """Index of the timed loop's first commit in `commits`."""
    place_order: tuple[Commit, ...]
    """The commits of the warm-up order's place_order."""
    record_payment: tuple[Commit, ...]
    """The commits of the warm-up order's record_payment."""
    durability: Durability
    """The event store's journal mode and `synchronous`."""
    app_writes: AppWrites
    """Everything else the run wrote: the behaviour log, the views, the keys."""

    @property
    def timed(self) -> tuple[Commit, ...]:
        return self.commits[self.timed_from :]

    @property
    def rows(self) -> int:
        """Rows the timed loop committed, events and snapshots."""
        return sum(len(commit.rows) for commit in self.timed)


def new_container(data_dir: Path) -> Container:
    return Container(Settings(data_dir=data_dir), clock=SystemClock())


def list_sku(shop: Shop, slug: str, sku_id: str, stock: int) -> None:
    shop.catalogue.list_product(
        slug=slug,
        title=f"Bench {slug}",
        category="bench",
        description="Benchmark product.",
        image_url="https://example.invalid/bench.jpg",
        skus=[(SkuSpec(sku_id, "one", 6800), stock)],
    )


def log_in(shop: Shop, openid: str) -> UUID:
    member_id, _ = shop.logins.log_in(openid=openid, unionid=None, scene=None, query={})
    return member_id


def _settle(container: Container, projections: bool) -> None:
    """Waits for the sends the commits so far woke (they run in the background
    sender thread), then for the behaviour projections to take in the facts the
    sends copied into the behaviour log (their own background thread): the run
    includes both, and each mark below sees them."""
    if not projections:
        return
    if not container.follow_on.settle(600):
        raise AssertionError("the outbox sender did not finish")
    if not container.behaviour_follow_on.settle(600):
        raise AssertionError("the behaviour projections did not finish")


def _last(shop: Shop) -> int:
    return int(shop.store.recorder.max_notification_id() or 0)


def _order_and_pay(shop: Shop, member_id: UUID, n: int) -> None:
    order_id = shop.orders.place_order(
        member_id=member_id, items=[("BENCH-1", 1)], delivery=DELIVERY, address=ADDRESS
    )
    shop.payments.record_payment(
        out_trade_no=order_id.hex,
        transaction_id=f"t{n}",
        amount_fen=shop.orders.order(order_id).price.payable_fen,  # the level's price may change
        paid_at=shop.clock.now(),
    )


def run_orders(data_dir: Path, orders: int, *, projections: bool) -> tuple[Container, OrdersRun]:
    """Places and pays `orders` orders; returns the (open) container and timings,
    with the event store's commits recorded from the first one."""
    container = new_container(data_dir)
    copies = data_dir / "bench-copies"
    copies.mkdir(parents=True)
    recording = Recording(container, copies)
    if projections:
        shop = container.shop
    else:  # the same use cases over a store that starts no follow-on work
        store = EventStore(env=container.runtime.persistence_env(), clock=container.clock)
        shop = build_shop(store, container.rules, container.ports)
    log = CommitLog(shop.store)
    list_sku(shop, "bench", "BENCH-1", orders + 10)
    # A shop's orders come from many members: 100 regulars share the run.
    buyers = [log_in(shop, f"o-bench-buyer-{i}") for i in range(BUYERS)]
    member_id = buyers[0]
    shop.loyalty.define_levels([ONE_LEVEL])  # every order writes the same events: no level changes
    _settle(container, projections)

    # Warm-up order, untimed: shows the commits of each command.
    before = log.mark()
    order_id = shop.orders.place_order(
        member_id=member_id, items=[("BENCH-1", 1)], delivery=DELIVERY, address=ADDRESS
    )
    _settle(container, projections)
    placed = log.mark()
    payable = shop.orders.order(order_id).price.payable_fen
    shop.payments.record_payment(
        out_trade_no=order_id.hex,
        transaction_id="t-warm",
        amount_fen=payable,
        paid_at=container.now(),
    )
    _settle(container, projections)
    paid = log.mark()

    first = _last(shop)
    timed_from = log.mark()
    recording.mark()
    start = time.perf_counter()
    for n in range(orders):
        _order_and_pay(shop, buyers[n % BUYERS], n)
    _settle(container, projections)
    seconds = time.perf_counter() - start
    events = _last(shop) - first
    commits = tuple(log.commits)
    app_writes = recording.stop()
    recorded = sum(len(c.rows) for c in commits[timed_from:] if c.table == "events")
    if events != recorded:  # the commit log must have seen every write of the run
        raise AssertionError(f"the log grew by {events} events, the commits hold {recorded}")
    run = OrdersRun(
        orders,
        events,
        seconds,
        commits,
        timed_from,
        commits[before:placed],
        commits[placed:paid],
        durability_of(shop.store),
        app_writes,
    )
    return container, run
