"""The promotion analytics read model, built by the runner from a real shop's
events on both runtimes: a flash sale's participants and payers counted once
each however many orders they place, its paid orders credited to their
last-touch source, two coupon templates (满减 and 折扣) with what they issued,
what was used and given back after a refund; the money reconciles with the
payment events to the fen, closing an account leaves nothing naming the
member (a pending order's included) and keeps the figures, and a rebuild
gives the same documents; a payment notice redelivered on racing threads and
racing catch-ups count each order once."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from chalicelib.application.campaign_orders import OrderTerms
from chalicelib.application.errors import NotFound
from chalicelib.bootstrap import Container
from chalicelib.clock import FixedClock
from chalicelib.domain.calendar import beijing_date
from chalicelib.domain.order import Order
from chalicelib.domain.values import CampaignItem, CampaignRules, CouponTerms, Delivery
from chalicelib.projections import promotion_queries as q
from chalicelib.projections.promotion_analytics import MEMBERS, PromotionAnalyticsProjection
from chalicelib.projections.runner import ReadModelRunner
from tests.support.races import race, split
from tests.support.runtimes import Running

from .conftest import list_tea

PICKUP = Delivery(method="pickup", store_id="s1")
ARTICLE = {"from": "article", "id": "123"}
PROJECTION = "promotion_analytics"


def define_shop(c: Container) -> None:
    list_tea(c, 50)
    now = c.clock.now()
    c.shop.campaigns.define_campaign(
        code="double11",
        kind="flash_sale",
        title="双十一 秒杀",
        items=[CampaignItem("TEA", 990, 10)],
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=3),
        per_member_limit=2,
        rules=CampaignRules(),
        shards=1,
    )
    c.shop.campaigns.start_campaign("double11")
    for code, terms in [
        ("full50", CouponTerms(kind="threshold", amount_fen=1000, threshold_fen=5000)),
        ("eighty", CouponTerms(kind="discount", rate_percent=80)),
    ]:
        c.shop.coupons.define_coupon_template(
            code=code,
            title=code,
            terms=terms,
            trigger="claim",
            starts_at=None,
            ends_at=None,
            valid_days=30,
            total_quantity=0,
            per_member_limit=1,
        )


def flash(c: Container, member_id: UUID) -> UUID:
    order_id: UUID = c.shop.flash_sale.place_flash_order(
        "double11", member_id=member_id, sku_id="TEA", quantity=1, terms=OrderTerms(PICKUP)
    )
    return order_id


def with_coupon(c: Container, member_id: UUID, code: str) -> UUID:
    coupon = c.shop.coupons.claim_coupon(member_id, code)
    order_id: UUID = c.shop.orders.place_order(
        member_id=member_id, items=[("TEA", 1)], delivery=PICKUP, coupon_id=coupon.coupon_id
    )
    return order_id


def pay(c: Container, order_id: UUID) -> int:
    payable = c.shop.orders.order(order_id).price.payable_fen
    c.shop.payments.record_payment(
        out_trade_no=order_id.hex,
        transaction_id=uuid4().hex,
        amount_fen=payable,
        paid_at=c.clock.now(),
    )
    return payable


def refund(c: Container, order_id: UUID) -> None:
    out_refund_no = c.shop.orders.refund_by_shop(order_id, reason="缺货")
    c.shop.payments.record_refund(
        out_trade_no=order_id.hex,
        out_refund_no=out_refund_no,
        refund_id=uuid4().hex,
        amount_fen=c.shop.orders.order(order_id).price.payable_fen,
        refunded_at=c.clock.now(),
    )


def money_of(c: Container, order_ids: set[UUID]) -> int:
    """Paid (also after close) minus refunded for these orders, from the stored events."""
    total = 0
    for notification in c.shop.store.recorder.select_notifications(start=None, limit=100_000):
        event = c.shop.store.mapper.to_domain_event(notification)
        if event.originator_id not in order_ids:
            continue
        if isinstance(event, Order.Paid | Order.PaidAfterClose):
            total += event.amount_fen
        elif isinstance(event, Order.Refunded):
            total -= event.amount_fen
    return total


def test_a_flash_sale_and_two_coupon_templates(running: Running, clock: FixedClock) -> None:
    c = running.container
    define_shop(c)
    day1 = beijing_date(clock.now())
    login = c.shop.logins.log_in
    m1, _ = login(openid="o-m1", unionid=None, scene=1058, query=ARTICLE)
    m2, _ = login(openid="o-m2", unionid=None, scene=1035, query={"from": "menu", "type": "home"})
    m3, _ = login(openid="o-m3", unionid=None, scene=1001, query={})

    first, second = flash(c, m1), flash(c, m1)  # one participant, two orders
    refunded = flash(c, m2)
    cancelled = flash(c, m3)
    flash_money = pay(c, first) + pay(c, second) + pay(c, refunded)
    c.shop.orders.cancel_order(cancelled, member_id=m3, reason="changed my mind")
    full50 = with_coupon(c, m1, "full50")
    eighty = with_coupon(c, m2, "eighty")
    full50_paid, eighty_paid = pay(c, full50), pay(c, eighty)
    pending = with_coupon(c, m3, "full50")  # never paid: m3 closes the account

    clock.advance(days=1)
    day2 = beijing_date(clock.now())
    refund(c, refunded)
    refund(c, eighty)
    running.settle()

    answer = q.campaign(c.views, "double11", day1, day2)
    assert answer["campaign"] == {"code": "double11", "kind": "flash_sale", "title": "双十一 秒杀"}
    d1, d2 = answer["days"]
    want1 = {"participants": 3, "orders_placed": 4, "orders_paid": 3, "payers": 2, "refunds": 0}
    assert {k: d1[k] for k in want1} == want1
    assert (d1["paid_fen"], d1["gmv_fen"], d1["payer_rate"]) == (3 * 990, 3 * 990, 0.6667)
    assert (d2["participants"], d2["refunds"], d2["gmv_fen"]) == (0, 1, -990)
    totals = answer["totals"]
    assert (totals["participants"], totals["payers"], totals["gmv_fen"]) == (3, 2, 2 * 990)
    assert flash_money - 990 == totals["gmv_fen"]
    assert totals["gmv_fen"] == money_of(c, {first, second, refunded, cancelled})
    sources = {s["source"]: s for s in answer["sources"]}
    assert {k: (v["orders_paid"], v["gmv_fen"]) for k, v in sources.items()} == {
        "oa_article:123": (2, 2 * 990),
        "oa_menu:home": (1, 0),
    }
    assert answer["sources"][0]["source"] == "oa_article:123"  # most GMV first
    assert q.campaign(c.views, "double11", day2, day2)["totals"]["participants"] == 0

    coupons = coupons_by_code(c, day1, day2)
    want_full50 = {"issued": 2, "used": 1, "returned": 0, "orders_paid": 1, "refunds": 0}
    assert {k: coupons["full50"][k] for k in want_full50} == want_full50
    assert (coupons["full50"]["discount_fen"], coupons["full50"]["gmv_fen"]) == (1000, full50_paid)
    want_eighty = {"issued": 1, "used": 1, "returned": 1, "orders_paid": 1, "refunds": 1}
    assert {k: coupons["eighty"][k] for k in want_eighty} == want_eighty
    assert coupons["eighty"]["discount_fen"] == 6800 - eighty_paid
    assert coupons["eighty"]["gmv_fen"] == 0
    assert (coupons["full50"]["kind_label"], coupons["eighty"]["kind_label"]) == ("满减", "折扣")
    assert coupons["full50"]["gmv_fen"] == money_of(c, {full50, pending})
    kinds = {row["kind"]: row for row in q.coupons(c.views, day1, day2)["by_kind"]}
    assert (kinds["threshold"]["issued"], kinds["discount"]["issued"]) == (2, 1)

    before = (q.campaign(c.views, "double11", day1, day2), q.coupons(c.views, day1, day2))
    dump = c.views.dump(PROJECTION)
    assert f"{MEMBERS}/{m3}" in dump and str(m3) in str(dump[f"orders/{pending}"])
    c.shop.members.close_account(m3)
    running.settle()
    dump = c.views.dump(PROJECTION)
    assert str(m3) not in str(dump)  # nothing left names the member
    after = (q.campaign(c.views, "double11", day1, day2), q.coupons(c.views, day1, day2))
    assert after == before

    incremental = c.views.dump(PROJECTION)
    c.runner.rebuild([PROJECTION])
    assert c.views.dump(PROJECTION) == incremental  # rebuilt from the log: the same


def coupons_by_code(c: Container, start: date, end: date) -> dict[str, dict[str, Any]]:
    return {t["code"]: t for t in q.coupons(c.views, start, end)["templates"]}


def test_an_unknown_campaign_is_not_found_and_quiet_days_are_zeros(running: Running) -> None:
    c = running.container
    define_shop(c)
    running.settle()
    with pytest.raises(NotFound):
        q.campaign(c.views, "nope", date(2026, 11, 1), date(2026, 11, 2))
    quiet = q.campaign(c.views, "double11", date(2026, 8, 3), date(2026, 10, 31))
    assert len(quiet["days"]) == 90 and quiet["totals"]["orders_placed"] == 0
    assert quiet["sources"] == []
    templates = q.coupons(c.views, date(2026, 8, 3), date(2026, 10, 31))["templates"]
    assert [(t["code"], t["kind"], t["issued"]) for t in templates] == [
        ("eighty", "discount", 0),
        ("full50", "threshold", 0),
    ]


def test_racing_notices_and_catch_ups_count_each_order_once(running: Running) -> None:
    c = running.container
    define_shop(c)
    members = [
        c.shop.logins.log_in(openid=f"o-r{n}", unionid=None, scene=1058, query=ARTICLE)[0]
        for n in range(3)
    ]
    orders = [flash(c, m) for m in members] + [with_coupon(c, m, "full50") for m in members]
    for order_id in orders:
        payable = c.shop.orders.order(order_id).price.payable_fen
        notice = {
            "out_trade_no": order_id.hex,
            "transaction_id": f"t-{order_id.hex}",
            "amount_fen": payable,
            "paid_at": c.clock.now(),
        }
        won, lost = split(race(4, lambda _, n=notice: c.shop.payments.record_payment(**n)))
        assert (sorted(won), lost) == ([False, False, False, True], [])
    running.settle()
    day = beijing_date(c.clock.now())
    totals = q.campaign(c.views, "double11", day, day)["totals"]
    assert (totals["orders_paid"], totals["payers"], totals["paid_fen"]) == (3, 3, 3 * 990)
    coupons = coupons_by_code(c, day, day)["full50"]
    assert (coupons["issued"], coupons["used"], coupons["orders_paid"]) == (3, 3, 3)
    assert coupons["gmv_fen"] == money_of(c, set(orders[3:]))

    copy = PromotionAnalyticsProjection()
    copy.name = "promotion_analytics_race"  # the same rules under a name no runner has driven
    runners = [ReadModelRunner(c.shop.store, c.views, [copy], batch_size=3) for _ in range(4)]
    won, lost = split(race(4, lambda i: runners[i].catch_up()))
    assert not lost
    assert c.views.dump("promotion_analytics_race") == c.views.dump(PROJECTION)
