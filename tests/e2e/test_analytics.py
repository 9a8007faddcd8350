"""Operate by the numbers, over HTTP on both runtimes: a small population
arriving from an official-account article and from its menu over two Beijing
days (either side of 16:00 UTC), ordering, paying and one refund; the overview
and the per-source figures the test knows in advance, their CSV, the
operators' labels, the GMV reconciled with the payment events in the event
store, and racing logins counted once as active members."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import requests

from chalicelib.domain.order import Order
from tests.support.races import race, split
from tests.support.stack import ADMIN, Stack

from .test_members_and_benefits import order_body, pay, refund

DAY1, DAY2 = "2026-11-01", "2026-11-02"
LATE_DAY1 = datetime(2026, 11, 1, 15, 30, tzinfo=UTC)  # 23:30 in Beijing
EARLY_DAY2 = datetime(2026, 11, 1, 16, 10, tzinfo=UTC)  # 00:10 the next Beijing day
ARTICLE = {"scene": 1058, "query": "from=article&id=123"}
MENU = {"scene": 1035, "query": {"from": "menu", "type": "home"}}
RANGE = f"from={DAY1}&to={DAY2}"


def visit(stack: Stack, user: str, entry: dict[str, Any]) -> str:
    code = stack.sandbox.mint_login_code(user)["code"]
    status, answer = stack.call("POST", "/auth/login", body={"code": code, **entry})
    assert status == 200, answer
    return str(answer["token"])


def order(stack: Stack, token: str) -> dict[str, Any]:
    status, placed = stack.call("POST", "/orders", token=token, body=order_body("TEA"))
    assert status == 201, placed
    return dict(placed)


def get(stack: Stack, path: str) -> Any:
    status, answer = stack.call("GET", path, admin=True)
    assert status == 200, answer
    return answer


def fetch_csv(stack: Stack, path: str) -> tuple[requests.Response, list[dict[str, str]]]:
    stack.settle()
    response = stack.http.get(stack.base_url + path, headers=ADMIN)
    assert response.status_code == 200, response.text
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel reads UTF-8 by
    text = response.content.decode("utf-8-sig")
    return response, list(csv.DictReader(io.StringIO(text)))


def money_in_the_event_store(stack: Stack) -> int:
    """Paid (also after close) minus refunded, summed from the stored events."""
    store = stack.container.shop.store
    total = 0
    for notification in store.recorder.select_notifications(start=None, limit=100_000):
        event = store.mapper.to_domain_event(notification)
        if isinstance(event, Order.Paid | Order.PaidAfterClose):
            total += event.amount_fen
        elif isinstance(event, Order.Refunded):
            total -= event.amount_fen
    return total


def test_a_small_population_by_day_and_by_source(stack: Stack) -> None:
    stack.list_product("tea", [("TEA", 5000, 50)])
    stack.clock.set(LATE_DAY1)
    a1, a2 = visit(stack, "a1", ARTICLE), visit(stack, "a2", ARTICLE)
    m1 = visit(stack, "m1", MENU)
    first = order(stack, a1)
    price = first["price"]["payable_fen"]
    pay(stack, a1, first["id"])

    stack.clock.set(EARLY_DAY2)
    a3, _ = visit(stack, "a3", ARTICLE), visit(stack, "m2", MENU)
    m1 = visit(stack, "m1", MENU)
    pay(stack, m1, order(stack, m1)["id"])
    refunded = order(stack, a2)["id"]  # a2's last visit, 40 minutes ago, was the article
    pay(stack, a2, refunded)
    order(stack, a3)  # never paid
    refund(stack, refunded)

    answer = get(stack, f"/admin/analytics/overview?{RANGE}")
    assert set(answer["definitions"]) >= {"gmv_fen", "active_members", "conversion", "payers"}
    day1, day2 = answer["days"]
    assert (day1["day"], day2["day"]) == (DAY1, DAY2)
    expected1 = {
        "new_members": 3,
        "visits": 3,
        "active_members": 3,
        "orders_placed": 1,
        "orders_paid": 1,
        "payers": 1,
        "paid_fen": price,
        "refunds": 0,
        "gmv_fen": price,
        "average_order_value_fen": price,
        "converted": 3,  # a1 that day; m1 and a2 the next, within 7 days
        "conversion": 1.0,
    }
    expected2 = {
        "new_members": 2,
        "visits": 3,
        "active_members": 3,
        "orders_placed": 3,
        "orders_paid": 2,
        "payers": 2,
        "paid_fen": 2 * price,
        "refunds": 1,
        "refunded_fen": price,
        "gmv_fen": price,
        "converted": 0,
        "conversion": 0.0,
    }
    assert {k: day1[k] for k in expected1} == expected1
    assert {k: day2[k] for k in expected2} == expected2
    totals = answer["totals"]
    assert (totals["new_members"], totals["orders_paid"], totals["gmv_fen"]) == (5, 3, 2 * price)
    assert totals["gmv_fen"] == money_in_the_event_store(stack)

    status, labelled = stack.call(
        "PUT", "/admin/analytics/sources/oa_article:123", admin=True, body={"label": " 双11文章 "}
    )
    assert (status, labelled) == (200, {"source": "oa_article:123", "label": "双11文章"})
    labels = get(stack, "/admin/analytics/sources/labels")["items"]
    assert labels == [
        {"source": "oa_article:123", "label": "双11文章", "default_label": "公众号文章·123"}
    ]

    by_source = {s["source"]: s for s in get(stack, f"/admin/analytics/sources?{RANGE}")["sources"]}
    assert set(by_source) == {"oa_article:123", "oa_menu:home"}
    article, menu = by_source["oa_article:123"], by_source["oa_menu:home"]
    assert article["label"] == "双11文章" and menu["label"] == "公众号菜单·首页"
    want_article: dict[str, Any] = {
        "visits": 3,
        "new_members": 3,
        "orders_placed": 3,
        "orders_paid": 2,
    }
    want_article |= {"payers": 2, "gmv_fen": price, "converted": 2, "conversion": 0.6667}
    want_menu: dict[str, Any] = {
        "visits": 3,
        "new_members": 2,
        "orders_placed": 1,
        "orders_paid": 1,
    }
    want_menu |= {"payers": 1, "gmv_fen": price, "converted": 1, "conversion": 0.5}
    assert {k: article[k] for k in want_article} == want_article
    assert {k: menu[k] for k in want_menu} == want_menu

    response, rows = fetch_csv(stack, f"/admin/analytics/overview?{RANGE}&format=csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert [(r["day"], r["new_members"], r["gmv_fen"]) for r in rows] == [
        (DAY1, "3", str(price)),
        (DAY2, "2", str(price)),
    ]
    _, rows = fetch_csv(stack, f"/admin/analytics/sources?{RANGE}&format=csv")
    assert [(r["day"], r["source"], r["label"], r["visits"]) for r in rows] == [
        (DAY1, "oa_article:123", "双11文章", "2"),
        (DAY1, "oa_menu:home", "公众号菜单·首页", "1"),
        (DAY2, "oa_article:123", "双11文章", "1"),
        (DAY2, "oa_menu:home", "公众号菜单·首页", "2"),
    ]
    only_day2 = get(stack, f"/admin/analytics/sources?from={DAY2}&to={DAY2}")
    assert {(r["day"], r["source"]) for r in only_day2["days"]} == {
        (DAY2, "oa_article:123"),
        (DAY2, "oa_menu:home"),
    }


def test_bad_ranges_and_labels_are_refused_naming_the_field(stack: Stack) -> None:
    for query, field in [
        ("from=2026-13-01&to=2026-11-02", "from"),
        ("from=2026-11-01&to=yesterday", "to"),
        ("from=2026-11-03&to=2026-11-02", "from"),
        ("from=2025-11-01&to=2026-11-02", "to"),
        ("from=2026-11-01&to=2026-11-02&format=xlsx", "format"),
    ]:
        for route in ("overview", "sources"):
            status, answer = stack.call("GET", f"/admin/analytics/{route}?{query}", admin=True)
            assert status == 400, (route, query, answer)
            assert answer["details"]["errors"][0]["field"] == field, answer
    assert get(stack, "/admin/analytics/overview?from=2025-11-02&to=2026-11-02")["days"]  # 366

    for source, label, field in [
        ("bogus", "名字", "source"),
        ("oa_menu:a%20b", "名字", "source"),
        ("oa_menu:home", "", "label"),
        ("oa_menu:home", "x" * 41, "label"),
        ("oa_menu:home", "a\nb", "label"),
    ]:
        status, answer = stack.call(
            "PUT", f"/admin/analytics/sources/{source}", admin=True, body={"label": label}
        )
        assert status == 400, (source, label, answer)
        assert answer["details"]["errors"][0]["field"] == field, answer
    assert get(stack, "/admin/analytics/sources/labels")["items"] == []
    assert stack.call("GET", "/admin/analytics/overview")[0] == 401


def test_racing_logins_count_each_member_once_as_active(stack: Stack) -> None:
    users = ["r0", "r1"]
    for user in users:
        visit(stack, user, MENU)
    codes = [stack.sandbox.mint_login_code(users[i % 2])["code"] for i in range(8)]
    stack.settle()

    def log_in(i: int) -> int:
        body = {"code": codes[i], "scene": 1058, "query": "from=article&id=7"}
        url = stack.base_url + "/auth/login"
        return requests.post(url, json=body, timeout=60).status_code

    won, lost = split(race(8, log_in))
    assert (won, lost) == ([200] * 8, [])
    day = get(stack, "/admin/analytics/overview?from=2026-11-01&to=2026-11-01")["days"][0]
    assert (day["active_members"], day["visits"], day["new_members"]) == (2, 10, 2)
    sources = get(stack, "/admin/analytics/sources?from=2026-11-01&to=2026-11-01")["sources"]
    assert {s["source"]: s["visits"] for s in sources} == {"oa_menu:home": 2, "oa_article:7": 8}
