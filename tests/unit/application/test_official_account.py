"""The official account's message push: followers, entry sources, keyword
replies and delivery reports, each changing things once however often WeChat
delivers it; learning a follower's unionid through the directory port; and the
follower's openid and unionid recorded sealed under the follower's own key."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from chalicelib.application import Shop
from chalicelib.application.ports import FiledFollower, FollowerView
from chalicelib.domain.follower import Follower, follower_id_for
from chalicelib.domain.notification import Notification
from chalicelib.domain.notify_triggers import notification_id_for
from chalicelib.domain.outbox_messages import NotifyMessage
from chalicelib.outbox_handlers import read_message

from .notification_fakes import FakeDirectory, FakeMessenger, intent
from .support import KnownFollowers, rewired, stored_topics

OPENID = "oa-alice"
ORDERS_LINK = (
    '<a data-miniprogram-appid="wx-mp" data-miniprogram-path="pages/orders/index">查看我的订单</a>'
)


def push(
    event: str | None = None, *, msg_type: str = "event", at: int = 1700000000, **fields: str
) -> dict[str, str]:
    message = {
        "ToUserName": "gh_shop",
        "FromUserName": OPENID,
        "CreateTime": str(at),
        "MsgType": msg_type,
        **fields,
    }
    if event is not None:
        message["Event"] = event
    return message


FOLLOWER_ID = follower_id_for(OPENID)


def follower(shop: Shop) -> Follower:
    return shop.store.load(Follower, FOLLOWER_ID, "follower")


def unionid(shop: Shop) -> str | None:
    """The follower's unionid, opened."""
    alice = follower(shop)
    return shop.official_account.identities.open(alice.id, alice.sealed_unionid)


@pytest.fixture
def directory(shop: Shop) -> FakeDirectory:
    fake = shop.ports.follower_directory
    assert isinstance(fake, FakeDirectory)
    fake.unionids[OPENID] = "union-alice"
    return fake


def test_following_by_a_parametric_qr_code_records_the_scene(shop: Shop) -> None:
    assert (
        shop.official_account.receive_push(push("subscribe", EventKey="qrscene_poster-42")) is None
    )

    alice = follower(shop)
    assert (alice.following, unionid(shop)) == (True, None)
    assert [(s["kind"], s["key"]) for s in alice.sources] == [("qrscene", "poster-42")]


def test_a_push_delivered_three_times_changes_things_once(shop: Shop) -> None:
    message = push("subscribe", EventKey="")
    shop.official_account.receive_push(message)
    after_first = stored_topics(shop)

    for _ in range(2):
        assert shop.official_account.receive_push(dict(message)) is None

    assert stored_topics(shop) == after_first
    assert [(s["kind"], s["key"]) for s in follower(shop).sources] == [("subscribe", "")]


def test_unfollowing_and_following_again(shop: Shop) -> None:
    shop.official_account.receive_push(push("subscribe", at=1))
    shop.official_account.receive_push(push("unsubscribe", at=2))
    assert follower(shop).following is False

    shop.official_account.receive_push(push("subscribe", at=3, UnionId="union-alice"))

    assert (follower(shop).following, unionid(shop)) == (True, "union-alice")


@pytest.mark.parametrize(
    ("event", "key", "source"),
    [
        ("CLICK", "menu-orders", "click"),
        ("VIEW", "https://shop/x", "view"),
        ("SCAN", "poster-7", "qrscene"),
    ],
)
def test_menu_clicks_links_and_scans_are_entry_sources(
    shop: Shop, event: str, key: str, source: str
) -> None:
    shop.official_account.receive_push(push(event, EventKey=key))

    assert follower(shop).sources[-1]["kind"] == source
    assert follower(shop).sources[-1]["key"] == key
    assert follower(shop).following is True  # followed before the shop listened


def test_a_keyword_gets_its_reply_and_a_repeat_the_same_reply(shop: Shop) -> None:
    shop = rewired(shop, mp_appid="wx-mp")
    text = push(msg_type="text", Content=" 订单 ", MsgId="6000000001")

    assert shop.official_account.receive_push(text) == ORDERS_LINK
    topics = stored_topics(shop)
    shop = rewired(shop, keyword_replies={"订单": "changed meanwhile"})
    assert shop.official_account.receive_push(dict(text)) == ORDERS_LINK
    assert stored_topics(shop) == topics
    assert (
        shop.official_account.receive_push(
            push(msg_type="text", Content="hello", MsgId="6000000002")
        )
        is None
    )


def test_a_template_message_delivery_report_lands_on_its_notification(
    shop: Shop, member_id: UUID
) -> None:
    messenger = FakeMessenger()
    shop = rewired(shop, messenger=messenger)
    shipped = intent("order_shipped", "order-1", member_id)
    shop.notifications.send_notification(
        read_message(NotifyMessage.from_payload, shipped),
        intent_status="queued",
        follower_of=lambda unionid: FollowerView(OPENID, following=True),
    )
    (sent,) = messenger.sent
    report = push("TEMPLATESENDJOBFINISH", MsgID="1000", Status="failed:user block")

    for _ in range(3):
        assert shop.official_account.receive_push(dict(report)) is None

    notification_id = notification_id_for(shipped["intent_id"])
    delivered = [
        e for e in shop.store.events.get(notification_id) if type(e) is Notification.Delivered
    ]
    assert [(e.status, e.template_id) for e in delivered] == [
        ("failed:user block", sent["template_id"])
    ]


def test_a_delivery_report_about_an_unknown_message_changes_nothing_but_its_receipt(
    shop: Shop,
) -> None:
    topics = stored_topics(shop)

    shop.official_account.receive_push(push("TEMPLATESENDJOBFINISH", MsgID="999", Status="success"))

    assert stored_topics(shop)[len(topics) :] == [
        "chalicelib.domain.push_receipt:PushReceipt.Received"
    ]


@pytest.mark.parametrize(
    "message",
    [push("LOCATION", Latitude="23.1"), push(msg_type="image", MsgId="6000000003"), {}],
)
def test_other_messages_are_acknowledged_without_reply(shop: Shop, message: dict[str, Any]) -> None:
    assert shop.official_account.receive_push(message) is None
    assert shop.store.find(Follower, follower_id_for(OPENID)) is None


def test_identifying_a_follower_asks_wechat_once(shop: Shop, directory: FakeDirectory) -> None:
    shop.official_account.receive_push(push("subscribe"))

    assert shop.official_account.identify_follower(FOLLOWER_ID) == "union-alice"
    assert shop.official_account.identify_follower(FOLLOWER_ID) == "union-alice"

    assert unionid(shop) == "union-alice"
    assert directory.asked == [OPENID]


def test_a_follower_wechat_does_not_identify_stays_unknown(
    shop: Shop, directory: FakeDirectory
) -> None:
    directory.unionids.clear()
    shop.official_account.receive_push(push("subscribe"))

    assert shop.official_account.identify_follower(FOLLOWER_ID) is None
    assert shop.official_account.identify_follower(follower_id_for("oa-nobody")) is None

    assert unionid(shop) is None


def test_the_openid_and_unionid_are_recorded_sealed_under_the_followers_key(
    shop: Shop,
) -> None:
    shop.official_account.receive_push(push("subscribe", EventKey="qrscene_s1", UnionId="u-al"))
    shop.official_account.receive_push(push("CLICK", at=1700000001, EventKey="menu"))
    shop.official_account.receive_push(push("unsubscribe", at=1700000002))

    stored = b"".join(
        n.state for n in shop.store.recorder.select_notifications(start=None, limit=10_000)
    )
    assert OPENID.encode() not in stored and b"u-al" not in stored
    alice = follower(shop)
    identities = shop.official_account.identities
    assert identities.openid(alice) == OPENID and unionid(shop) == "u-al"
    assert alice.unionid_key == identities.unionid_key("u-al") != "u-al"
    followers = shop.ports.followers
    assert isinstance(followers, KnownFollowers)
    followers.filed[alice.unionid_key] = FiledFollower(alice.id, alice.sealed_openid, True)
    assert shop.official_account.follower_of("u-al") == FollowerView(OPENID, following=True)

    forgotten = shop.official_account.forget_follower("u-al", shop.clock.now())
    shop.store.save(*forgotten)

    assert identities.openid(follower(shop)) is None
    sealed = [
        value
        for event in shop.store.events.get(FOLLOWER_ID)
        for value in vars(event).values()
        if isinstance(value, str) and value.startswith("pii1:")
    ]
    assert len(sealed) >= 2 and all(identities.open(FOLLOWER_ID, v) is None for v in sealed)
    assert shop.official_account.follower_of("u-al") is None
    shop.official_account.receive_push(push("subscribe", at=1700000009))  # back, afresh
    assert identities.openid(follower(shop)) == OPENID and unionid(shop) is None
