"""What each kind of outbox message does: a refund through WeChat Pay, a
notification through the Messenger, a follower's unionid through the official
account, an order-log fact recorded in the behaviour log (mirror_behaviour,
domain/mirrored_facts.py). Each payload is read as its message
(domain/outbox_messages.py, domain/mirrored_facts.py); one that is not is
InvalidInput, so the outbox fails it for good. The notification
reads the intent as the projection holds it *now* (its fields kept current, or
cancelled since it was queued) and the member's follower record, then leaves
every decision to the notification use cases."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from .adapters.outbox_dispatch import Handler
from .application.errors import InvalidInput
from .application.ports import Deferred
from .clock import Clock
from .domain.behaviour import member_subject
from .domain.mirrored_facts import MIRROR_BEHAVIOUR, MirroredFact
from .domain.outbox_messages import (
    IDENTIFY_FOLLOWER,
    LOW_STOCK,
    NOTIFY,
    REFUND,
    IdentifyFollowerMessage,
    LowStockMessage,
    MalformedMessage,
    NotifyMessage,
    RefundMessage,
)
from .projections import notification_queries
from .projections.base import ViewReader

if TYPE_CHECKING:
    from .adapters.wechat import WeChatPayClient
    from .application.behaviour_log import BehaviourLog
    from .application.notify_sender import NotificationUseCases
    from .application.official_account import OfficialAccountUseCases

RECHECK_WAITING = timedelta(minutes=5)
operator_log = logging.getLogger("miniloop.operator")
operator_log.setLevel(logging.WARNING)  # its own: the Chalice app sets `miniloop` to ERROR

M = TypeVar("M")


def read_message(parse: Callable[[Mapping[str, Any]], M], payload: Mapping[str, Any]) -> M:
    """The payload as its message (`parse`: a message class's `from_payload`);
    InvalidInput names the first field that is missing or wrong."""
    try:
        return parse(payload)
    except MalformedMessage as error:
        raise InvalidInput(error.field, error.message) from None


class OutboxHandlers:
    """The use cases come as providers, like the pay client and the behaviour
    log: a handler asks for what it calls, so a message builds only what its
    kind needs (bootstrap/sender_parts.py)."""

    def __init__(
        self,
        *,
        notifications: Callable[[], NotificationUseCases],
        official_account: Callable[[], OfficialAccountUseCases],
        views: ViewReader,
        pay_client: Callable[[], WeChatPayClient],
        clock: Clock,
        behaviour: Callable[[], BehaviourLog],
    ) -> None:
        self.notifications = notifications
        self.official_account = official_account
        self.views = views
        self.pay_client = pay_client
        self.clock = clock
        self.behaviour = behaviour

    def by_kind(self) -> dict[str, Handler]:
        return {
            REFUND: self.refund,
            NOTIFY: self.notify,
            IDENTIFY_FOLLOWER: self.identify_follower,
            LOW_STOCK: self.low_stock,
            MIRROR_BEHAVIOUR: self.mirror_behaviour,
        }

    def refund(self, payload: dict[str, Any]) -> None:
        refund = read_message(RefundMessage.from_payload, payload)
        self.pay_client().create_refund(
            out_trade_no=refund.out_trade_no,
            out_refund_no=refund.out_refund_no,
            refund_fen=refund.refund_fen,
            total_fen=refund.total_fen,
            reason=refund.reason,
        )

    def notify(self, payload: dict[str, Any]) -> None:
        intent = notification_queries.intent(self.views, str(payload.get("intent_id", "")))
        status = None
        if intent is not None:
            status = str(intent["status"])
            payload = {**payload, "fields": intent.get("fields", payload.get("fields", {}))}
        message = read_message(NotifyMessage.from_payload, payload)
        if status == notification_queries.WAITING:
            self._wait(message)
        self.notifications().send_notification(
            message, intent_status=status, follower_of=self.official_account().follower_of
        )

    def _wait(self, message: NotifyMessage) -> None:
        """Not worth sending yet (a campaign not live at its start time): look
        again shortly, until the intent expires and the sender suppresses it."""
        now = self.clock.now()
        expires = message.expires_at or now
        if now < expires:
            raise Deferred(min(expires, now + RECHECK_WAITING))

    def low_stock(self, payload: dict[str, Any]) -> None:
        """To the operators' log (`miniloop.operator`; CloudWatch on AWS), one
        line per crossing, which a log alarm or subscription can forward."""
        alert = read_message(LowStockMessage.from_payload, payload)
        operator_log.warning(
            "low stock: SKU %s has %d left (threshold %d, crossing %d)",
            alert.sku_id,
            alert.available,
            alert.threshold,
            alert.crossing,
            extra={"alert": "low_stock", **alert.to_payload()},
        )

    def identify_follower(self, payload: dict[str, Any]) -> None:
        message = read_message(IdentifyFollowerMessage.from_payload, payload)
        self.official_account().identify_follower(message.follower_id)

    def mirror_behaviour(self, payload: dict[str, Any]) -> None:
        """An order-log fact recorded in the behaviour log, once by its id
        (domain/mirrored_facts.py)."""
        from .application.behaviour_log import NewBehaviour

        fact = read_message(MirroredFact.from_payload, payload)
        at = fact.at
        subject = member_subject(fact.member_id)
        event = NewBehaviour(subject, fact.client_id, fact.kind, at, at.isoformat(), fact.fields)
        self.behaviour().record([event])
