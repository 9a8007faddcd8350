"""Product search over HTTP on both runtimes: Chinese matching, the four sorts,
cursor pages, refusals naming the parameter, and hot search terms."""

from __future__ import annotations

import json
import socket
from datetime import timedelta
from typing import Any

from chalicelib.domain.ids import product_id_for
from tests.support.stack import Stack

CATALOGUE = [
    ("oolong", "乌龙茶", "茶叶", "OOLONG", 5800),
    ("longjing", "龙井绿茶", "茶叶", "LONGJING", 8800),
    ("teaset", "茶具套装", "茶具", "TEASET", 19900),
    ("cup", "Glass Cup 玻璃杯", "茶具", "CUP", 2900),
    ("dragon", "龙眼干", "干果", "LONGAN", 3900),
]


def list_catalogue(stack: Stack) -> None:
    for slug, title, category, sku, price in CATALOGUE:
        body = {
            "slug": slug,
            "title": title,
            "category": category,
            "skus": [{"sku_id": sku, "name": "标准装", "price_fen": price, "stock": 20}],
        }
        status, answer = stack.call("POST", "/admin/products", admin=True, body=body)
        assert status == 201, answer
        stack.clock.advance(seconds=1)


def titles(stack: Stack, query: str) -> list[str]:
    status, answer = stack.call("GET", "/products" + query)
    assert status == 200, answer
    return [item["title"] for item in answer["items"]]


def buy(stack: Stack, user: str, sku: str, quantity: int) -> None:
    token = stack.login(user)
    body = {
        "lines": [{"sku_id": sku, "quantity": quantity}],
        "delivery": {"method": "pickup", "store_id": "s1"},
    }
    status, order = stack.call("POST", "/orders", token=token, body=body)
    assert status == 201, order
    assert stack.call("POST", f"/orders/{order['id']}/pay", token=token)[0] == 200
    assert stack.sandbox.pay(order["id"].replace("-", "")) == [204]


def test_chinese_queries_find_titles_categories_and_skus(stack: Stack) -> None:
    list_catalogue(stack)
    assert titles(stack, "?q=龙&sort=new") == ["龙眼干", "龙井绿茶", "乌龙茶"]
    assert titles(stack, "?q=绿茶") == ["龙井绿茶"]
    assert titles(stack, "?q=茶具&sort=price_asc") == ["Glass Cup 玻璃杯", "茶具套装"]
    assert titles(stack, "?q=龙&category=茶叶&sort=price_desc") == ["龙井绿茶", "乌龙茶"]
    assert titles(stack, "?q=ｇｌａｓｓ%20杯") == ["Glass Cup 玻璃杯"]
    assert len(titles(stack, "?q=标准装")) == 5  # SKU names
    assert titles(stack, "?q=咖啡") == [] and titles(stack, "?q=%EF%BC%81") == []
    status, answer = stack.call("GET", "/products?category=茶叶")
    assert status == 200 and answer["next_cursor"] is None
    assert {item["title"] for item in answer["items"]} == {"乌龙茶", "龙井绿茶"}
    item = answer["items"][0]
    assert {"id", "slug", "description", "images", "on_sale"} <= set(item)
    assert item["skus"][0]["available"] == 20  # the listing's shape, stock included


def test_sorts_by_sales_price_and_listing_with_cursor_pages(stack: Stack) -> None:
    list_catalogue(stack)
    buy(stack, "alice", "CUP", 3)
    buy(stack, "bob", "LONGJING", 2)
    buy(stack, "carol", "LONGAN", 1)
    assert titles(stack, "?sort=sales") == [
        "Glass Cup 玻璃杯",
        "龙井绿茶",
        "龙眼干",
        *unsold_by_id(),
    ]
    assert titles(stack, "?sort=price_asc")[0] == "Glass Cup 玻璃杯"
    assert titles(stack, "?sort=price_desc")[0] == "茶具套装"
    assert titles(stack, "?sort=new")[0] == "龙眼干"

    pages: list[list[str]] = []
    cursor: str | None = None
    while True:
        query = "?sort=price_asc&limit=2" + (f"&cursor={cursor}" if cursor else "")
        status, answer = stack.call("GET", "/products" + query)
        assert status == 200, answer
        pages.append([item["title"] for item in answer["items"]])
        cursor = answer["next_cursor"]
        if cursor is None:
            break
    assert pages == [
        ["Glass Cup 玻璃杯", "龙眼干"],
        ["乌龙茶", "龙井绿茶"],
        ["茶具套装"],
    ]
    status, wrong_sort = stack.call("GET", f"/products?sort=new&cursor={first_cursor(stack)}")
    assert status == 400 and fields_of(wrong_sort) == ["cursor"]


def unsold_by_id() -> list[str]:
    """The products nobody bought: tied in sales, in product id order."""
    unsold = {str(product_id_for("oolong")): "乌龙茶", str(product_id_for("teaset")): "茶具套装"}
    return [unsold[pid] for pid in sorted(unsold)]


def first_cursor(stack: Stack) -> str:
    _, answer = stack.call("GET", "/products?sort=price_asc&limit=1")
    return str(answer["next_cursor"])


def fields_of(answer: dict[str, Any]) -> list[str]:
    return [e["field"] for e in answer["details"]["errors"]]


def test_bad_parameters_are_400s_naming_them(stack: Stack) -> None:
    list_catalogue(stack)
    for query, field in [
        ("?sort=rating", "sort"),
        ("?q=", "q"),
        ("?q=" + "茶" * 51, "q"),
        ("?limit=0", "limit"),
        ("?limit=51", "limit"),
        ("?limit=ten", "limit"),
        ("?cursor=not-a-cursor", "cursor"),
        ("?cursor=%00", "cursor"),
    ]:
        status, answer = stack.call("GET", "/products" + query)
        assert status == 400 and fields_of(answer) == [field], (query, answer)
    status, answer = stack.call("GET", "/products?sort=rating")
    assert "sales, price_asc, price_desc, new" in answer["message"]
    assert stack.call("GET", "/products?q=" + "茶" * 50)[0] == 200
    assert stack.call("GET", "/search/hot?limit=0")[0] == 400


def track_searches(stack: Stack, *terms: str) -> None:
    at = stack.clock.now().isoformat()
    stamp = int(stack.clock.now().timestamp())
    events = [
        {"id": f"s{i}-{stamp}", "kind": "search", "at": at, "text": term, "result_count": 1}
        for i, term in enumerate(terms)
    ]
    body = {"install_id": "inst-search-0001", "events": events}
    status, answer = stack.call("POST", "/track", body=body)
    assert status == 200 and answer["accepted"] == len(terms), answer


def test_hot_terms_are_the_last_seven_days_searches(stack: Stack) -> None:
    track_searches(stack, "乌龙", "乌龙", "茶具", "乌龙", "茶具", "玻璃杯", "乌龙", "茶具")
    status, hot = stack.call("GET", "/search/hot?limit=1")
    assert status == 200, hot
    assert hot["items"] == [{"term": "乌龙", "searches": 4}]
    _, hot = stack.call("GET", "/search/hot")
    assert hot["items"] == [{"term": "乌龙", "searches": 4}, {"term": "茶具", "searches": 3}]
    stack.clock.advance(days=6)
    track_searches(stack, "绿茶", "绿茶", "ＬＯＮＧ  ＪＩＮＧ", "long jing", "Long Jing")
    assert stack.call("GET", "/search/hot")[1]["items"] == [
        {"term": "乌龙", "searches": 4},
        {"term": "long jing", "searches": 3},  # ties by term
        {"term": "茶具", "searches": 3},
    ]
    stack.clock.advance(days=1)  # the first day's searches are now eight days ago
    _, hot = stack.call("GET", "/search/hot")
    assert hot["items"] == [{"term": "long jing", "searches": 3}]  # 绿茶: only twice
    assert hot["days"] == [
        (stack.clock.now() - timedelta(days=6)).date().isoformat(),
        stack.clock.now().date().isoformat(),
    ]


def test_a_query_sent_as_raw_utf8_reads_as_utf8(stack: Stack) -> None:
    """`curl 'localhost:8000/products?q=龙'` sends the bytes unencoded."""
    list_catalogue(stack)
    stack.settle()
    host, port = stack.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(
            "GET /products?q=龙井&sort=new HTTP/1.1\r\n".encode()
            + f"Host: {host}\r\nConnection: close\r\n\r\n".encode()
        )
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.split()[1] == b"200", received
    assert [item["title"] for item in json.loads(body)["items"]] == ["龙井绿茶"]
