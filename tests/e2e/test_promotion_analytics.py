"""Campaign and coupon analytics over HTTP on both runtimes: a flash sale
bought by three members arriving from an article, the menu and nowhere in
particular (two pay) and visiting its pages (with an install that never
logs in; one of them shares it), and two coupon templates, one 满减 and one 折扣, each
used on a paid order, the 折扣 one refunded the next Beijing day. The
answers the test knows in advance, their CSV, the money reconciled with the
payment events, and the refusals."""

from __future__ import annotations

from typing import Any

from tests.support.stack import Stack

from .test_analytics import (
    ARTICLE,
    DAY1,
    DAY2,
    EARLY_DAY2,
    LATE_DAY1,
    MENU,
    RANGE,
    fetch_csv,
    get,
    money_in_the_event_store,
    visit,
)
from .test_flash_sale import buy, flash
from .test_members_and_benefits import define, pay, refund

PICKUP = {"method": "pickup", "store_id": "s1"}
FULL50 = {
    "code": "full50",
    "title": "满50减10",
    "terms": {"kind": "threshold", "amount_fen": 1000, "threshold_fen": 5000},
    "valid_days": 30,
}
EIGHTY = {
    "code": "eighty",
    "title": "八折券",
    "terms": {"kind": "discount", "rate_percent": 80},
    "valid_days": 30,
}


def with_coupon(stack: Stack, token: str, code: str) -> dict[str, Any]:
    status, claimed = stack.call("POST", f"/coupons/{code}/claim", token=token)
    assert status in (200, 201), claimed
    lines = [{"sku_id": "TEA", "quantity": 1}]
    body = {"lines": lines, "delivery": PICKUP, "coupon_id": claimed["coupon_id"]}
    status, order = stack.call("POST", "/orders", token=token, body=body)
    assert status == 201, order
    return dict(order)


def tracked(stack: Stack, events: list[dict[str, Any]], **who: Any) -> None:
    at = stack.clock.now().isoformat()
    body = {"events": [{"at": at, **event} for event in events], **who.pop("body", {})}
    status, answer = stack.call("POST", "/track", body=body, **who)
    assert status == 200 and answer["accepted"] == len(events), answer


def visits_the_campaign(stack: Stack, alice: str, bob: str, carol: str) -> None:
    """Day 1: five visits by four visitors (alice, bob twice, carol, an install)
    and one sharer (carol, twice); day 2: alice again (a visit, no new visitor)."""
    page = {"path": "pages/campaigns/detail", "query": {"code": "double11"}}
    tracked(stack, [{"id": "v1", "kind": "launch", "scene": 1058, **page}], token=alice)
    team = {"path": "pages/product/index", "query": {"campaign": "double11"}}
    bob_views = [
        {"id": "v1", "kind": "page_view", **team},
        {"id": "v2", "kind": "page_view", **team},
    ]
    tracked(stack, bob_views, token=bob)
    shared = {"kind": "share", "path": "pages/campaigns/detail?code=double11", "channel": "chat"}
    carol_events = [
        {"id": "v1", "kind": "page_view", **page},
        {"id": "v2", **shared},
        {"id": "v3", **shared, "channel": "poster"},
        {"id": "v4", "kind": "page_view", "path": "pages/index/index"},  # not the campaign's
    ]
    tracked(stack, carol_events, token=carol)
    install = {"install_id": "install-e2e-flash"}
    tracked(stack, [{"id": "v1", "kind": "launch", "scene": 1047, **page}], body=install)


def test_a_flash_sale_and_the_full_vs_discount_comparison(stack: Stack) -> None:
    stack.list_product("tea", [("TEA", 6800, 20)])
    assert stack.call("POST", "/admin/campaigns", admin=True, body=flash())[0] == 201
    assert stack.call("POST", "/admin/campaigns/double11/start", admin=True)[0] == 200
    define(stack, FULL50)
    define(stack, EIGHTY)

    stack.clock.set(LATE_DAY1)
    alice, bob = visit(stack, "alice", ARTICLE), visit(stack, "bob", MENU)
    carol = visit(stack, "carol", {})
    for token in (alice, bob):
        status, order = buy(stack, token)
        assert status == 201, order
        pay(stack, token, order["id"])
    assert buy(stack, carol)[0] == 201  # never paid
    visits_the_campaign(stack, alice, bob, carol)
    full = with_coupon(stack, alice, "full50")
    pay(stack, alice, full["id"])
    eighty = with_coupon(stack, bob, "eighty")
    pay(stack, bob, eighty["id"])
    assert (full["price"]["payable_fen"], eighty["price"]["payable_fen"]) == (5800, 5440)

    stack.clock.set(EARLY_DAY2)
    refund(stack, eighty["id"])
    page = {"path": "pages/campaigns/detail", "query": {"code": "double11"}}
    tracked(stack, [{"id": "v9", "kind": "page_view", **page}], token=alice)

    answer = get(stack, f"/admin/analytics/campaigns/double11?{RANGE}")
    assert {"participants", "payers", "gmv_fen", "source"} <= set(answer["definitions"])
    assert {"visits", "visitors", "sharers", "visitor_to_payer"} <= set(answer["definitions"])
    assert answer["campaign"]["kind"] == "flash_sale"
    day1, day2 = answer["days"]
    assert (day1["day"], day2["day"]) == (DAY1, DAY2)
    want = {"participants": 3, "orders_placed": 3, "orders_paid": 2, "payers": 2}
    want |= {"paid_fen": 1980, "refunds": 0, "gmv_fen": 1980, "payer_rate": 0.6667}
    assert {k: day1[k] for k in want} == want
    assert (day2["orders_placed"], day2["gmv_fen"], day2["payer_rate"]) == (0, 0, None)
    assert answer["totals"]["gmv_fen"] == 1980
    seen = ("visits", "visitors", "sharers", "visitor_to_payer")
    assert [day1[k] for k in seen] == [5, 4, 1, 0.5]  # 2 payers of 4 visitors
    assert [day2[k] for k in seen] == [1, 0, 0, None]
    assert [answer["totals"][k] for k in seen] == [6, 4, 1, 0.5]
    assert [
        (s["source"], s["label"], s["orders_paid"], s["gmv_fen"]) for s in answer["sources"]
    ] == [
        ("oa_article:123", "公众号文章·123", 1, 990),
        ("oa_menu:home", "公众号菜单·首页", 1, 990),
    ]

    coupons = get(stack, f"/admin/analytics/coupons?{RANGE}")
    assert {"issued", "used", "discount_fen", "by_kind"} <= set(coupons["definitions"])
    rows = {t["code"]: t for t in coupons["templates"]}
    assert list(rows) == ["eighty", "full50"]
    want_full = {"kind": "threshold", "kind_label": "满减", "issued": 1, "used": 1, "returned": 0}
    want_full |= {"orders_paid": 1, "paid_fen": 5800, "discount_fen": 1000, "gmv_fen": 5800}
    assert {k: rows["full50"][k] for k in want_full} == want_full
    want_eighty = {"kind": "discount", "kind_label": "折扣", "issued": 1, "used": 1, "returned": 1}
    want_eighty |= {"orders_paid": 1, "paid_fen": 5440, "refunds": 1, "refunded_fen": 5440}
    want_eighty |= {"discount_fen": 1360, "gmv_fen": 0, "use_rate": 1.0}
    assert {k: rows["eighty"][k] for k in want_eighty} == want_eighty
    kinds = {k["kind"]: k for k in coupons["by_kind"]}
    assert (kinds["threshold"]["templates"], kinds["threshold"]["gmv_fen"]) == (1, 5800)
    assert (kinds["discount"]["templates"], kinds["discount"]["discount_fen"]) == (1, 1360)
    assert kinds["no_threshold"]["templates"] == 0

    every_order_is_a_campaign_or_coupon_order = answer["totals"]["gmv_fen"] + sum(
        t["gmv_fen"] for t in coupons["templates"]
    )
    assert every_order_is_a_campaign_or_coupon_order == money_in_the_event_store(stack)

    path = f"/admin/analytics/campaigns/double11?{RANGE}&format=csv"
    response, csv_rows = fetch_csv(stack, path)
    assert "campaign-double11-" in response.headers["Content-Disposition"]
    assert [(r["day"], r["visitors"], r["participants"], r["gmv_fen"]) for r in csv_rows] == [
        (DAY1, "4", "3", "1980"),
        (DAY2, "0", "0", "0"),
    ]
    assert [r["visitor_to_payer"] for r in csv_rows] == ["0.5", ""]
    _, csv_rows = fetch_csv(stack, f"/admin/analytics/coupons?{RANGE}&format=csv")
    assert [(r["code"], r["kind_label"], r["discount_fen"]) for r in csv_rows] == [
        ("eighty", "折扣", "1360"),
        ("full50", "满减", "1000"),
    ]


def test_unknown_campaigns_bad_ranges_and_callers_are_refused(stack: Stack) -> None:
    status, answer = stack.call("GET", "/admin/analytics/campaigns/nope", admin=True)
    assert (status, answer["code"]) == (404, "not_found")
    for route in ("campaigns/nope", "coupons"):
        assert stack.call("GET", f"/admin/analytics/{route}")[0] == 401
        for query, field in [
            ("from=2026-13-01&to=2026-11-02", "from"),
            ("from=2026-11-03&to=2026-11-02", "from"),
            ("from=2025-11-01&to=2026-11-02", "to"),
            ("format=xlsx", "format"),
        ]:
            status, answer = stack.call("GET", f"/admin/analytics/{route}?{query}", admin=True)
            assert status == 400, (route, query, answer)
            assert answer["details"]["errors"][0]["field"] == field, answer
