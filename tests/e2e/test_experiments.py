"""A/B tests over HTTP on both runtimes: define, start, members told their
arm (one exposure each, also under 8 racing calls), orders paid in and out of
the conversion window and a refund, the results and their CSV; pause answers
the control; illegal transitions are 409s and bad definitions 400s naming the
field; and the 满减 vs 折扣 新人券 run end to end with no client work."""

from __future__ import annotations

import csv
import io
from collections import Counter
from typing import Any

from chalicelib.domain.exposure import Exposure
from tests.support.races import race, split
from tests.support.stack import ADMIN, Stack

from .test_members_and_benefits import define, order_body, pay, refund

BUY_COPY: dict[str, Any] = {
    "key": "buy-copy",
    "hypothesis": "限时抢购 converts better than 立即购买",
    "variants": [
        {"key": "buy-now", "weight": 1, "control": True, "payload": {"button": "立即购买"}},
        {"key": "limited", "weight": 1, "payload": {"button": "限时抢购"}},
    ],
    "audience": {"kind": "everyone", "traffic_percent": 100},
    "primary_metric": "conversion",
    "conversion_window_days": 7,
    "guardrails": ["refund_rate"],
    "minimum_detectable_effect": 0.1,
}
MANJIAN = {
    "code": "manjian",
    "title": "新人券 满50减10",
    "terms": {"kind": "threshold", "amount_fen": 1000, "threshold_fen": 5000},
    "trigger": "first_login",
    "valid_days": 7,
}
ZHEKOU = {
    "code": "zhekou",
    "title": "新人券 9折",
    "terms": {"kind": "discount", "rate_percent": 90, "cap_fen": 2000},
    "trigger": "first_login",
    "valid_days": 7,
}
DEFAULT = {**MANJIAN, "code": "welcome", "title": "新人券 默认"}


def admin(stack: Stack, method: str, path: str, body: Any = None, status: int = 200) -> Any:
    got, answer = stack.call(method, path, admin=True, body=body)
    assert got == status, answer
    return answer


def arms(stack: Stack, token: str, keys: str = "buy-copy") -> dict[str, Any]:
    status, answer = stack.call("GET", f"/experiments?keys={keys}", token=token)
    assert status == 200, answer
    return dict(answer["experiments"])


def exposures_stored(stack: Stack) -> Counter[str]:
    stack.settle()
    store = stack.container.shop.store
    counted: Counter[str] = Counter()
    for notification in store.recorder.select_notifications(start=None, limit=100_000):
        event = store.mapper.to_domain_event(notification)
        if isinstance(event, Exposure.Recorded):
            counted[f"{event.experiment}|{event.member_id}"] += 1
    return counted


def test_define_start_expose_once_pay_and_read_the_results(stack: Stack) -> None:
    stack.list_product("tea", [("TEA", 6000, 50)])
    created = admin(stack, "POST", "/admin/experiments", BUY_COPY, status=201)
    assert (
        created["status"] == "draft" and created["variants"][1]["payload"]["button"] == "限时抢购"
    )
    alice = stack.login("alice")
    assert arms(stack, alice)["buy-copy"] == {
        "variant": "buy-now",
        "payload": {"button": "立即购买"},
        "in_experiment": False,
    }  # a draft: the control, nothing recorded
    assert admin(stack, "POST", "/admin/experiments/buy-copy/start")["status"] == "running"

    url = f"{stack.base_url}/experiments?keys=buy-copy,nope"
    outcomes = race(
        8, lambda _: stack.http.get(url, headers={"Authorization": f"Bearer {alice}"}).json()
    )
    answers, errors = split(outcomes)
    assert not errors
    assert {a["experiments"]["buy-copy"]["variant"] for a in answers} == {
        answers[0]["experiments"]["buy-copy"]["variant"]
    }
    assert (
        answers[0]["unknown"] == ["nope"] and answers[0]["experiments"]["buy-copy"]["in_experiment"]
    )
    tokens = {"alice": alice, **{u: stack.login(u) for u in ("bob", "carol", "dave")}}
    told = {user: arms(stack, token)["buy-copy"]["variant"] for user, token in tokens.items()}
    assert told == {
        user: arms(stack, token)["buy-copy"]["variant"] for user, token in tokens.items()
    }
    stored = exposures_stored(stack)
    assert len(stored) == 4 and set(stored.values()) == {1}  # one exposure per member, ever

    orders = {}
    for user in ("alice", "bob", "carol"):
        _, placed = stack.call("POST", "/orders", token=tokens[user], body=order_body("TEA"))
        orders[user] = placed
        pay(stack, tokens[user], placed["id"])
    refund(stack, orders["bob"]["id"])
    stack.clock.advance(days=8)  # dave orders past the window: not counted
    dave = stack.login("dave")  # the old session has expired
    _, late = stack.call("POST", "/orders", token=dave, body=order_body("TEA"))
    pay(stack, dave, late["id"])

    results = admin(stack, "GET", "/admin/experiments/buy-copy/results")
    rows = {row["variant"]: row for row in results["variants"]}
    payable = orders["alice"]["price"]["payable_fen"]
    for variant, row in rows.items():
        members = [u for u, v in told.items() if v == variant]
        paying = [u for u in members if u in orders]
        assert row["exposures"] == len(members)
        assert row["conversions"] == len(paying)
        assert row["orders_paid"] == len(paying) and row["paid_fen"] == payable * len(paying)
        kept = [u for u in paying if u != "bob"]
        assert row["revenue_fen"] == payable * len(kept)
        assert row["revenue_fen_squares"] == payable**2 * len(kept)
        assert row["orders_refunded"] == ("bob" in paying)
    assert rows["limited"]["vs_control"]["conversion"]["p_value"] <= 1.0
    assert 0.0 <= rows["limited"]["chance_to_beat_control"] <= 1.0
    assert results["sample_ratio"]["degrees_of_freedom"] == 1
    assert any("needs" in w or "computable" in w for w in results["warnings"])

    response = stack.http.get(
        stack.base_url + "/admin/experiments/buy-copy/results?format=csv", headers=ADMIN
    )
    assert response.status_code == 200 and response.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {r["variant"]: int(r["exposures"]) for r in table} == {
        v: rows[v]["exposures"] for v in rows
    }

    admin(stack, "POST", "/admin/experiments/buy-copy/pause")
    alice = stack.login("alice")
    assert arms(stack, alice)["buy-copy"]["variant"] == "buy-now"  # paused: the control
    admin(stack, "POST", "/admin/experiments/buy-copy/start")
    assert arms(stack, alice)["buy-copy"]["variant"] == told["alice"]  # back to their arm
    listed = admin(stack, "GET", "/admin/experiments")["experiments"]
    assert [e["key"] for e in listed] == ["buy-copy"]
    assert admin(stack, "GET", "/admin/experiments/buy-copy")["status"] == "running"


def test_illegal_transitions_and_bad_definitions(stack: Stack) -> None:
    before = stack.event_count()
    bad = {
        "variants": {**BUY_COPY, "variants": BUY_COPY["variants"][:1]},
        "variants[1].payload": {
            **BUY_COPY,
            "variants": [
                BUY_COPY["variants"][0],
                {"key": "b", "weight": 1, "payload": {"x": "长" * 2000}},
            ],
        },
        "audience.traffic_percent": {**BUY_COPY, "audience": {"traffic_percent": 0}},
        "audience.source": {**BUY_COPY, "audience": {"kind": "source", "source": "nowhere:x"}},
        "conversion_window_days": {**BUY_COPY, "conversion_window_days": 61},
        "minimum_detectable_effect": {**BUY_COPY, "minimum_detectable_effect": 0},
        "key": {**BUY_COPY, "key": "Not A Slug"},
        "variants[1].welcome_coupon_templates": {
            **BUY_COPY,
            "variants": [
                BUY_COPY["variants"][0],
                {**BUY_COPY["variants"][1], "welcome_coupon_templates": ["missing"]},
            ],
        },
    }
    for field, body in bad.items():
        status, error = stack.call("POST", "/admin/experiments", admin=True, body=body)
        assert status == 400, (field, error)
        named = {e["field"] for e in error["details"]["errors"]}
        assert any(f == field or f.startswith(field + ".") for f in named), (field, error)
    assert stack.event_count() == before

    admin(stack, "POST", "/admin/experiments", BUY_COPY, status=201)
    admin(stack, "POST", "/admin/experiments", BUY_COPY, status=409)  # the key is taken
    for action in ("pause", "stop"):
        error = admin(stack, "POST", f"/admin/experiments/buy-copy/{action}", status=409)
        assert error["code"] == "invalid_transition"
    admin(stack, "PUT", "/admin/experiments/buy-copy/weights", {"weights": {"buy-now": 1}}, 400)
    admin(
        stack,
        "PUT",
        "/admin/experiments/buy-copy/weights",
        {"weights": {"buy-now": 1, "limited": 3}},
    )
    admin(stack, "POST", "/admin/experiments/buy-copy/start")
    admin(stack, "POST", "/admin/experiments/buy-copy/start", status=409)
    weights = {"weights": {"buy-now": 1, "limited": 1}}
    assert admin(stack, "PUT", "/admin/experiments/buy-copy/weights", weights, 409)["code"] == (
        "invalid_transition"
    )
    admin(stack, "POST", "/admin/experiments/buy-copy/stop")
    admin(stack, "POST", "/admin/experiments/buy-copy/start", status=409)
    admin(stack, "GET", "/admin/experiments/nope", status=404)
    admin(stack, "GET", "/admin/experiments/nope/results", status=404)
    assert stack.call("GET", "/experiments?keys=buy-copy")[0] == 401
    token = stack.login("alice")
    for keys in ("", ",", "A B", ",".join(f"k{n}" for n in range(21))):
        status, error = stack.call("GET", f"/experiments?keys={keys}", token=token)
        assert status == 400 and error["details"]["errors"][0]["field"] == "keys"
    assert arms(stack, token)["buy-copy"]["in_experiment"] is False  # stopped


def test_manjian_against_zhekou_on_the_welcome_coupon(stack: Stack) -> None:
    for template in (MANJIAN, ZHEKOU, DEFAULT):
        define(stack, template)
    experiment = {
        **BUY_COPY,
        "key": "welcome-coupon",
        "hypothesis": "满减 converts new members better than 折扣",
        "variants": [
            {"key": "zhekou", "weight": 1, "control": True, "welcome_coupon_templates": ["zhekou"]},
            {"key": "manjian", "weight": 1, "welcome_coupon_templates": ["manjian"]},
        ],
        "audience": {"kind": "new_members", "traffic_percent": 100},
    }
    admin(stack, "POST", "/admin/experiments", experiment, status=201)
    old = stack.login("old-member")  # registered before the start: outside the audience
    stack.clock.advance(minutes=1)
    admin(stack, "POST", "/admin/experiments/welcome-coupon/start")
    second = {**experiment, "key": "another-welcome"}
    admin(stack, "POST", "/admin/experiments", second, status=201)
    taken = admin(stack, "POST", "/admin/experiments/another-welcome/start", status=409)
    assert taken["code"] == "welcome_coupons_taken"

    titles = {"zhekou": ZHEKOU["title"], "manjian": MANJIAN["title"]}
    seen = set()
    for n in range(12):
        token = stack.login(f"new-{n}")
        arm = arms(stack, token, "welcome-coupon")["welcome-coupon"]
        assert arm["in_experiment"]
        _, mine = stack.call("GET", "/me/coupons", token=token)
        assert [c["title"] for c in mine["items"]] == [titles[arm["variant"]]]
        seen.add(arm["variant"])
        stack.login(f"new-{n}")  # a second login gives nothing more
        assert len(stack.call("GET", "/me/coupons", token=token)[1]["items"]) == 1
    assert seen == {"zhekou", "manjian"}
    _, mine = stack.call("GET", "/me/coupons", token=old)
    assert [c["title"] for c in mine["items"]] == [DEFAULT["title"]]
    assert arms(stack, old, "welcome-coupon")["welcome-coupon"]["in_experiment"] is False

    results = admin(stack, "GET", "/admin/experiments/welcome-coupon/results")
    assert sum(row["exposures"] for row in results["variants"]) == 12
    admin(stack, "POST", "/admin/experiments/welcome-coupon/stop")
    late = stack.login("after-the-stop")
    _, mine = stack.call("GET", "/me/coupons", token=late)
    assert [c["title"] for c in mine["items"]] == [DEFAULT["title"]]
