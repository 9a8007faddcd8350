"""Official-account (公众号) use cases: the messages WeChat pushes to the server
URL, and learning a follower's unionid.

Every push is recorded with a PushReceipt in the same write as what it changed,
so the 3 retries WeChat makes when it hears nothing within 5 seconds change
nothing after the first (and a repeated text gets the same reply). Handled:
following (a parametric QR code's `qrscene_<key>` becomes the entry source) and
unfollowing, a known follower scanning a QR code (`SCAN`), menu `CLICK`/`VIEW`
(entry sources; only followers can, so someone who followed before the shop
listened becomes a follower here), text (keyword replies: exact match after
trimming), and `TEMPLATESENDJOBFINISH` (the delivery report of a template
message we sent).
Anything else is acknowledged with a receipt and no reply.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType

from eventsourcing.domain import Aggregate

from ..domain.follower import Follower, follower_id_for
from ..domain.notification import SENT, Notification, TemplateMsgIndex, template_msg_index_id_for
from ..domain.push_receipt import PushReceipt, push_dedupe_key, push_receipt_id_for
from .ports import FollowerDirectory, FollowerLookup
from .store import EventStore, retry_on_conflict

QR_PREFIX = "qrscene_"
DEFAULT_KEYWORD_REPLIES: Mapping[str, str] = MappingProxyType(
    {
        "订单": '<a data-miniprogram-appid="{appid}" '
        'data-miniprogram-path="pages/orders/index">查看我的订单</a>'
    }
)
"""Keyword -> reply; `{appid}` becomes the mini-program's appid."""
ENTRY_EVENTS = {"click": "click", "view": "view", "scan": "qrscene"}


class OfficialAccountUseCases:
    """`follower_directory`: asks WeChat who a follower is; `followers`: finds a
    follower by unionid (the followers read model); `keyword_replies`:
    keyword -> reply (DEFAULT_KEYWORD_REPLIES unless configured); `mp_appid`: the
    mini-program's appid, put into the replies' `{appid}`."""

    def __init__(
        self,
        store: EventStore,
        *,
        follower_directory: FollowerDirectory,
        followers: FollowerLookup,
        keyword_replies: Mapping[str, str],
        mp_appid: str,
    ) -> None:
        self.store = store
        self.follower_directory = follower_directory
        self.followers = followers
        self.keyword_replies = keyword_replies
        self.mp_appid = mp_appid

    @retry_on_conflict
    def receive_push(self, message: dict[str, str]) -> str | None:
        """The passive reply text, or None (answer `success`). `message` is the flat
        dict of the push XML's fields, after its signature was verified."""
        key = push_dedupe_key(message)
        earlier = self.store.find(PushReceipt, push_receipt_id_for("oa", key))
        if earlier is not None:
            return earlier.reply
        now = self.store.clock.now()
        changed, reply = self._apply_push(message, now)
        kind = ":".join(filter(None, [message.get("MsgType", ""), message.get("Event", "")]))
        self.store.save(PushReceipt("oa", key, kind, reply, now), *changed)
        return reply

    def keyword_reply(self, content: str) -> str | None:
        reply = self.keyword_replies.get(content.strip())
        return reply.replace("{appid}", self.mp_appid) if reply else None

    def _apply_push(
        self, message: dict[str, str], now: datetime
    ) -> tuple[list[Aggregate], str | None]:
        msg_type = message.get("MsgType", "")
        if msg_type == "text":
            return [], self.keyword_reply(message.get("Content", ""))
        event, openid = message.get("Event", "").lower(), message.get("FromUserName", "")
        if msg_type != "event" or not openid:
            return [], None
        if event == "templatesendjobfinish":
            return self._delivery_report(message, now), None
        if event not in {"subscribe", "unsubscribe", *ENTRY_EVENTS}:
            return [], None
        follower = self.store.find(Follower, follower_id_for(openid)) or Follower(openid, now)
        key = message.get("EventKey", "")
        if event == "subscribe":
            scene = key.removeprefix(QR_PREFIX) if key.startswith(QR_PREFIX) else None
            follower.follow(scene, now)
            follower.record_entry("qrscene" if scene else "subscribe", scene or "", now)
            if message.get("UnionId"):
                follower.identify(message["UnionId"])
        elif event == "unsubscribe":
            follower.unfollow(now)
        else:
            follower.follow(None, now)  # only followers use the menu or scan: learnt here
            follower.record_entry(ENTRY_EVENTS[event], key, now)
        return [follower], None

    def _delivery_report(self, message: dict[str, str], now: datetime) -> list[Aggregate]:
        """Delivered on the notification that sent this msgid; a report about a message
        we do not know (sent by hand from the console) changes nothing."""
        index = self.store.find(
            TemplateMsgIndex, template_msg_index_id_for(message.get("MsgID", ""))
        )
        if index is None:
            return []
        notification = self.store.find(Notification, index.notification_id)
        if notification is None or notification.outcome != SENT:
            return []
        notification.record_delivery(message.get("Status", ""), now)
        return [notification]

    @retry_on_conflict
    def identify_follower(self, oa_openid: str) -> str | None:
        """The follower's unionid, asked of WeChat once and recorded (outbox kind
        `oa.identify`); None when WeChat does not tell it or nobody follows."""
        follower = self.store.find(Follower, follower_id_for(oa_openid))
        if follower is None or follower.unionid:
            return follower.unionid if follower else None
        unionid = self.follower_directory.user_info(oa_openid)
        if unionid:
            follower.identify(unionid)
            self.store.save(follower)
        return unionid

    def forget_follower(self, unionid: str | None, now: datetime) -> list[Aggregate]:
        """The follower known by this unionid, forgotten (for the caller to save with
        the member's closure); nothing when no follower has it."""
        oa_openid = self.followers.oa_openid_for_unionid(unionid) if unionid else None
        follower = self.store.find(Follower, follower_id_for(oa_openid)) if oa_openid else None
        if follower is None or follower.unionid != unionid:
            return []
        follower.forget(now)
        return [follower]
