"""Recommendations (猜你喜欢) over HTTP on both runtimes: a product's page shows
what was bought with it, then best sellers; the home page follows the member's
latest views and leaves out what they bought; best sellers without a session;
off-sale products never show; refusals name the parameter."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import uuid4

from tests.support.stack import Stack


def buy(stack: Stack, user: str, *skus: str) -> str:
    token = stack.login(user)
    body = {
        "lines": [{"sku_id": sku, "quantity": 1} for sku in skus],
        "delivery": {"method": "pickup", "store_id": "s1"},
    }
    status, order = stack.call("POST", "/orders", token=token, body=body)
    assert status == 201, order
    assert stack.call("POST", f"/orders/{order['id']}/pay", token=token)[0] == 200
    assert stack.sandbox.pay(order["id"].replace("-", "")) == [204]
    return token


def view(stack: Stack, token: str, product_id: str, minutes_ago: int) -> None:
    at = stack.clock.now() - timedelta(minutes=minutes_ago)
    event = {"id": f"v-{product_id}", "kind": "product_view", "at": at.isoformat()}
    body = {"events": [dict(event, product_id=product_id)]}
    assert stack.call("POST", "/track", token=token, body=body)[0] == 200


def shown(stack: Stack, path: str, token: str | None = None) -> list[str]:
    status, answer = stack.call("GET", path, token=token)
    assert status == 200, answer
    assert all(item["on_sale"] for item in answer["items"])
    return [item["product_id"] for item in answer["items"]]


def test_recommendations_follow_purchases_views_and_sale_state(stack: Stack) -> None:
    ids: dict[str, Any] = {
        slug: stack.list_product(slug, [(slug.upper(), price, 20)])["id"]
        for slug, price in [("tea", 6800), ("cup", 1200), ("pot", 9900), ("cake", 800)]
    }
    ids["nuts"] = stack.list_product("nuts", [("NUTS", 3000, 20)])["id"]
    buyer = buy(stack, "u1", "TEA", "CUP")
    buy(stack, "u2", "TEA", "CUP")
    buy(stack, "u3", "TEA", "POT")
    for user in ("u4", "u5", "u6"):
        buy(stack, user, "NUTS")
    tea, cup, pot, cake, nuts = (ids[s] for s in ("tea", "cup", "pot", "cake", "nuts"))

    status, answer = stack.call("GET", f"/products/{tea}/recommendations?limit=2")
    assert status == 200, answer
    first = answer["items"][0]
    assert (first["product_id"], first["title"], first["lowest_price_fen"]) == (cup, "Cup", 1200)
    assert [item["product_id"] for item in answer["items"]] == [cup, pot]
    assert shown(stack, f"/products/{tea}/recommendations") == [cup, pot, nuts, cake]
    best = shown(stack, f"/products/{cake}/recommendations?limit=3")  # best sellers
    assert (set(best[:2]), best[2]) == ({tea, nuts}, cup)

    assert set(shown(stack, "/recommendations")[:2]) == {tea, nuts}  # best sellers, anyone
    alice = stack.login("alice")
    view(stack, alice, pot, 20)
    view(stack, alice, cup, 10)  # the latest view weighs most
    assert shown(stack, "/recommendations", alice) == [tea, nuts, cup, pot, cake]
    view(stack, buyer, pot, 5)  # bought tea and cup lately: neither is suggested
    assert shown(stack, "/recommendations", buyer) == [nuts, pot, cake]

    status, answer = stack.call("POST", f"/admin/products/{cake}/off-sale", admin=True)
    assert status == 200, answer
    assert cake not in shown(stack, f"/products/{tea}/recommendations")
    assert cake not in shown(stack, "/recommendations", alice)


def test_recommendation_refusals(stack: Stack) -> None:
    tea = stack.list_product("tea", [("TEA", 6800, 5)])["id"]
    status, answer = stack.call("GET", f"/products/{uuid4()}/recommendations")
    assert (status, answer["code"]) == (404, "not_found")
    assert stack.call("GET", "/products/nope/recommendations")[0] == 404
    for limit in ("0", "21", "x", "-1"):
        for path in (f"/products/{tea}/recommendations", "/recommendations"):
            status, answer = stack.call("GET", f"{path}?limit={limit}")
            assert (status, answer["details"]["errors"][0]["field"]) == (400, "limit"), path
    assert stack.call("GET", "/recommendations", token="not-a-session")[0] == 401
    assert shown(stack, "/recommendations?limit=20") == [tea]
