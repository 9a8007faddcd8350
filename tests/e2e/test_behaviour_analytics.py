"""The behaviour metrics over HTTP on both runtimes: a small population tracked
through POST /track (an article visitor first seen as an install who logs in,
views a product and the checkout, and pays; two menu visitors, one of whom
views a product and shares), and the overview, sources and daily funnel
answers the test knows in advance, with their CSV and the operators' view of
the behaviour projection."""

from __future__ import annotations

import csv
import io
from typing import Any
from uuid import uuid4

from tests.support.stack import ADMIN, Stack

from .test_members_and_benefits import order_body, pay

DAY = "2026-11-01"  # the stack's clock: 10:00 in Beijing
RANGE = f"from={DAY}&to={DAY}"
INSTALL = "install-e2e-article"
ARTICLE = {"scene": 1058, "query": {"from": "article", "id": "123"}, "path": "pages/home"}
MENU = {"scene": 1035, "query": {"from": "menu", "type": "home"}, "path": "pages/home"}


def tracked(stack: Stack, events: list[dict[str, Any]], **who: Any) -> None:
    at = stack.clock.now().isoformat()
    body = {"events": [{"at": at, **event} for event in events]}
    token = who.pop("token", None)
    status, answer = stack.call("POST", "/track", token=token, body={**body, **who})
    assert status == 200 and answer["accepted"] == len(events), answer


def log_in(stack: Stack, user: str, scene: int, query: str, **extra: Any) -> str:
    code = stack.sandbox.mint_login_code(user)["code"]
    login = {"code": code, "scene": scene, "query": query, **extra}
    status, answer = stack.call("POST", "/auth/login", body=login)
    assert status == 200, answer
    return str(answer["token"])


def get(stack: Stack, path: str) -> Any:
    status, answer = stack.call("GET", path, admin=True)
    assert status == 200, answer
    return answer


def populate(stack: Stack) -> None:
    stack.list_product("tea", [("TEA", 5000, 50)])
    product = str(uuid4())
    tracked(
        stack,
        [
            {"id": "i1", "kind": "launch", **ARTICLE},
            {"id": "i2", "kind": "product_view", "product_id": product},
        ],
        install_id=INSTALL,
    )
    a1 = log_in(stack, "a1", 1058, "from=article&id=123", install_id=INSTALL)
    tracked(stack, [{"id": "a1", "kind": "checkout_view"}], token=a1)
    _, placed = stack.call("POST", "/orders", token=a1, body=order_body("TEA"))
    pay(stack, a1, placed["id"])

    m1 = log_in(stack, "m1", 1035, "from=menu&type=home")
    tracked(
        stack,
        [
            {"id": "m1", "kind": "launch", **MENU},
            {"id": "m2", "kind": "product_view", "product_id": product},
            {"id": "m3", "kind": "share", "path": "pages/product", "channel": "chat"},
        ],
        token=m1,
    )
    m2 = log_in(stack, "m2", 1035, "from=menu&type=home")
    tracked(stack, [{"id": "n1", "kind": "launch", **MENU}], token=m2)


def test_overview_sources_and_daily_funnel_of_a_tracked_population(stack: Stack) -> None:
    populate(stack)

    overview = get(stack, f"/admin/analytics/overview?{RANGE}")
    (day,) = overview["days"]
    expected = {
        "launches": 3,
        "visitors": 3,  # the install counts as a1, whose own events follow
        "product_viewers": 2,
        "checkout_viewers": 1,
        "sharers": 1,
        "share_rate": 0.3333,
        "searches": 0,
        "new_members": 3,
        "payers": 1,
    }
    assert {k: day[k] for k in expected} == expected
    assert overview["totals"]["visitors"] == 3 and overview["totals"]["share_rate"] == 0.3333
    assert {"visitors", "share_rate", "behaviour_totals"} <= set(overview["definitions"])

    sources = {s["source"]: s for s in get(stack, f"/admin/analytics/sources?{RANGE}")["sources"]}
    article, menu = sources["oa_article:123"], sources["oa_menu:home"]
    assert (article["launches"], article["visitors"], article["visits"]) == (1, 1, 1)
    assert (menu["launches"], menu["visitors"], menu["visits"]) == (2, 2, 2)

    funnel = get(stack, f"/admin/analytics/funnel?{RANGE}&window_days=7")
    assert funnel["window_days"] == 7 and "acquisition" in funnel
    assert {"daily", "conversion"} <= set(funnel["definitions"])
    rows = {row["source"]: row for row in funnel["daily"]}
    steps = ("visitors", "product_viewers", "checkout_viewers", "orders", "payers")
    assert [rows["all"][s] for s in steps] == [3, 2, 1, 1, 1]
    assert [rows["oa_article:123"][s] for s in steps] == [1, 1, 1, 1, 1]
    assert [rows["oa_menu:home"][s] for s in steps] == [2, 1, 0, 0, 0]
    assert rows["oa_menu:home"]["conversion"]["product_viewers_per_visitors"] == 0.5
    assert rows["oa_menu:home"]["conversion"]["orders_per_checkout_viewers"] is None

    response = stack.http.get(
        f"{stack.base_url}/admin/analytics/funnel?{RANGE}&format=csv", headers=ADMIN
    )
    assert response.status_code == 200 and response.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    first = table[0]
    assert (first["source"], first["visitors"], first["payers"]) == ("all", "3", "1")
    response = stack.http.get(
        f"{stack.base_url}/admin/analytics/overview?{RANGE}&format=csv", headers=ADMIN
    )
    (row,) = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    assert (row["launches"], row["sharers"], row["share_rate"]) == ("3", "1", "0.3333")


def test_the_funnel_refuses_a_bad_window_and_the_projection_is_an_operators(stack: Stack) -> None:
    for bad in ("-1", "31", "x", "1e3", "%C2%B2", "0031"):  # "²" passes str.isdigit()
        status, answer = stack.call("GET", f"/admin/analytics/funnel?window_days={bad}", admin=True)
        assert status == 400, answer
        assert answer["details"]["errors"][0]["field"] == "window_days", answer

    status, answer = stack.call("GET", "/admin/projections", admin=True)
    assert status == 200
    items = {item["name"]: item for item in answer["items"]}
    assert items["behaviour_metrics"]["log"] == "behaviour"
    assert items["order_status"]["log"] == "order"
    assert "behaviour_log_position" in answer
    status, answer = stack.call("POST", "/admin/projections/behaviour_metrics/resume", admin=True)
    assert status == 409
    status, rebuilt = stack.call("POST", "/admin/projections/behaviour_metrics/rebuild", admin=True)
    assert status == 200 and rebuilt["rebuilt"] is True and rebuilt["log"] == "behaviour"
