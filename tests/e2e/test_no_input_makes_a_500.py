"""Whatever a caller sends, the answer is never a 500 and nothing is half-done."""

from __future__ import annotations

import pytest

from chalicelib.domain.ids import product_id_for
from tests.support.stack import ADMIN, Stack

TEA = f"/admin/products/{product_id_for('tea')}"

JUNK: list[bytes] = [
    b"",
    b"null",
    b"[]",
    b'"text"',
    b"42",
    b"{",
    b'{"a":',
    b"\xff\xfe",
    b'{"lines": null}',
    b'{"lines": [{"sku_id": {"x": 1}, "quantity": 1e99}]}',
    b'{"code": ""}',
    b'{"code": "' + b"x" * 5000 + b'"}',
    b'{"quantity": -1}',
    b'{"reason": ""}',
    b'{"skus": [{"sku_id": "../x", "price_fen": -5, "stock": 1}]}',
    b"[" * 1000 + b"]" * 1000,  # deep nesting: once a RecursionError in the JSON parser
    b'{"code": ' + b'{"a": ' * 1000 + b"1" + b"}" * 1001,
    b'{"query": {"a": ' + b"[" * 100_000,  # deep and unterminated
    b'{"code": "' + b"x" * 200_000 + b'"}',  # a huge body
    b'{"lines": [' + b'{"sku_id": "TEA", "quantity": 1},' * 4_000 + b"{}]}",  # a huge array
    b'{"starts_at": "0001-01-01T00:00:00+08:00", "ends_at": "9999-12-31T23:59:59-14:00"}',
]
# Routes whose command needs a valid body: junk must leave the event store as it was.
BODY_ROUTES = [
    ("POST", "/auth/login"),
    ("POST", "/orders"),
    ("POST", "/orders/{id}/refund"),
    ("POST", "/admin/products"),
    ("POST", "/admin/skus/NOPE/restock"),
    ("PATCH", TEA),
    ("PATCH", "/admin/products/{id}"),
    ("PUT", f"{TEA}/skus/TEA/price"),
    ("PUT", "/admin/products/{id}/skus/{id}/price"),
    ("POST", f"{TEA}/skus"),
    ("POST", "/admin/products/{id}/skus"),
    ("PUT", f"{TEA}/skus/TEA/low-stock"),
    ("PUT", "/admin/products/{id}/skus/{id}/low-stock"),
    ("POST", "/admin/orders/{id}/ship"),
    ("POST", "/admin/orders/{id}/refund/reject"),
    ("POST", "/webhooks/wechatpay/notify"),
    ("POST", "/checkout/quote"),
    ("POST", "/me/profile"),
    ("POST", "/me/phone"),
    ("POST", "/admin/orders/{id}/refund"),
    ("PUT", "/admin/levels"),
    ("POST", "/admin/coupon-templates"),
    ("POST", "/admin/campaigns"),
    ("POST", "/campaigns/{id}/orders"),
    ("POST", "/campaigns/{id}/teams"),
    ("POST", "/teams/{id}/orders"),
    ("POST", "/bargains/{id}/orders"),
    ("POST", "/me/subscribe-messages"),
    ("PUT", "/me/notification-preferences"),
    ("POST", "/webhooks/wechat/official-account?signature=x&timestamp=1&nonce=2"),
    ("POST", "/webhooks/wechat/official-account?encrypt_type=aes&msg_signature={id}"),
    ("POST", "/webhooks/wechat/mini-program?signature=x&timestamp=1&nonce=2"),
    ("POST", "/webhooks/wechat/mini-program?encrypt_type=aes&msg_signature={id}"),
    ("POST", "/track"),
    ("PUT", "/admin/analytics/sources/{id}"),
    ("PUT", "/admin/analytics/sources/oa_menu:home"),
    ("POST", "/admin/experiments"),
    ("PUT", "/admin/experiments/{id}/weights"),
    ("POST", "/orders/{id}/reviews"),
    ("POST", "/reviews/{id}/follow-up"),
    ("PUT", "/admin/reviews/{id}/reply"),
    ("POST", "/admin/reviews/{id}/hide"),
    ("POST", "/admin/reviews/{id}/unhide"),
    ("POST", "/orders/{id}/after-sales"),
    ("POST", "/after-sales/{id}/return"),
    ("POST", "/admin/after-sales/{id}/reject"),
    ("POST", "/cart/lines"),
    ("PATCH", "/cart/lines/{id}"),
    ("PATCH", "/cart/lines/TEA"),
    ("POST", "/cart/select"),
    ("POST", "/cart/quote"),
    ("POST", "/cart/orders"),
]
# Routes that take no body: junk is ignored and the command itself may be legal.
OTHER_ROUTES = [
    ("GET", "/orders?status=%00"),
    ("GET", "/orders?status=bogus"),
    ("GET", "/orders?limit={id}&cursor={id}"),
    ("GET", "/orders?limit=100&cursor=%00&status=paid"),
    ("GET", "/admin/orders?status={id}&from={id}&to=%00&member={id}&campaign={id}&cursor={id}"),
    ("GET", "/admin/orders?order={id}&limit={id}&format=csv"),
    ("GET", "/admin/orders?order={id}&member={id}&status=paid,cancelled&status=%E4%B8%AD"),
    ("GET", "/admin/orders?from=2000-01-01&to=2099-12-31&campaign=x&format={id}"),
    ("GET", "/admin/orders?from=2000-01-01&to=2099-12-31&format=csv"),
    ("GET", "/nope/{id}"),
    ("PATCH", "/orders"),
    ("GET", "/admin/notifications?day=0001-01-01"),
    ("GET", "/orders/{id}"),
    ("POST", "/orders/{id}/pay"),
    ("POST", "/orders/{id}/cancel"),
    ("POST", "/orders/{id}/receive"),
    ("GET", "/products/{id}"),
    ("POST", f"{TEA}/off-sale"),
    ("POST", f"{TEA}/on-sale"),
    ("POST", "/admin/products/{id}/off-sale"),
    ("POST", "/admin/products/{id}/on-sale"),
    ("POST", f"{TEA}/skus/TEA/off-sale"),
    ("POST", f"{TEA}/skus/{id}/on-sale"),
    ("POST", "/admin/products/{id}/skus/{id}/off-sale"),
    ("GET", "/products?category=%E4%B8%AD"),
    ("GET", "/products?q={id}&sort={id}&cursor={id}&limit={id}"),
    ("GET", "/products?q=%00%E4%B8%AD%EF%BC%81&sort=price_desc&cursor=%00&limit=0"),
    ("GET", "/products?q=%E9%BE%99&category=%00&sort=new&limit=50&cursor=bmV3OjE6eA"),
    ("GET", "/products?q=tea&sort=price_asc&limit=50"),
    ("GET", "/search/hot?limit={id}"),
    ("GET", "/search/hot?limit=99999999999999999999"),
    ("POST", "/admin/orders/{id}/refund/approve"),
    ("POST", "/admin/orders/{id}/picked-up"),
    ("GET", "/me"),
    ("GET", "/me/points"),
    ("GET", "/me/coupons?status=%00"),
    ("GET", "/me/export"),
    ("POST", "/me/check-in"),
    ("GET", "/coupons"),
    ("POST", "/coupons/{id}/claim"),
    ("DELETE", "/me"),
    ("GET", "/admin/coupon-templates"),
    ("POST", "/admin/coupon-templates/{id}/stop"),
    ("POST", "/admin/campaigns/{id}/start"),
    ("POST", "/admin/campaigns/{id}/pause"),
    ("POST", "/admin/campaigns/{id}/resume"),
    ("POST", "/admin/campaigns/{id}/end"),
    ("GET", "/admin/campaigns"),
    ("GET", "/admin/campaigns/{id}"),
    ("GET", "/campaigns?kind=%00"),
    ("GET", "/campaigns/{id}"),
    ("GET", "/campaigns/{id}/progress"),
    ("GET", "/teams/{id}"),
    ("GET", "/products/{id}/teams"),
    ("POST", "/campaigns/{id}/bargains"),
    ("GET", "/bargains/{id}"),
    ("POST", "/bargains/{id}/help"),
    ("GET", "/me/invite"),
    ("POST", "/campaigns/{id}/reservation"),
    ("DELETE", "/campaigns/{id}/reservation"),
    ("GET", "/me/reservations"),
    ("GET", "/me/notification-preferences"),
    ("GET", "/admin/notifications?day=%00&status={id}"),
    ("GET", "/admin/notifications/stats?day=2026-13-45"),
    ("GET", "/admin/projections"),
    ("POST", "/admin/projections/{id}/resume"),
    ("POST", "/admin/projections/coupons/resume"),
    ("POST", "/admin/projections/behaviour_metrics/resume"),
    ("POST", "/admin/projections/{id}/rebuild"),
    ("GET", "/admin/analytics/overview?from={id}&to=%00"),
    ("GET", "/admin/analytics/overview?from=0001-01-01&to=9999-12-31&format=csv"),
    ("GET", "/admin/analytics/sources?from=2026-11-01&format={id}"),
    ("GET", "/admin/analytics/sources?format=csv"),
    ("GET", "/admin/analytics/sources/labels"),
    ("GET", "/admin/analytics/funnel?from={id}&to=%00&window_days=%00"),
    ("GET", "/admin/analytics/funnel?window_days=99999999999999999999&format={id}"),
    ("GET", "/admin/analytics/funnel?from=0001-01-01&to=9999-12-31&window_days=30&format=csv"),
    ("GET", "/admin/analytics/funnel?window_days=-1"),
    ("GET", "/admin/analytics/retention?from={id}&cohort=%00"),
    ("GET", "/admin/analytics/retention?from=2025-11-01&to=2026-10-31&cohort=week&format=csv"),
    ("GET", "/admin/analytics/campaigns/{id}?from={id}&to=%00"),
    ("GET", "/admin/analytics/campaigns/%00%E4%B8%AD?format=csv"),
    ("GET", "/admin/analytics/coupons?from=0001-01-01&to=9999-12-31&format={id}"),
    ("GET", "/admin/analytics/coupons?format=csv"),
    ("GET", "/admin/analytics/official-account?from={id}&to=%00&format={id}"),
    ("GET", "/admin/analytics/official-account?from=0001-01-01&to=9999-12-31&format=csv"),
    ("GET", "/admin/analytics/official-account?from=2025-11-01&to=2026-10-31&format=csv"),
    ("GET", "/experiments?keys={id}"),
    ("GET", "/experiments?keys=%00,%E4%B8%AD"),
    ("GET", "/experiments"),
    ("GET", "/admin/experiments"),
    ("GET", "/admin/experiments/{id}"),
    ("POST", "/admin/experiments/{id}/start"),
    ("POST", "/admin/experiments/{id}/pause"),
    ("POST", "/admin/experiments/{id}/stop"),
    ("GET", "/admin/experiments/{id}/results?format={id}"),
    ("GET", "/admin/experiments/{id}/results?format=csv"),
    ("GET", "/webhooks/wechat/official-account?signature={id}&timestamp=1&nonce=2&echostr=3"),
    ("GET", "/webhooks/wechat/mini-program?signature={id}&timestamp=1&nonce=2&echostr=3"),
    ("PUT", "/me/favourites/{id}"),
    ("PUT", f"/me/favourites/{product_id_for('tea')}"),
    ("DELETE", "/me/favourites/{id}"),
    ("GET", "/me/favourites?cursor={id}&limit={id}"),
    ("GET", "/me/favourites?cursor=%00&limit=0"),
    ("GET", "/me/footprints?cursor={id}&limit={id}"),
    ("GET", "/products/{id}/recommendations?limit={id}"),
    ("GET", f"/products/{product_id_for('tea')}/recommendations?limit=%00"),
    ("GET", f"/products/{product_id_for('tea')}/recommendations?limit=20"),
    ("GET", "/recommendations?limit={id}"),
    ("GET", "/recommendations?limit=99999999999999999999"),
    ("GET", "/products/{id}/reviews?cursor={id}&limit=%00"),
    ("GET", f"/products/{product_id_for('tea')}/reviews"),
    ("GET", "/admin/reviews?product={id}&hidden=%00&cursor={id}"),
    ("GET", "/admin/reviews?hidden=true&limit=100"),
    ("GET", "/after-sales/{id}"),
    ("POST", "/admin/after-sales/{id}/approve"),
    ("POST", "/admin/after-sales/{id}/received"),
    ("GET", "/admin/after-sales?status=%00&cursor={id}&limit={id}"),
    ("GET", "/admin/after-sales?status=refunded&limit=100&cursor=%00"),
    ("GET", "/admin/after-sales?status=requested&limit=100"),
    ("GET", "/cart?delivery_method={id}"),
    ("GET", "/cart?delivery_method=pickup"),
    ("DELETE", "/cart/lines/{id}"),
    ("POST", "/cart/acknowledge"),
]
ROUTES = [(*r, True) for r in BODY_ROUTES] + [(*r, False) for r in OTHER_ROUTES]


@pytest.mark.parametrize(("method", "route", "needs_body"), ROUTES)
def test_junk_never_yields_a_500(stack: Stack, method: str, route: str, needs_body: bool) -> None:
    stack.list_product("tea", [("TEA", 6800, 5)])
    token = stack.login("alice")
    body = {
        "lines": [{"sku_id": "TEA", "quantity": 1}],
        "delivery": {"method": "pickup", "store_id": "s1"},
    }
    _, order = stack.call("POST", "/orders", token=token, body=body)
    stack.call("POST", "/cart/lines", token=token, body={"sku_id": "TEA"})
    before = stack.event_count()
    # A body that is not declared JSON is refused (415) before it is read, so a few
    # such bodies cover that path; every junk body goes through as JSON. A GET
    # reads no body: the empty, the broken, the deepest and the largest show it
    # stays unread. A route without an id is sent its junk once.
    payloads = JUNK if method != "GET" else [JUNK[0], JUNK[5], JUNK[17], JUNK[18]]
    sent = [("application/json", p) for p in payloads] + [("text/plain", p) for p in JUNK[-3:]]
    for oid in (order["id"], "x" * 300) if "{id}" in route else (order["id"],):
        url = stack.base_url + route.replace("{id}", oid)
        for content_type, payload in sent:
            headers = {"Authorization": f"Bearer {token}", "Content-Type": content_type}
            headers.update(ADMIN)
            response = stack.http.request(method, url, data=payload, headers=headers)
            assert response.status_code < 500, (route, payload, response.text)
    if needs_body:
        assert stack.event_count() == before


# Create-style commands that take an Idempotency-Key (see test_idempotency_keys.py).
KEYED_ROUTES = [
    "/orders",
    "/orders/{id}/refund",
    "/orders/{id}/after-sales",
    "/campaigns/{id}/orders",
    "/campaigns/{id}/teams",
    "/teams/{id}/orders",
    "/bargains/{id}/orders",
    "/me/check-in",
    "/coupons/{id}/claim",
    "/cart/orders",
]
BAD_KEYS: list[str | bytes] = ["", "k" * 129, "caf\xe9", "a\x01b", "a\tb", "中文".encode()]
KEYED_ORDER = {
    "lines": [{"sku_id": "TEA", "quantity": 1}],
    "delivery": {"method": "pickup", "store_id": "s1"},
}


@pytest.mark.parametrize("route", KEYED_ROUTES)
def test_a_bad_idempotency_key_is_a_400_naming_the_header(stack: Stack, route: str) -> None:
    stack.list_product("tea", [("TEA", 6800, 5)])
    token = stack.login("alice")
    _, order = stack.call("POST", "/orders", token=token, body=KEYED_ORDER)
    before = stack.event_count()
    url = stack.base_url + route.replace("{id}", order["id"])
    for key in BAD_KEYS:
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
        response = stack.http.post(url, json=KEYED_ORDER, headers=headers)
        assert response.status_code == 400, (route, key, response.text)
        assert response.json()["details"]["errors"][0]["field"] == "Idempotency-Key"
    assert stack.event_count() == before
    for payload in JUNK:  # a good key over junk: the first answer is kept, never a 500
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "junk"}
        headers["Content-Type"] = "application/json"
        response = stack.http.post(url, data=payload, headers=headers)
        assert response.status_code < 500, (route, payload, response.text)
