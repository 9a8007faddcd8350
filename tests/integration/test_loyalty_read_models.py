"""The member, points and coupon read models, built by the runner from a real Shop's
events, answer the member pages and the loyalty jobs' timers."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest

from chalicelib.adapters.pii import PersonalData
from chalicelib.adapters.pii.sqlite_keys import SQLiteKeyStore
from chalicelib.adapters.sqlite_views import SQLiteViewStore
from chalicelib.application.errors import NotFound
from chalicelib.clock import FixedClock
from chalicelib.domain.calendar import BEIJING, start_of_beijing_day
from chalicelib.domain.ids import coupon_template_id_for, points_account_id_for, wallet_id_for
from chalicelib.domain.points_policy import PointsPolicy
from chalicelib.domain.policy import OrderPolicy
from chalicelib.domain.values import CouponTerms, Delivery, SkuSpec
from chalicelib.projections import all_projections
from chalicelib.projections import loyalty_queries as q
from chalicelib.projections.due import DueTimers
from chalicelib.projections.runner import ReadModelRunner
from tests.unit.application.support import new_shop

START = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
LOT_EXPIRES = datetime(2027, 11, 1, 16, 0, tzinfo=UTC)  # 00:00 Beijing, 2 Nov 2027
PICKUP = Delivery(method="pickup", store_id="s1")
TICK = timedelta(microseconds=1)
LOT = "checkin:2026-11-01"
LOYALTY = ("members", "points", "coupons")


class World:
    def __init__(self, tmp_path: Path) -> None:
        self.clock = FixedClock(START)
        self.shop = new_shop(
            self.clock, vault=PersonalData(SQLiteKeyStore(tmp_path / "keys.sqlite"))
        )
        self.views = SQLiteViewStore(tmp_path / "views.sqlite", self.clock.now)
        self.runner = ReadModelRunner(self.shop.store, self.views, all_projections())
        self.timers = DueTimers(self.views, OrderPolicy())
        skus = [(SkuSpec(f"P{fen}", "", fen), 100) for fen in (99_999, 100_000, 6800)]
        self.shop.catalogue.list_product(
            slug="p", title="P", category="c", description="", image_url="", skus=skus
        )

    def member(self, openid: str = "o-alice") -> UUID:
        return self.shop.logins.log_in(openid=openid, unionid=None, scene=None, query={})[0]

    def paid_order(
        self, member: UUID, sku: str, quantity: int = 1, coupon_id: str | None = None
    ) -> UUID:
        order_id = self.shop.orders.place_order(
            member_id=member, items=[(sku, quantity)], delivery=PICKUP, coupon_id=coupon_id
        )
        self.pay(order_id)
        return order_id

    def pay(self, order_id: UUID) -> None:
        self.shop.payments.record_payment(
            out_trade_no=order_id.hex,
            transaction_id=uuid4().hex,
            amount_fen=self.shop.orders.order(order_id).price.payable_fen,
            paid_at=self.clock.now(),
        )

    def template(
        self,
        code: str,
        *,
        trigger: str = "claim",
        window: tuple[datetime, datetime] | None = None,
        total: int = 0,
    ) -> None:
        self.shop.coupons.define_coupon_template(
            code=code,
            title=code,
            terms=CouponTerms("no_threshold", amount_fen=500),
            trigger=trigger,
            starts_at=window[0] if window else None,
            ends_at=window[1] if window else None,
            valid_days=0 if window else 7,
            total_quantity=total,
            per_member_limit=0,
        )

    def due(self, kind: str, now: datetime) -> list[UUID]:
        self.runner.catch_up()
        return self.timers.due(kind, now)

    def me(self, member: UUID) -> dict[str, Any]:
        self.runner.catch_up()
        return q.me(self.views, member, self.clock.now(), self.shop.accounts.levels())


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


def ledger(world: World, member: UUID, now: datetime = START) -> dict[str, Any]:
    world.runner.catch_up()
    return q.points_ledger(world.views, member, now)


def statuses(world: World, member: UUID, now: datetime) -> dict[str, str]:
    world.runner.catch_up()
    return {c["coupon_id"]: c["status"] for c in q.member_coupons(world.views, member, now, None)}


# -- points ----------------------------------------------------------------------
def test_a_check_in_shows_in_the_ledger_and_the_balance(world: World) -> None:
    empty = {"balance": 0, "expiring_soon": [], "lots": {}, "ledger": []}
    assert ledger(world, uuid4()) == empty  # no account yet
    alice = world.member()
    assert ledger(world, alice) == empty
    assert world.shop.loyalty.check_in(alice) == 5
    points = {"balance": 5, "expiring_soon": {"points": 0, "within_days": 30}}
    assert world.me(alice)["points"] == points
    lot = {"points": 5, "remaining": 5, "expires_at": LOT_EXPIRES.isoformat(), "source": LOT}
    line = {"kind": "checked_in", "points": 5, "balance_after": 5, "order_id": None}
    assert ledger(world, alice) == {
        "balance": 5,
        "expiring_soon": [],
        "lots": {LOT: lot},
        "ledger": [dict(line, day="2026-11-01", at=START.isoformat())],
    }


def test_a_lot_timer_is_due_at_its_expiry_and_gone_once_expired(world: World) -> None:
    alice = world.member()
    world.shop.loyalty.check_in(alice)
    assert world.due("points_expiry", LOT_EXPIRES - TICK) == []
    assert world.due("points_expiry", LOT_EXPIRES) == [points_account_id_for(alice)]
    soon = LOT_EXPIRES - timedelta(days=30)
    assert ledger(world, alice, soon - TICK)["expiring_soon"] == []
    expiring = [{"points": 5, "expires_at": LOT_EXPIRES.isoformat()}]
    assert ledger(world, alice, soon)["expiring_soon"] == expiring
    world.clock.set(soon)
    assert world.me(alice)["points"]["expiring_soon"] == {"points": 5, "within_days": 30}

    world.clock.set(LOT_EXPIRES)
    assert world.shop.jobs.run_due_jobs(world.timers)["points_expired"] == 1
    assert world.due("points_expiry", LOT_EXPIRES + timedelta(days=900)) == []
    latest = ledger(world, alice, LOT_EXPIRES)
    assert latest["balance"] == 0
    assert latest["ledger"][0] == {
        "kind": "expired",
        "points": -5,
        "balance_after": 0,
        "order_id": None,
        "day": None,
        "at": LOT_EXPIRES.isoformat(),
    }


def test_spending_a_lot_stops_its_timer_and_a_cancel_restarts_it(world: World) -> None:
    alice = world.member()
    world.shop.loyalty.check_in(alice)
    order = world.shop.orders.place_order(
        member_id=alice, items=[("P6800", 1)], delivery=PICKUP, points=5
    )
    assert world.due("points_expiry", LOT_EXPIRES) == []
    assert ledger(world, alice)["lots"][LOT]["remaining"] == 0
    assert ledger(world, alice)["ledger"][0]["order_id"] == str(order)
    world.shop.orders.cancel_order(order, member_id=alice, reason="changed my mind")
    assert world.due("points_expiry", LOT_EXPIRES) == [points_account_id_for(alice)]
    moves = [(m["kind"], m["points"], m["balance_after"]) for m in ledger(world, alice)["ledger"]]
    assert moves == [("restored", 5, 5), ("redeemed", -5, 0), ("checked_in", 5, 5)]


def test_points_restored_to_a_lot_long_gone_come_back_expired(world: World) -> None:
    alice = world.member()
    account = world.shop.accounts.points_account(alice)
    account.check_in(START, PointsPolicy())
    order = uuid4()
    account.redeem(order, 5, START + timedelta(days=1))
    later = LOT_EXPIRES + timedelta(days=40)
    account.check_in(later, PointsPolicy())
    world.shop.store.save(account)
    assert LOT not in ledger(world, alice, later)["lots"]

    account.restore_redemption(order, later + timedelta(hours=1))
    world.shop.store.save(account)
    assert world.due("points_expiry", later + timedelta(hours=1)) == [account.id]
    assert ledger(world, alice, later)["balance"] == 10
    account.expire(later + timedelta(hours=2))
    world.shop.store.save(account)
    assert world.due("points_expiry", later + timedelta(days=300)) == []
    assert ledger(world, alice, later)["balance"] == 5


def test_years_of_daily_check_ins_keep_the_points_document_small(world: World) -> None:
    """The account is driven in memory (reloading it 430 times would replay O(n²) events)."""
    alice = world.member()
    account = world.shop.accounts.points_account(alice)
    for day in range(430):
        now = START + timedelta(days=day)
        account.check_in(now, PointsPolicy())
        account.expire(now)
        if day % 50 == 0:
            world.shop.store.save(account)
    world.shop.store.save(account)
    doc = ledger(world, alice, START + timedelta(days=430))
    assert len(doc["ledger"]) == 200
    assert (
        doc["balance"] == account.balance == sum(lot["remaining"] for lot in doc["lots"].values())
    )
    assert LOT not in doc["lots"]  # spent by expiry, and gone 31 days later
    assert len(doc["lots"]) <= 366 + 32
    assert len(json.dumps(doc, ensure_ascii=False)) < 80_000
    assert world.due("points_expiry", START + timedelta(days=429)) == []


# -- coupons ---------------------------------------------------------------------
def test_coupon_statuses_follow_the_wallet_and_the_clock(world: World) -> None:
    alice = world.member()
    world.template("a")
    world.template("later", window=(START + timedelta(days=2), START + timedelta(days=9)))
    used, kept, locked = (world.shop.coupons.claim_coupon(alice, "a").coupon_id for _ in range(3))
    later = world.shop.coupons.claim_coupon(alice, "later").coupon_id
    world.paid_order(alice, "P6800", coupon_id=used)
    order = world.shop.orders.place_order(
        member_id=alice, items=[("P6800", 1)], delivery=PICKUP, coupon_id=locked
    )
    assert statuses(world, alice, START) == {
        used: "used",
        kept: "usable",
        locked: "locked",
        later: "not_yet_valid",
    }
    assert world.me(alice)["coupons"] == {"usable": 1}
    expiry = datetime(2026, 11, 8, tzinfo=BEIJING)  # 7 Beijing days counting the claim day
    assert statuses(world, alice, expiry - TICK)[kept] == "usable"
    world.clock.set(expiry)
    world.shop.orders.cancel_order(order, member_id=alice, reason="too late")
    assert statuses(world, alice, expiry) == {
        used: "used",
        kept: "expired",
        locked: "expired",
        later: "usable",
    }
    expired = q.member_coupons(world.views, alice, expiry, "expired")
    assert [c["coupon_id"] for c in expired] == sorted([kept, locked])
    assert {c["expires_at"] for c in expired} == {expiry.astimezone(UTC).isoformat()}
    assert expired[0]["title"] == "a" and expired[0]["order_id"] is None


def test_templates_list_what_members_can_claim(world: World) -> None:
    alice = world.member()
    world.template("open")
    world.template("gift", trigger="first_login")
    world.template("halted")
    world.shop.coupons.stop_coupon_template("halted")
    world.template("one", total=1)
    world.shop.coupons.claim_coupon(alice, "one")
    world.template("ending", window=(START - timedelta(days=1), START + timedelta(hours=1)))
    world.runner.catch_up()

    def codes(now: datetime, claimable_only: bool) -> list[str]:
        return sorted(d["code"] for d in q.coupon_templates(world.views, now, claimable_only))

    assert codes(START, True) == ["ending", "open"]
    assert codes(START + timedelta(hours=1), True) == ["open"]
    assert codes(START, False) == ["ending", "gift", "halted", "one", "open"]
    for doc in q.coupon_templates(world.views, START, False):
        assert doc == q.template_doc(world.shop.coupons.coupon_template(doc["code"]))
    one = next(d for d in q.coupon_templates(world.views, START, False) if d["code"] == "one")
    assert (one["issued"], one["remaining"], one["total_quantity"]) == (1, 0, 1)


# -- the member ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sku", "quantity", "level", "up"),
    [
        ("P99999", 1, "regular", {"code": "vip", "threshold_fen": 100_000, "missing_fen": 1}),
        (
            "P100000",
            1,
            "vip",
            {"code": "supreme", "threshold_fen": 500_000, "missing_fen": 400_000},
        ),
        ("P100000", 5, "supreme", None),
    ],
)
def test_me_shows_the_level_and_the_way_up(
    world: World, sku: str, quantity: int, level: str, up: dict[str, Any] | None
) -> None:
    alice = world.member()
    assert world.me(alice)["next_level"]["missing_fen"] == 100_000
    world.paid_order(alice, sku, quantity)
    me = world.me(alice)
    assert me["level"]["code"] == level
    assert me["spend_12m_fen"] == int(sku[1:]) * quantity
    shown = me["next_level"] and {k: v for k, v in me["next_level"].items() if k != "name"}
    assert shown == up


def test_spend_leaving_the_window_is_reviewed_on_time(world: World) -> None:
    alice = world.member()
    world.paid_order(alice, "P100000")
    review = START + timedelta(days=365)
    assert world.due("level_review", review - TICK) == []
    assert world.due("level_review", review) == [alice]
    world.clock.set(review - TICK)
    assert world.me(alice)["spend_12m_fen"] == 100_000
    world.clock.set(review)
    assert world.shop.jobs.run_due_jobs(world.timers)["levels_reviewed"] == 1
    assert world.due("level_review", review + timedelta(days=900)) == []
    me = world.me(alice)
    assert (me["level"]["code"], me["spend_12m_fen"]) == ("regular", 0)
    doc = world.views.get("members", "members", str(alice))
    assert doc is not None and doc["spend"] == {}
    assert [(c["from"], c["to"], c["reason"]) for c in doc["level_changes"]] == [
        ("regular", "vip", "spend recorded"),
        ("vip", "regular", "spend aged out"),
    ]


def test_a_refund_takes_the_spend_and_its_review_back(world: World) -> None:
    alice = world.member()
    order = world.paid_order(alice, "P100000")
    world.shop.orders.request_refund(order, member_id=alice, reason="broken")
    world.shop.payments.record_refund(
        out_trade_no=order.hex,
        out_refund_no=world.shop.orders.approve_refund(order),
        refund_id="r1",
        amount_fen=100_000,
        refunded_at=START,
    )
    assert world.due("level_review", START + timedelta(days=900)) == []
    assert (world.me(alice)["level"]["code"], world.me(alice)["spend_12m_fen"]) == ("regular", 0)


@pytest.mark.parametrize(
    ("birthday", "today", "due"),
    [
        ("1990-11-23", date(2026, 11, 23), True),
        ("1990-11-23", date(2026, 11, 22), False),
        ("2000-02-29", date(2027, 2, 28), True),
        ("2000-02-29", date(2028, 2, 28), False),
        ("2000-02-29", date(2028, 2, 29), True),
    ],
)
def test_a_birthday_is_due_all_its_beijing_day(
    world: World, birthday: str, today: date, due: bool
) -> None:
    alice = world.member()
    world.shop.members.update_profile(alice, birthday=birthday)
    first, last = start_of_beijing_day(today), start_of_beijing_day(today + timedelta(1)) - TICK
    assert world.due("birthday", first) == world.due("birthday", last) == ([alice] if due else [])


def test_closing_the_account_purges_the_members_read_models(world: World) -> None:
    alice, bob = world.member(), world.member("o-bob")
    world.shop.members.update_profile(alice, nickname="Alice", birthday="1990-11-23")
    world.shop.members.bind_phone(alice, "13800000000")
    world.shop.loyalty.check_in(alice)
    world.template("a")
    world.paid_order(
        alice, "P6800", coupon_id=world.shop.coupons.claim_coupon(alice, "a").coupon_id
    )
    me = world.me(alice)
    vault = world.shop.ports.vault
    opened = [vault.open(alice, me[field]) for field in ("nickname", "birthday", "sealed_phone")]
    assert opened == ["Alice", "1990-11-23", "13800000000"]  # sealed in the read model
    assert me["phone_bound"] and "Alice" not in me["nickname"] and "1990" not in me["birthday"]

    world.shop.members.close_account(alice)
    world.runner.catch_up()
    assert set(world.views.dump("members")) == {f"members/{bob}", "by_openid/o-bob"}
    assert set(world.views.dump("points")) == {f"points/{points_account_id_for(bob)}"}
    template = coupon_template_id_for("a")
    assert set(world.views.dump("coupons")) == {
        f"wallets/{wallet_id_for(bob)}",
        f"coupon_templates/{template}",
    }
    with pytest.raises(NotFound):
        q.me(world.views, alice, START, world.shop.accounts.levels())
    assert ledger(world, alice)["ledger"] == []
    assert q.member_coupons(world.views, alice, START, None) == []

    again = world.member()  # a new member after 注销, starting afresh
    assert again != alice
    me = world.me(again)
    assert (me["nickname"], me["phone_bound"], me["birthday"]) == ("", False, None)
    assert (me["level"]["code"], me["spend_12m_fen"]) == ("regular", 0)
    wallet = world.views.get("coupons", "wallets", str(wallet_id_for(again)))
    assert wallet == {"member_id": str(again), "coupons": {}}


# -- rebuilding ------------------------------------------------------------------
def test_rebuilt_loyalty_views_equal_the_incremental_ones(world: World) -> None:
    world.template("welcome", trigger="first_login")
    world.template("a")
    alice, bob, carol = (world.member(f"o{i}") for i in range(3))
    world.shop.members.update_profile(bob, nickname="Bob", birthday="1991-02-28")
    for member in (alice, bob, carol):
        world.shop.loyalty.check_in(member)
    kept = world.shop.coupons.claim_coupon(alice, "a").coupon_id
    world.paid_order(alice, "P100000", coupon_id=kept)
    order = world.paid_order(bob, "P6800")
    world.shop.orders.request_refund(order, member_id=bob, reason="no")
    world.shop.payments.record_refund(
        out_trade_no=order.hex,
        out_refund_no=world.shop.orders.approve_refund(order),
        refund_id="r1",
        amount_fen=6800,
        refunded_at=START,
    )
    world.shop.members.close_account(carol)
    world.member("o2")
    world.clock.set(LOT_EXPIRES)
    world.runner.catch_up()
    world.shop.jobs.run_due_jobs(world.timers)
    world.runner.catch_up()
    before = {name: world.views.dump(name) for name in LOYALTY}
    assert all(before.values())
    for name in LOYALTY:
        assert world.runner.rebuild(name).events == world.runner.log_length()
    assert {name: world.views.dump(name) for name in LOYALTY} == before
