"""Favourites (我的收藏) over HTTP on both runtimes: kept once, newest first,
cursor-paged, each with the product as the catalogue shows it now."""

from __future__ import annotations

from chalicelib.domain.ids import product_id_for
from tests.support.stack import Stack


def test_favourites_are_kept_once_and_paged_newest_first(stack: Stack) -> None:
    tea = stack.list_product("tea", [("TEA", 6800, 5), ("TEA-BIG", 5800, 5)])["id"]
    cup = stack.list_product("cup", [("CUP", 1200, 5)])["id"]
    alice = stack.login("alice")
    for product_id in (tea, cup, tea):
        status, kept = stack.call("PUT", f"/me/favourites/{product_id}", token=alice)
        assert status == 200 and kept["favourite"] is True, kept
        stack.clock.advance(seconds=1)
    assert stack.call("POST", f"/admin/products/{cup}/off-sale", admin=True)[0] == 200

    status, first = stack.call("GET", "/me/favourites?limit=1", token=alice)
    assert status == 200, first
    (entry,) = first["items"]
    assert entry["product_id"] == cup
    assert (entry["title"], entry["lowest_price_fen"], entry["on_sale"]) == ("Cup", 1200, False)
    _, rest = stack.call(
        "GET", f"/me/favourites?limit=1&cursor={first['next_cursor']}", token=alice
    )
    assert [(e["product_id"], e["lowest_price_fen"], e["on_sale"]) for e in rest["items"]] == [
        (tea, 5800, True)
    ]
    assert rest["next_cursor"] is None

    assert stack.call("DELETE", f"/me/favourites/{cup}", token=alice)[0] == 204
    assert stack.call("DELETE", f"/me/favourites/{cup}", token=alice)[0] == 204
    _, left = stack.call("GET", "/me/favourites", token=alice)
    assert [e["product_id"] for e in left["items"]] == [tea]
    bob = stack.login("bob")
    assert stack.call("GET", "/me/favourites", token=bob)[1] == {"items": [], "next_cursor": None}


def test_favourites_refuse_what_is_wrong_and_change_nothing(stack: Stack) -> None:
    stack.list_product("tea", [("TEA", 6800, 5)])
    alice = stack.login("alice")
    before = stack.event_count()
    status, answer = stack.call("PUT", f"/me/favourites/{product_id_for('nope')}", token=alice)
    assert (status, answer["code"]) == (404, "not_found")
    assert stack.call("PUT", f"/me/favourites/{product_id_for('tea')}")[0] == 401
    for query, field in (("cursor=abc", "cursor"), ("limit=0", "limit"), ("limit=101", "limit")):
        status, answer = stack.call("GET", f"/me/favourites?{query}", token=alice)
        assert status == 400, answer
        assert answer["details"]["errors"][0]["field"] == field
    assert stack.event_count() == before
