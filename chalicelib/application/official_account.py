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

A follower's openid and unionid are recorded sealed under the follower's own
key (`FollowerIdentities`); the openid a push names is sealed as it arrives,
and opened again only to send a message or ask WeChat for the unionid.
Forgetting a follower (注销) shreds that key.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from uuid import UUID

from eventsourcing.domain import Aggregate

from ..domain.follower import Follower, follower_id_for
from ..domain.notification import SENT, Notification, TemplateMsgIndex, template_msg_index_id_for
from ..domain.push_receipt import PushReceipt, push_dedupe_key, push_receipt_id_for
from .follower_identities import FollowerIdentities
from .ports import FiledFollower, FollowerDirectory, FollowerLookup, FollowerView
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
    follower by unionid (the followers read model); `identities`: seals and
    opens followers' openids and unionids; `keyword_replies`:
    keyword -> reply (DEFAULT_KEYWORD_REPLIES unless configured); `mp_appid`: the
    mini-program's appid, put into the replies' `{appid}`."""

    def __init__(
        self,
        store: EventStore,
        *,
        follower_directory: FollowerDirectory,
        followers: FollowerLookup,
        identities: FollowerIdentities,
        keyword_replies: Mapping[str, str],
        mp_appid: str,
    ) -> None:
        self.store = store
        self.follower_directory = follower_directory
        self.followers = followers
        self.identities = identities
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
        self.store.save(PushReceipt.record("oa", key, kind, reply, now), *changed)
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
        follower = self._seen(openid, now)
        key = message.get("EventKey", "")
        if event == "subscribe":
            scene = key.removeprefix(QR_PREFIX) if key.startswith(QR_PREFIX) else None
            follower.follow(scene, now)
            follower.record_entry("qrscene" if scene else "subscribe", scene or "", now)
            if message.get("UnionId"):
                self._identify(follower, message["UnionId"])
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

    def _seen(self, openid: str, now: datetime) -> Follower:
        """The follower this push comes from; its openid sealed when first seen,
        and again under a new key when it comes back after being forgotten."""
        follower_id = follower_id_for(openid)
        follower = self.store.find(Follower, follower_id)
        if follower is None:
            return Follower.first_seen(follower_id, self.identities.seal(follower_id, openid), now)
        if follower.forgotten:
            follower.seen_again(self.identities.seal(follower_id, openid), now)
        return follower

    def _identify(self, follower: Follower, unionid: str) -> None:
        key = self.identities.unionid_key(unionid)
        if key != follower.unionid_key:
            follower.identify(self.identities.seal(follower.id, unionid), key)

    @retry_on_conflict
    def identify_follower(self, follower_id: UUID) -> str | None:
        """The follower's unionid, asked of WeChat once and recorded (outbox kind
        `oa.identify`); None when WeChat does not tell it, nobody follows, or the
        follower was forgotten."""
        follower = self.store.find(Follower, follower_id)
        if follower is None or follower.forgotten:
            return None
        if follower.identified:
            return self.identities.open(follower.id, follower.sealed_unionid)
        openid = self.identities.openid(follower)
        if openid is None:
            return None
        unionid = self.follower_directory.user_info(openid)
        if unionid:
            self._identify(follower, unionid)
            self.store.save(follower)
        return unionid

    def follower_of(self, unionid: str | None) -> FollowerView | None:
        """The official-account follower of this unionid, its openid opened (for
        the sender's template messages); None when there is none, or its key is
        shredded."""
        filed = self._filed(unionid)
        if filed is None:
            return None
        openid = self.identities.open(filed.follower_id, filed.sealed_openid)
        return FollowerView(oa_openid=openid, following=filed.following) if openid else None

    def forget_follower(self, unionid: str | None, now: datetime) -> list[Aggregate]:
        """The follower known by this unionid, forgotten (for the caller to save with
        the member's closure) and its key shredded, so the openid and unionid its
        events recorded can never be opened again; nothing when no follower has it."""
        filed = self._filed(unionid)
        follower = self.store.find(Follower, filed.follower_id) if filed else None
        if unionid is None or follower is None or follower.forgotten:
            return []
        if follower.unionid_key not in self.identities.lookup_keys(unionid):
            return []
        self.identities.shred(follower.id)
        follower.forget(now)
        return [follower]

    def _filed(self, unionid: str | None) -> FiledFollower | None:
        if not unionid:
            return None
        for key in self.identities.lookup_keys(unionid):
            filed = self.followers.follower_filed_under(key)
            if filed is not None:
                return filed
        return None
