"""A simulated shop for the analytics bench: members registering over 90
Beijing days from realistic entries (official-account menu and articles,
template messages, chat cards and invitations, offline and poster codes),
coming back, reporting what the mini-program saw (POST /track batches through
the tracking use case), placing orders (some in a flash sale, some with a
coupon claimed for them: 满减 or 折扣), paying most of them and getting a few
refunded. Everything goes through the application's use cases, in time order,
on an injected clock; the seed makes every run the same.

The shop runs as the embedded runtime does: every commit wakes the follow-on
work (projections, the outbox, the facts mirrored into the behaviour log) and
every batch tracked wakes the behaviour projections, in background threads.
Nothing here is timed; the batches tracked are kept, in order, for the `/track`
measurement (bench/analytics.py) to send again into a quiet log."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from chalicelib.application import Shop
from chalicelib.application.campaign_orders import OrderTerms
from chalicelib.bootstrap import Container
from chalicelib.clock import FixedClock
from chalicelib.domain.behaviour import MAX_ITEMS, install_subject, member_subject
from chalicelib.domain.calendar import beijing_date
from chalicelib.domain.values import CampaignItem, CampaignRules, CouponTerms, SkuSpec
from chalicelib.settings import Settings

from .orders import ADDRESS, DELIVERY

START = datetime(2026, 8, 3, 16, 0, tzinfo=UTC)
"""Midnight in Beijing: day 0 of the simulation."""
DAYS = 90
FIRST_DAY = beijing_date(START)
LAST_DAY = FIRST_DAY + timedelta(days=DAYS - 1)
EVENTS_PER_VISIT = 8
"""The mean number of behaviour events one visit reports (one batch per visit)."""
PRODUCTS = 12
PAID, REFUNDED = 0.9, 0.04
"""Shares of orders paid, and of paid orders refunded."""
ARTICLES = tuple(str(n) for n in range(101, 113))
STORES = tuple(f"store-{n}" for n in range(1, 6))
ENTRIES: tuple[tuple[int, int, Callable[[random.Random], dict[str, str]]], ...] = (
    (20, 1035, lambda r: {"from": "menu", "type": "home"}),
    (25, 1058, lambda r: {"from": "article", "id": r.choice(ARTICLES)}),
    (8, 1043, lambda r: {"from": "template", "type": "shipping"}),
    (15, 1007, lambda r: {}),
    (10, 1011, lambda r: {"from": "offline", "id": r.choice(STORES)}),
    (7, 1047, lambda r: {"from": "poster"}),
    (15, 1001, lambda r: {}),
)
"""(weight, WeChat scene, the query it comes with): menu 1035, article 1058,
template message 1043, chat card 1007 (an invitation when it names the
inviter), offline QR 1011, mini-program code 1047, the recent list 1001."""
CAMPAIGN, FLASH_SKU = "tea-flash", "AN-0"
FLASH_TERMS = OrderTerms(DELIVERY, ADDRESS)
COUPONS = {
    "full50": CouponTerms(kind="threshold", amount_fen=1000, threshold_fen=5000),
    "eighty": CouponTerms(kind="discount", rate_percent=80),
}
FLASH, WITH_COUPON = 0.1, 0.3
"""Shares of orders placed in the flash sale, and with a coupon claimed for them."""
PATHS = ("pages/index/index", "pages/category/index", "pages/cart/index", "pages/me/index")
SEARCHES = ("茶", "绿茶", "礼盒", "杯", "tea")


@dataclass(frozen=True)
class Scale:
    members: int
    events: int
    """Behaviour events reported through the tracking use case."""
    orders: int

    @classmethod
    def of(cls, factor: float) -> Scale:
        """factor 1: 2,000 members, 30,000 behaviour events, 2,000 orders."""
        return cls(
            max(4, round(2000 * factor)),
            max(40, round(30000 * factor)),
            max(4, round(2000 * factor)),
        )

    def quarter(self) -> Scale:
        return Scale(max(1, self.members // 4), max(1, self.events // 4), max(1, self.orders // 4))


@dataclass(frozen=True)
class Batch:
    """One call of the tracking use case, as the simulation made it."""

    at: datetime
    subject: str
    items: list[dict[str, Any]]


@dataclass
class Simulated:
    """The shop after the run: its container (open) and what the run did."""

    container: Container
    scale: Scale
    batches: list[Batch] = field(default_factory=list)
    accepted: int = 0
    orders: int = 0
    paid: int = 0
    refunded: int = 0


@dataclass(frozen=True)
class _Visit:
    at: datetime
    member: int
    registers: bool
    scene: int
    query: dict[str, str]
    events: int
    orders: bool


def _plan(rng: random.Random, scale: Scale) -> list[_Visit]:
    """Every visit of the run, in time order: each member's registering one
    on a random day, the others on later days; orders follow visits."""
    joined = [
        START + timedelta(seconds=rng.uniform(0, DAYS * 86400 - 7200)) for _ in range(scale.members)
    ]
    visits = max(scale.members, scale.events // EVENTS_PER_VISIT)
    moments = [(joined[m], m, True) for m in range(scale.members)]
    for _ in range(visits - scale.members):
        m = rng.randrange(scale.members)
        left = START + timedelta(days=DAYS, seconds=-7200) - joined[m]
        moments.append((joined[m] + rng.random() * left, m, False))
    moments.sort()
    ordering = set(rng.sample(range(len(moments)), min(scale.orders, len(moments))))
    weights = [w for w, _, _ in ENTRIES]
    plan = []
    for n, (at, m, registers) in enumerate(moments):
        _, scene, query = rng.choices(ENTRIES, weights)[0]
        plan.append(
            _Visit(
                at,
                m,
                registers,
                scene,
                query(rng),
                rng.randint(2, 2 * EVENTS_PER_VISIT - 2),
                n in ordering,
            )
        )
    return plan


def _behaviour(
    rng: random.Random, visit: _Visit, n: int, products: list[str]
) -> list[dict[str, Any]]:
    """What the mini-program reports of one visit: a launch, then page and
    product views, searches and shares, and the checkout when it orders."""
    at = visit.at.isoformat()
    launch: dict[str, Any] = {
        "kind": "launch",
        "scene": visit.scene,
        "query": visit.query,
        "path": PATHS[0],
    }
    if visit.scene == 1007 and rng.random() < 0.5:
        launch["inviter"] = f"m{rng.randrange(max(1, visit.member))}"
    items = [launch]
    while len(items) < visit.events - visit.orders:
        kind = rng.choices(("page_view", "product_view", "search", "share"), (35, 45, 12, 8))[0]
        if kind == "page_view":
            items.append({"kind": kind, "path": rng.choice(PATHS), "query": {}})
        elif kind == "product_view":
            items.append({"kind": kind, "product_id": rng.choice(products)})
        elif kind == "search":
            items.append(
                {"kind": kind, "text": rng.choice(SEARCHES), "result_count": rng.randint(0, 30)}
            )
        else:
            items.append(
                {
                    "kind": kind,
                    "path": PATHS[0],
                    "channel": rng.choice(("chat", "moments", "poster")),
                }
            )
    if visit.orders:
        items.append({"kind": "checkout_view"})
    return [{"id": f"v{n}-{k}", "at": at, **item} for k, item in enumerate(items)]


def _price(n: int) -> int:
    return 1900 + 700 * n


def _list_products(shop: Shop, stock: int) -> tuple[list[str], list[str]]:
    """The catalogue: PRODUCTS products of one SKU each; (product ids, SKU ids)."""
    ids, skus = [], []
    for n in range(PRODUCTS):
        sku = f"AN-{n}"
        product = shop.catalogue.list_product(
            slug=f"analytics-{n}",
            title=f"茶 {n}",
            category="tea",
            description="Bench tea.",
            image_url="https://example.invalid/tea.jpg",
            skus=[(SkuSpec(sku, "one", _price(n)), stock)],
        )
        ids.append(str(product))
        skus.append(sku)
    return ids, skus


def _promotions(shop: Shop, stock: int) -> None:
    """A flash sale on the first SKU over the whole run, and two coupons to
    claim: 满减 (10 yuan off 50) and 折扣 (20% off)."""
    shop.campaigns.define_campaign(
        code=CAMPAIGN,
        kind="flash_sale",
        title="秒杀 · 茶",
        items=[CampaignItem(FLASH_SKU, 990, stock)],
        starts_at=START,
        ends_at=START + timedelta(days=DAYS + 1),
        per_member_limit=stock,
        rules=CampaignRules(),
        shards=1,
    )
    shop.campaigns.start_campaign(CAMPAIGN)
    for code, terms in COUPONS.items():
        shop.coupons.define_coupon_template(
            code=code,
            title=code,
            terms=terms,
            trigger="claim",
            starts_at=None,
            ends_at=None,
            valid_days=30,
            total_quantity=0,
            per_member_limit=stock,
        )


class _Runner:
    def __init__(self, sim: Simulated, shop: Shop, clock: FixedClock, rng: random.Random) -> None:
        self.sim, self.shop, self.clock, self.rng = sim, shop, clock, rng
        self.tracking = sim.container.tracking
        self.products, self.skus = _list_products(shop, sim.scale.orders + 10)
        _promotions(shop, sim.scale.orders + 10)

    def track(self, subject: str, items: list[dict[str, Any]]) -> None:
        for first in range(0, len(items), MAX_ITEMS):
            batch = Batch(self.clock.now(), subject, items[first : first + MAX_ITEMS])
            answer = self.tracking.track(subject, batch.items)
            if answer.rejected or answer.duplicates:
                raise AssertionError(f"the tracking use case refused the bench's events: {answer}")
            self.sim.accepted += answer.accepted
            self.sim.batches.append(batch)

    def visit(self, n: int, visit: _Visit) -> None:
        self.clock.set(visit.at)
        items = _behaviour(self.rng, visit, n, self.products)
        openid = f"o-analytics-{visit.member}"
        if visit.registers:  # the launch is reported before login, by the install
            install = f"install-{visit.member:06d}"
            self.track(install_subject(install), items[:1])
            items = items[1:]
        member_id, _ = self.shop.logins.log_in(
            openid=openid, unionid=None, scene=visit.scene, query=visit.query
        )
        if visit.registers:
            self.tracking.link_install(install, member_id)
        if items:
            self.track(member_subject(member_id), items)
        if visit.orders:
            self.order(member_id)

    def place(self, member_id: UUID) -> UUID:
        """A flash-sale order, an order with a coupon claimed for it, or a plain one."""
        chance = self.rng.random()
        if chance < FLASH:
            return self.shop.flash_sale.place_flash_order(
                CAMPAIGN, member_id=member_id, sku_id=FLASH_SKU, quantity=1, terms=FLASH_TERMS
            )
        n = self.rng.randrange(1, PRODUCTS)
        quantity = self.rng.randint(1, 3)
        coupon_id = None
        if chance < FLASH + WITH_COUPON:
            code = "full50" if _price(n) * quantity >= 5000 else "eighty"
            coupon_id = self.shop.coupons.claim_coupon(member_id, code).coupon_id
        return self.shop.orders.place_order(
            member_id=member_id,
            items=[(self.skus[n], quantity)],
            delivery=DELIVERY,
            address=ADDRESS,
            coupon_id=coupon_id,
        )

    def order(self, member_id: UUID) -> None:
        self.clock.advance(minutes=5)
        order_id = self.place(member_id)
        self.sim.orders += 1
        if self.rng.random() >= PAID:
            return
        self.clock.advance(minutes=2)
        payable = self.shop.orders.order(order_id).price.payable_fen
        self.shop.payments.record_payment(
            out_trade_no=order_id.hex,
            transaction_id=f"t-{order_id.hex}",
            amount_fen=payable,
            paid_at=self.clock.now(),
        )
        self.sim.paid += 1
        if self.rng.random() >= REFUNDED:
            return
        self.clock.advance(minutes=30)
        refund_no = self.shop.orders.refund_by_shop(order_id, reason="bench: out of stock")
        self.shop.payments.record_refund(
            out_trade_no=order_id.hex,
            out_refund_no=refund_no,
            refund_id=f"r-{order_id.hex}",
            amount_fen=payable,
            refunded_at=self.clock.now(),
        )
        self.sim.refunded += 1


def settle(container: Container) -> None:
    """Waits for the follow-on work of both logs woken so far."""
    if not (container.follow_on.settle(600) and container.behaviour_follow_on.settle(600)):
        raise AssertionError("the follow-on work did not finish")


def simulate(data_dir: Path, scale: Scale, seed: int) -> Simulated:
    """Runs the simulated shop into a fresh data directory; returns it open."""
    clock = FixedClock(START)
    container = Container(Settings(data_dir=data_dir, track_limit_events=10**9), clock=clock)
    shop = container.shop
    sim = Simulated(container, scale)
    rng = random.Random(seed)
    runner = _Runner(sim, shop, clock, rng)
    plan = _plan(rng, scale)
    for n, visit in enumerate(plan):
        runner.visit(n, visit)
    settle(container)
    return sim
