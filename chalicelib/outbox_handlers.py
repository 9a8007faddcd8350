"""What each kind of outbox message does: a refund through WeChat Pay, a
notification through the Messenger, a follower's unionid through the official
account. The notification reads the intent as the projection holds it *now*
(its fields kept current, or cancelled since it was queued) and the member's
follower record, then leaves every decision to the Shop."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from .adapters.outbox_dispatch import Handler
from .adapters.wechat import WeChatPayClient
from .application import Shop
from .application.notify_intent import FollowerView
from .application.ports import Deferred
from .domain.member import Member
from .domain.notify_triggers import IDENTIFY_FOLLOWER, NOTIFY
from .projections import notification_queries
from .projections.base import ViewReader
from .projections.followers import follower_for_unionid
from .projections.refund_requests import REFUND

RECHECK_WAITING = timedelta(minutes=5)


class OutboxHandlers:
    def __init__(
        self, shop: Shop, views: ViewReader, pay_client: Callable[[], WeChatPayClient]
    ) -> None:
        self.shop = shop
        self.views = views
        self.pay_client = pay_client

    def by_kind(self) -> dict[str, Handler]:
        return {
            REFUND: self.refund,
            NOTIFY: self.notify,
            IDENTIFY_FOLLOWER: self.identify_follower,
        }

    def refund(self, payload: dict[str, Any]) -> None:
        self.pay_client().create_refund(**payload)

    def notify(self, payload: dict[str, Any]) -> None:
        intent = notification_queries.intent(self.views, str(payload.get("intent_id", "")))
        status = None
        if intent is not None:
            status = str(intent["status"])
            payload = {**payload, "fields": intent.get("fields", payload.get("fields", {}))}
        if status == notification_queries.WAITING:
            self._wait(payload)
        self.shop.send_notification(
            payload, intent_status=status, follower=self._follower(payload.get("member_id"))
        )

    def _wait(self, payload: dict[str, Any]) -> None:
        """Not worth sending yet (a campaign not live at its start time): look
        again shortly, until the intent expires and the Shop suppresses it."""
        now = self.shop.clock.now()
        try:
            expires = datetime.fromisoformat(str(payload.get("expires_at")))
        except ValueError:
            expires = now
        if now < expires:
            raise Deferred(min(expires, now + RECHECK_WAITING))

    def identify_follower(self, payload: dict[str, Any]) -> None:
        self.shop.identify_follower(str(payload["openid"]))

    def _follower(self, member_id: Any) -> FollowerView | None:
        try:
            member = self.shop.find(Member, UUID(str(member_id)))
        except ValueError:
            return None
        if member is None or not member.unionid:
            return None
        doc = follower_for_unionid(self.views, member.unionid)
        if doc is None:
            return None
        return FollowerView(oa_openid=str(doc["oa_openid"]), following=bool(doc["following"]))
