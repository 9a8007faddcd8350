"""Recording a notification's dispatch and WeChat's answer to it (steps 2, 4 and
5 of application/notify_sender.py): each record is one write, so a sender that
dies between writes leaves a Notification the next attempt can read.

- `dispatch` records `Dispatched` with the credit it consumes and the cap slot it
  takes, and hands back the Call for WeChat;
- `unfinished` decides about a dispatch that never got an outcome;
- `record_sent`, `record_failure` and `abandon` record the answer (an abandoned
  dispatch gives its subscribe credit back, so the outbox may retry).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..domain.inbox import Inbox
from ..domain.member import Member
from ..domain.notification import (
    FAILED,
    SENT,
    Notification,
    TemplateMsgIndex,
    template_msg_index_id_for,
)
from ..domain.notify_policy import SUBSCRIBE, TEMPLATE
from ..domain.notify_triggers import Trigger, notification_id_for
from ..domain.outbox_messages import NotifyMessage
from ..domain.template_book import TemplateBook, TemplateSpec, render
from .accounts import Accounts
from .ports import FollowerView
from .store import EventStore, retry_on_conflict

RESEND_WINDOW = timedelta(minutes=10)
UNCONFIRMED = "unconfirmed: the sender stopped after sending; not resent"
LOST_ANSWER = "unconfirmed: WeChat's answer was lost; may have been sent, not resent"
NO_SPEC = TemplateSpec("", {}, "", {})


def template_spec(template_book: TemplateBook, trigger_name: str) -> TemplateSpec:
    """The trigger's templates in the book (none: empty ids, no fields)."""
    return template_book.spec(trigger_name) or NO_SPEC


@dataclass(frozen=True)
class Call:
    """A message recorded as dispatched, ready to hand to WeChat."""

    channel: str
    template_id: str
    touser: str
    client_msg_id: str
    page: str
    data: dict[str, dict[str, str]]


class DispatchRecorder:
    def __init__(self, store: EventStore, accounts: Accounts, template_book: TemplateBook) -> None:
        self.store = store
        self.accounts = accounts
        self.template_book = template_book

    def dispatch(
        self,
        message: NotifyMessage,
        trigger: Trigger,
        notification: Notification,
        inbox: Inbox,
        channel: str,
        member: Member,
        follower: FollowerView | None,
    ) -> str | Call:
        """Step 4: `Dispatched` saved with the credit it consumes and the cap slot it
        takes, in one write; fields that cannot be fitted fail it instead."""
        now, spec = self.store.clock.now(), template_spec(self.template_book, message.trigger)
        if channel == SUBSCRIBE:
            template_id, fields, touser = spec.subscribe_id, spec.subscribe_fields, member.openid
        else:
            template_id, fields = spec.oa_id, spec.oa_fields
            touser = follower.oa_openid if follower else ""
        try:
            data = render(fields, message.fields)
        except ValueError as error:
            notification.fail(f"bad_fields: {error}", template_id, now)
            self.store.save(notification)
            return FAILED
        notification.dispatch(channel, template_id, touser, now)
        if channel == SUBSCRIBE:
            inbox.consume(template_id, now)
        inbox.record_sent(trigger.category, message.intent_id, now)
        self.store.save(notification, inbox)
        return Call(channel, template_id, touser, notification.client_msg_id, message.page, data)

    def unfinished(
        self, message: NotifyMessage, notification: Notification, now: datetime
    ) -> str | Call:
        """A dispatch with no outcome: resend only where WeChat drops a copy."""
        pending = notification.pending
        assert pending is not None
        if pending.channel == TEMPLATE and now - pending.at < RESEND_WINDOW:
            spec = template_spec(self.template_book, message.trigger)
            try:
                data = render(spec.oa_fields, message.fields)
            except ValueError as error:
                notification.fail(f"bad_fields: {error}", pending.template_id, now)
                self.store.save(notification)
                return FAILED
            return Call(
                TEMPLATE,
                pending.template_id,
                pending.touser,
                pending.client_msg_id,
                message.page,
                data,
            )
        notification.fail(UNCONFIRMED, pending.template_id, now)
        self.store.save(notification)
        return FAILED

    def _dispatched(self, message: NotifyMessage) -> Notification:
        return self.store.load(Notification, notification_id_for(message.intent_id), "notification")

    @retry_on_conflict
    def record_sent(self, message: NotifyMessage, msgid: int | None) -> str:
        notification = self._dispatched(message)
        if notification.pending is None:
            return notification.outcome or SENT
        notification.record_sent(msgid, self.store.clock.now())
        index = None
        if msgid is not None and not self.store.exists(template_msg_index_id_for(msgid)):
            index = TemplateMsgIndex(msgid, notification.id)
        self.store.save(notification, index)
        return SENT

    @retry_on_conflict
    def record_failure(self, message: NotifyMessage, reason: str) -> str:
        notification = self._dispatched(message)
        if notification.pending is not None:
            notification.fail(reason, "", self.store.clock.now())
            self.store.save(notification)
        return notification.outcome or FAILED

    @retry_on_conflict
    def abandon(self, message: NotifyMessage, reason: str, *, refund: bool) -> None:
        notification = self._dispatched(message)
        pending = notification.pending
        if pending is None:
            return
        now = self.store.clock.now()
        notification.abandon_dispatch(reason, now)
        inbox = None
        if refund and pending.channel == SUBSCRIBE:
            inbox = self.accounts.inbox_of(message.member_id)
            inbox.refund_credit(pending.template_id, now)
        self.store.save(notification, inbox)
