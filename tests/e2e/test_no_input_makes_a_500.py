"""Whatever a caller sends, the answer is never a 500 and nothing is half-done."""

from __future__ import annotations

import pytest

from tests.support.stack import ADMIN, Stack

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
]
# Routes whose command needs a valid body: junk must leave the event store as it was.
BODY_ROUTES = [
    ("POST", "/auth/login"),
    ("POST", "/orders"),
    ("POST", "/orders/{id}/refund"),
    ("POST", "/admin/products"),
    ("POST", "/admin/skus/NOPE/restock"),
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
]
# Routes that take no body: junk is ignored and the command itself may be legal.
OTHER_ROUTES = [
    ("GET", "/orders?status=%00"),
    ("GET", "/orders/{id}"),
    ("POST", "/orders/{id}/pay"),
    ("POST", "/orders/{id}/cancel"),
    ("POST", "/orders/{id}/receive"),
    ("GET", "/products/{id}"),
    ("GET", "/products?category=%E4%B8%AD"),
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
    ("GET", "/webhooks/wechat/official-account?signature={id}&timestamp=1&nonce=2&echostr=3"),
    ("GET", "/webhooks/wechat/mini-program?signature={id}&timestamp=1&nonce=2&echostr=3"),
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
    before = stack.event_count()
    for oid in (order["id"], "x" * 300):
        url = stack.base_url + route.replace("{id}", oid)
        for payload in JUNK:
            for content_type in ("application/json", "text/plain"):
                headers = {"Authorization": f"Bearer {token}", "Content-Type": content_type}
                headers.update(ADMIN)
                response = stack.http.request(method, url, data=payload, headers=headers)
                assert response.status_code < 500, (route, payload, response.text)
    if needs_body:
        assert stack.event_count() == before
