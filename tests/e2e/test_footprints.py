"""Footprints (我的足迹) over HTTP on both runtimes: the products a member viewed
(`product_view` events sent to POST /track), each once at its latest view,
newest first, cursor-paged; another member's views and views before login are
not theirs; a closed account's footprints go."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.support.stack import Stack

INSTALL = "inst-0001-abcdef"


def viewed(stack: Stack, client_id: str, product_id: str, minutes_ago: int) -> dict[str, Any]:
    at = stack.clock.now() - timedelta(minutes=minutes_ago)
    return {"id": client_id, "kind": "product_view", "at": at.isoformat(), "product_id": product_id}


def test_footprints_show_each_viewed_product_once_newest_first(stack: Stack) -> None:
    tea = stack.list_product("tea", [("TEA", 6800, 5)])["id"]
    cup = stack.list_product("cup", [("CUP", 1200, 5)])["id"]
    alice, bob = stack.login("alice"), stack.login("bob")
    views = [
        viewed(stack, "v1", tea, 30),
        viewed(stack, "v2", cup, 20),
        viewed(stack, "v3", tea, 10),
    ]
    status, answer = stack.call("POST", "/track", token=alice, body={"events": views})
    assert (status, answer["accepted"]) == (200, 3), answer
    assert stack.call("POST", "/track", token=bob, body={"events": [views[1]]})[0] == 200
    before_login = {"install_id": INSTALL, "events": [viewed(stack, "v9", cup, 1)]}
    assert stack.call("POST", "/track", body=before_login)[0] == 200

    status, first = stack.call("GET", "/me/footprints?limit=1", token=alice)
    assert status == 200, first
    (entry,) = first["items"]
    assert (entry["product_id"], entry["title"], entry["lowest_price_fen"]) == (tea, "Tea", 6800)
    cursor = first["next_cursor"]
    _, rest = stack.call("GET", f"/me/footprints?limit=1&cursor={cursor}", token=alice)
    assert [e["product_id"] for e in rest["items"]] == [cup]
    assert rest["next_cursor"] is None
    _, bobs = stack.call("GET", "/me/footprints", token=bob)
    assert [e["product_id"] for e in bobs["items"]] == [cup]

    status, answer = stack.call("GET", "/me/footprints?cursor=%00", token=alice)
    assert (status, answer["details"]["errors"][0]["field"]) == (400, "cursor")
    assert stack.call("GET", "/me/footprints")[0] == 401
    assert stack.call("DELETE", "/me", token=alice)[0] == 200
    alice = stack.login("alice")
    assert stack.call("GET", "/me/footprints", token=alice)[1]["items"] == []
