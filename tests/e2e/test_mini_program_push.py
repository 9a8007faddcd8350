"""The mini-program's message push as the source of subscribe-message credits, end
to end over HTTP: the sandbox user accepts a template in the popup, WeChat pushes
`subscribe_msg_popup_event` (signed, encrypted) to the app, the member found by the
mini-program openid earns one credit, and the paid order goes out as a subscribe
message. Redeliveries, forgeries, strangers and settings changes grant nothing; with
the default source (the client's report) the push grants nothing either."""

from __future__ import annotations

import hashlib
from typing import Any, Literal

from tests.support.stack import Stack

from .test_order_flow import place

PAID_SUB = "sandbox-order_paid-sub"
PATH = "/webhooks/wechat/mini-program"


def count_credits_from(stack: Stack, source: Literal["client", "push"]) -> None:
    """What bootstrap wires from `subscribe_credits_from`, changed for one test."""
    container = stack.container
    container.settings.subscribe_credits_from = source
    container.reread_rules()


def credits(stack: Stack, token: str) -> dict[str, int]:
    status, prefs = stack.call("GET", "/me/notification-preferences", token=token)
    assert status == 200, prefs
    return dict(prefs["credits"])


def sent(stack: Stack) -> list[tuple[str, str]]:
    messages: list[dict[str, Any]] = stack.sandbox.messages()
    return [(m["channel"], m["template_id"]) for m in messages]


def test_a_popup_push_earns_the_credit_a_paid_order_spends(stack: Stack) -> None:
    count_credits_from(stack, "push")
    stack.list_product("tea", [("TEA", 6800, 20)])
    alice = stack.login("alice")  # registered by unionid: found through the openid view
    bob = stack.login("bob")

    before = stack.event_count()
    assert stack.sandbox.mp_subscribe_popup("bob", [PAID_SUB]) == [(200, "success")]
    one_push = stack.event_count() - before
    assert credits(stack, bob) == {PAID_SUB: 1}

    before = stack.event_count()
    deliveries = stack.sandbox.mp_subscribe_popup("alice", [PAID_SUB], times=4)
    assert deliveries == [(200, "success")] * 4
    assert stack.event_count() - before == one_push + 3  # 3 retries' nonces; no credit
    assert credits(stack, alice) == {PAID_SUB: 1}

    before = stack.event_count()
    [(status, _)] = stack.sandbox.mp_subscribe_popup("alice", [PAID_SUB], forge=True)
    assert status == 403
    assert stack.sandbox.mp_subscribe_popup("stranger", [PAID_SUB]) == [(200, "success")]
    stack.clock.advance(seconds=5)
    assert stack.sandbox.mp_subscribe_change("bob", [PAID_SUB]) == [(200, "success")]
    assert stack.event_count() == before + 2  # the two accepted pushes' nonces; no credit
    assert credits(stack, alice) == {PAID_SUB: 1}

    order = place(stack, alice, "TEA")
    assert stack.call("POST", f"/orders/{order['id']}/pay", token=alice)[0] == 200
    assert stack.sandbox.pay(order["id"].replace("-", "")) == [204]
    assert sent(stack) == [("subscribe", PAID_SUB)]
    assert credits(stack, alice) == {}


def test_with_the_client_as_the_source_a_push_grants_nothing(stack: Stack) -> None:
    alice = stack.login("alice")
    assert stack.sandbox.mp_subscribe_popup("alice", [PAID_SUB]) == [(200, "success")]
    assert credits(stack, alice) == {}
    results = {PAID_SUB: "accept"}
    code, answer = stack.call(
        "POST", "/me/subscribe-messages", token=alice, body={"results": results}
    )
    assert code == 200 and answer["counted_by"] == "client"
    assert credits(stack, alice) == {PAID_SUB: 1}


def test_the_handshake_and_a_closed_endpoint(stack: Stack) -> None:
    token = stack.wechat.keyring.mp_push_token
    digest = hashlib.sha1("".join(sorted([token, "1700000000", "42"])).encode()).hexdigest()
    query = f"signature={digest}&timestamp=1700000000&nonce=42&echostr=hello"
    assert stack.call("GET", f"{PATH}?{query}") == (200, "hello")
    assert stack.call("GET", f"{PATH}?{query.replace('nonce=42', 'nonce=43')}")[0] == 403

    stack.container.settings.mp_push_token = ""
    assert stack.call("GET", f"{PATH}?{query}")[0] == 403
    assert stack.wechat.mp_subscribe_popup("alice", [PAID_SUB]) == [
        (403, "no mini-program push token is configured")
    ]
