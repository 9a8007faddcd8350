"""The acquisition funnel and the share rate per experiment variant over HTTP
on both runtimes, from a small population whose answers are known in advance:
launches before login credited to the member at login, a registration without
any launch counted from its own entry, an install that never logged in
counted as a first visit only, and a share before the exposure not counted."""

from __future__ import annotations

from typing import Any

from tests.support.stack import Stack

from .test_experiments import admin
from .test_members_and_benefits import order_body, pay

ARTICLE = {"from": "article", "id": "123"}
SHARE_COPY: dict[str, Any] = {
    "key": "share-copy",
    "hypothesis": "a warmer share copy gets shared more",
    "variants": [
        {"key": "plain", "weight": 1, "control": True, "payload": {"copy": "分享"}},
        {"key": "warm", "weight": 1, "payload": {"copy": "分享给好友,一起喝茶"}},
    ],
    "audience": {"kind": "everyone", "traffic_percent": 100},
    "primary_metric": "conversion",
    "conversion_window_days": 7,
    "guardrails": ["share_rate"],
    "minimum_detectable_effect": 0.1,
}
DAY = "from=2026-11-01&to=2026-11-01"  # the stack's clock starts at 10:00 Beijing


def track(stack: Stack, events: list[dict[str, Any]], **auth: Any) -> None:
    at = stack.clock.now().isoformat()
    body = {"events": [{"at": at, **event} for event in events], **auth.pop("body", {})}
    status, answer = stack.call("POST", "/track", body=body, **auth)
    assert status == 200 and answer["accepted"] == len(events), answer


def launch(client_id: str, scene: int, query: dict[str, str]) -> dict[str, Any]:
    fields = {"scene": scene, "query": query, "path": "pages/index/index"}
    return {"id": client_id, "kind": "launch", **fields}


def share(client_id: str) -> dict[str, Any]:
    return {"id": client_id, "kind": "share", "path": "pages/index/index", "channel": "chat"}


def log_in(stack: Stack, user: str, scene: int, query: dict[str, str], **extra: Any) -> str:
    code = stack.sandbox.mint_login_code(user)["code"]
    body = {"code": code, "scene": scene, "query": query, **extra}
    status, answer = stack.call("POST", "/auth/login", body=body)
    assert status == 200, answer
    return str(answer["token"])


def arm(stack: Stack, token: str) -> str:
    status, answer = stack.call("GET", "/experiments?keys=share-copy", token=token)
    assert status == 200 and answer["experiments"]["share-copy"]["in_experiment"], answer
    return str(answer["experiments"]["share-copy"]["variant"])


def counts(steps: list[dict[str, Any]]) -> list[int]:
    return [step["count"] for step in steps]


def test_the_funnel_and_the_share_rate_of_a_known_population(stack: Stack) -> None:
    product = stack.list_product("tea", [("TEA", 6000, 50)])
    admin(stack, "POST", "/admin/experiments", SHARE_COPY, status=201)
    admin(stack, "POST", "/admin/experiments/share-copy/start")

    # ann: an article visit and a product view before login, then registers and buys
    install = {"body": {"install_id": "inst-ann-000001"}}
    view = {"id": "v1", "kind": "product_view", "product_id": product["id"]}
    track(stack, [launch("l1", 1058, ARTICLE), view], **install)
    stack.clock.advance(minutes=1)
    ann = log_in(stack, "ann", 1058, ARTICLE, install_id="inst-ann-000001")
    arms = {"ann": arm(stack, ann)}
    stack.clock.advance(minutes=1)
    track(stack, [share("s1")], token=ann)
    status, order = stack.call("POST", "/orders", token=ann, body=order_body("TEA"))
    assert status == 201, order
    pay(stack, ann, order["id"])

    # bob: a scan, no launch reported; shares, and only then is exposed
    bob = log_in(stack, "bob", 1011, {})
    track(stack, [share("s1")], token=bob)
    stack.clock.advance(minutes=1)
    arms["bob"] = arm(stack, bob)

    # an install from the official-account menu that never logs in
    track(stack, [launch("l1", 1035, {"type": "home"})], body={"install_id": "inst-cat-000003"})

    results = admin(stack, "GET", "/admin/experiments/share-copy/results")
    expected = {key: (0, 0) for key in ("plain", "warm")}
    for member, shared in (("ann", 1), ("bob", 0)):
        exposed, sharers = expected[arms[member]]
        expected[arms[member]] = (exposed + 1, sharers + shared)
    found = {v["variant"]: (v["share_exposures"], v["sharers"]) for v in results["variants"]}
    assert found == expected
    for row in results["variants"]:
        exposed, sharers = expected[row["variant"]]
        assert row["share_rate"] == (sharers / exposed if exposed else 0.0)
    assert any(note.startswith("share rate") for note in results["notes"])

    status, answer = stack.call("GET", f"/admin/analytics/funnel?{DAY}&window_days=7", admin=True)
    assert status == 200, answer
    acquisition = answer["acquisition"]
    assert counts(acquisition["steps"]) == [3, 2, 1, 1, 1]
    assert acquisition["steps"][1]["conversion"] == 2 / 3
    assert {s["source"]: counts(s["steps"]) for s in acquisition["sources"]} == {
        "oa_article:123": [1, 1, 1, 1, 1],
        "scan": [1, 1, 0, 0, 0],
        "oa_menu:home": [1, 0, 0, 0, 0],
    }
    assert "first_visit" in acquisition["definitions"]

    status, bad = stack.call("GET", f"/admin/analytics/funnel?{DAY}&window_days=31", admin=True)
    assert status == 400 and bad["details"]["errors"][0]["field"] == "window_days", bad
