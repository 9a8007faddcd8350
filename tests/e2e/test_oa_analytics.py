"""The official account's figures over HTTP on both runtimes, with a small
population whose answers the test knows in advance: a menu visitor and an
article visitor register, the article visitor is shown the follow prompt
(POST /track), both follow the account through its signed push and pay; the
menu visitor unfollows the next day. Entries per menu type and article,
followers gained and lost, linked, paid, 30-day retention (null until it is
known), the follow conversion, the CSV, and bad input refused naming the field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.support.stack import Stack

from .test_analytics import ARTICLE, MENU, fetch_csv, get, order, visit
from .test_members_and_benefits import pay

DAY1, DAY2 = "2026-11-01", "2026-11-02"
MORNING = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
PATH = f"/admin/analytics/official-account?from={DAY1}&to={DAY2}"


def follow(stack: Stack, user: str, kind: str = "subscribe") -> None:
    [(status, _)] = stack.wechat.oa_push(user, kind)
    assert status == 200


def prompt(stack: Stack, token: str) -> None:
    item = {"id": "p1", "kind": "follow_prompt", "at": stack.clock.now().isoformat()}
    body = {"events": [{**item, "path": "pages/orders/detail"}]}
    status, answer = stack.call("POST", "/track", token=token, body=body)
    assert (status, answer["accepted"]) == (200, 1), answer


def test_menu_and_article_entries_and_followers(stack: Stack) -> None:
    stack.list_product("tea", [("TEA", 5000, 50)])
    stack.clock.set(MORNING)
    art, men = visit(stack, "art", ARTICLE), visit(stack, "men", MENU)
    prompt(stack, art)
    stack.clock.advance(minutes=5)
    follow(stack, "art")
    follow(stack, "men")
    first = order(stack, art)
    price = first["price"]["payable_fen"]
    pay(stack, art, first["id"])
    pay(stack, men, order(stack, men)["id"])
    stack.clock.advance(days=1)
    follow(stack, "men", "unsubscribe")

    answer = get(stack, PATH)
    assert {"gained", "linked", "retained_30d", "payer_rate", "menu"} <= set(answer["definitions"])
    assert (answer["from"], answer["to"], answer["today"]) == (DAY1, DAY2, DAY2)
    entry = {
        "visits": 1,
        "new_members": 1,
        "orders_placed": 1,
        "orders_paid": 1,
        "payers": 1,
        "gmv_fen": price,
        "converted": 1,
        "conversion": 1.0,
        "payer_rate": 1.0,
    }
    [menu] = answer["entries"]["menu"]
    [article] = answer["entries"]["articles"]
    assert (menu["source"], menu["entry"], menu["label"]) == (
        "oa_menu:home",
        "home",
        "公众号菜单·首页",
    )
    assert (article["source"], article["entry"]) == ("oa_article:123", "123")
    assert {k: menu[k] for k in entry} == entry and {k: article[k] for k in entry} == entry

    day1, day2 = answer["followers"]["days"]
    assert {k: day1[k] for k in ("day", "gained", "lost", "linked", "linked_payers")} == {
        "day": DAY1,
        "gained": 2,
        "lost": 0,
        "linked": 2,
        "linked_payers": 2,
    }
    assert (day1["paid_rate"], day1["repurchasers"], day1["retained_30d"]) == (1.0, 0, None)
    assert (day2["gained"], day2["lost"], day2["net"]) == (0, 1, -1)
    prompts = answer["follow_conversion"]["days"][0]
    assert (prompts["prompted"], prompts["followed"], prompts["follow_conversion"]) == (1, 1, 1.0)

    stack.clock.set(MORNING + timedelta(days=30))  # day 30 after DAY1 has arrived
    later = get(stack, PATH)["followers"]
    assert (later["days"][0]["retained_30d"], later["days"][0]["retention_30d"]) == (1, 0.5)
    assert later["totals"]["retained_30d"] == 1

    response, rows = fetch_csv(stack, PATH + "&format=csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert [(r["section"], r["day"], r["source"], r["visits"]) for r in rows[:2]] == [
        ("entry", DAY1, "oa_article:123", "1"),
        ("entry", DAY1, "oa_menu:home", "1"),
    ]
    assert [(r["section"], r["day"], r["gained"], r["lost"]) for r in rows[2:4]] == [
        ("followers", DAY1, "2", "0"),
        ("followers", DAY2, "0", "1"),
    ]
    assert [(r["section"], r["day"], r["prompted"], r["followed"]) for r in rows[4:]] == [
        ("follow_conversion", DAY1, "1", "1"),
        ("follow_conversion", DAY2, "0", "0"),
    ]


def test_bad_input_is_refused_naming_the_field(stack: Stack) -> None:
    for query, field in [
        ("from=2026-13-01&to=2026-11-02", "from"),
        ("from=2026-11-03&to=2026-11-02", "from"),
        ("from=2025-11-01&to=2026-11-02", "to"),
        ("format=xlsx", "format"),
    ]:
        status, answer = stack.call("GET", f"/admin/analytics/official-account?{query}", admin=True)
        assert status == 400, (query, answer)
        assert answer["details"]["errors"][0]["field"] == field, answer
    assert stack.call("GET", "/admin/analytics/official-account")[0] == 401
    assert get(stack, "/admin/analytics/official-account")["followers"]["days"]  # 30 days
