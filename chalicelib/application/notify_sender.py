"""Sending one notification intent (outbox kind "notify"), never twice.

The intent payload, made by the notification-triggers projection:
    {"intent_id": "notify:order_paid:<uuid>", "trigger": "order_paid",
     "member_id": "<uuid>", "page": "pages/orders/detail?id=<uuid>",
     "fields": {"order_no": ..., "amount": "¥12.30", ...},
     "expires_at": "<ISO time>" | null}

The outbox delivers at least once and the sender may die at any moment, so:
1. an intent whose Notification has an outcome returns it, sending nothing;
2. a Notification dispatched with no outcome (the sender stopped mid-call) is
   resent only as a template message within WeChat's 10-minute `client_msg_id`
   window (WeChat drops the copy); otherwise it fails as unconfirmed, unsent;
3. otherwise the policy (domain/notify_policy.py) suppresses, defers (raising
   Deferred) or picks a channel; fields that cannot be fitted fail it;
4. `Dispatched` is saved with the credit it consumes and the cap slot it takes,
   in one write: of two senders racing for the last credit, one loses the write,
   retries from a fresh load and finds no credit;
5. then WeChat is called and the answer recorded: 43101 (no credit after all)
   falls back to the template channel; another refusal fails it; an outage
   abandons the dispatch, gives the credit back and re-raises, so the outbox
   retries later.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ..domain.inbox import Inbox
from ..domain.member import Member
from ..domain.notification import (
    FAILED,
    SENT,
    SUPPRESSED,
    Notification,
    TemplateMsgIndex,
    template_msg_index_id_for,
)
from ..domain.notify_policy import SUBSCRIBE, TEMPLATE, Decision, Defer, Send, Suppress, decide
from ..domain.notify_triggers import Urgency, notification_id_for
from ..domain.template_book import TemplateSpec, render
from .notify_intent import Call, FollowerView, Intent
from .ports import Deferred, MessageRefused, Messenger, MessengerUnavailable
from .shop import retry_on_conflict
from .subscriptions import SubscriptionUseCases

RESEND_WINDOW = timedelta(minutes=10)
NO_CREDIT = 43101
UNCONFIRMED = "unconfirmed: the sender stopped after sending; not resent"
NO_SPEC = TemplateSpec("", {}, "", {})

__all__ = ["FollowerView", "NotificationUseCases"]


class NotificationUseCases(SubscriptionUseCases):
    messenger: Messenger

    def send_notification(
        self, payload: dict[str, Any], *, intent_status: str | None, follower: FollowerView | None
    ) -> str:
        """`sent`, `failed` or `suppressed`; Deferred(until) when it must wait.
        intent_status: the intent's status in the read model ("cancelled": no
        longer relevant); follower: the member's follower record, if any."""
        intent = Intent.from_payload(payload)
        step = self._prepare(intent, intent_status, follower, True)
        while isinstance(step, Call):
            step = self._call(intent, step, intent_status, follower)
        return step

    def _spec(self, intent: Intent) -> TemplateSpec:
        return self.template_book.spec(intent.trigger.name) or NO_SPEC

    @retry_on_conflict
    def _prepare(
        self, intent: Intent, status: str | None, follower: FollowerView | None, credit_ok: bool
    ) -> str | Call:
        """Steps 1-4: an earlier outcome, an unfinished dispatch, or a new decision
        recorded (with the credit and cap slot of a dispatch) in one write."""
        now = self.clock.now()
        notification = self.find(Notification, notification_id_for(intent.intent_id))
        if notification is not None and notification.outcome is not None:
            return notification.outcome
        if notification is not None and notification.pending is not None:
            return self._unfinished(intent, notification, now)
        notification = notification or Notification(
            intent.intent_id, intent.trigger.name, intent.member_id, now
        )
        member = self.find(Member, intent.member_id)
        inbox = self.inbox_of(intent.member_id)
        decision = self._decide(intent, status, follower, member, inbox, credit_ok, now)
        if isinstance(decision, Send) and member is not None:
            return self._dispatch(intent, notification, inbox, decision.channel, member, follower)
        spec = self._spec(intent)
        urgent = intent.trigger.urgency == Urgency.URGENT
        would_be = (spec.subscribe_id if urgent else spec.oa_id) or spec.subscribe_id
        if isinstance(decision, Defer):
            notification.defer(decision.until, would_be, now)
            self.save(notification)
            raise Deferred(decision.until)
        reason = decision.reason if isinstance(decision, Suppress) else "unknown_member"
        notification.suppress(reason, would_be, now)
        self.save(notification)
        return SUPPRESSED

    def _decide(
        self,
        intent: Intent,
        status: str | None,
        follower: FollowerView | None,
        member: Member | None,
        inbox: Inbox,
        credit_ok: bool,
        now: datetime,
    ) -> Decision:
        if member is None:
            return Suppress("unknown_member")
        if member.closed:
            return Suppress("account_closed")
        if status == "cancelled":
            return Suppress("no_longer_relevant")
        spec = self._spec(intent)
        return decide(
            intent.trigger,
            now=now,
            expires_at=intent.expires_at,
            opted_out=set(inbox.opted_out),
            last_sent=inbox.last_sent_except(intent.intent_id),
            has_credit=credit_ok and inbox.credits_for(spec.subscribe_id) > 0,
            follows=follower is not None and follower.following,
            has_oa_template=bool(spec.oa_id),
        )

    def _dispatch(
        self,
        intent: Intent,
        notification: Notification,
        inbox: Inbox,
        channel: str,
        member: Member,
        follower: FollowerView | None,
    ) -> str | Call:
        now, spec = self.clock.now(), self._spec(intent)
        if channel == SUBSCRIBE:
            template_id, fields, touser = spec.subscribe_id, spec.subscribe_fields, member.openid
        else:
            template_id, fields = spec.oa_id, spec.oa_fields
            touser = follower.oa_openid if follower else ""
        try:
            data = render(fields, intent.fields)
        except ValueError as error:
            notification.fail(f"bad_fields: {error}", template_id, now)
            self.save(notification)
            return FAILED
        notification.dispatch(channel, template_id, touser, now)
        if channel == SUBSCRIBE:
            inbox.consume(template_id, now)
        inbox.record_sent(intent.trigger.category, intent.intent_id, now)
        self.save(notification, inbox)
        return Call(channel, template_id, touser, notification.client_msg_id, intent.page, data)

    def _unfinished(self, intent: Intent, notification: Notification, now: datetime) -> str | Call:
        """A dispatch with no outcome: resend only where WeChat drops a copy."""
        pending = notification.pending
        assert pending is not None
        if pending.channel == TEMPLATE and now - pending.at < RESEND_WINDOW:
            try:
                data = render(self._spec(intent).oa_fields, intent.fields)
            except ValueError as error:
                notification.fail(f"bad_fields: {error}", pending.template_id, now)
                self.save(notification)
                return FAILED
            return Call(
                TEMPLATE,
                pending.template_id,
                pending.touser,
                pending.client_msg_id,
                intent.page,
                data,
            )
        notification.fail(UNCONFIRMED, pending.template_id, now)
        self.save(notification)
        return FAILED

    def _call(
        self, intent: Intent, call: Call, status: str | None, follower: FollowerView | None
    ) -> str | Call:
        try:
            msgid = self._send(call)
        except MessageRefused as refused:
            if refused.code == NO_CREDIT and call.channel == SUBSCRIBE:
                self._abandon(intent, f"wechat {refused.code}", refund=False)
                return self._prepare(intent, status, follower, False)
            return self._record_failure(intent, f"wechat {refused.code}")
        except MessengerUnavailable as error:
            self._abandon(intent, f"unavailable: {error}", refund=True)
            raise
        return self._record_sent(intent, msgid)

    def _send(self, call: Call) -> int | None:
        if call.channel == SUBSCRIBE:
            self.messenger.send_subscribe(
                openid=call.touser, template_id=call.template_id, page=call.page, data=call.data
            )
            return None
        return self.messenger.send_template(
            openid=call.touser,
            template_id=call.template_id,
            data=call.data,
            pagepath=call.page,
            client_msg_id=call.client_msg_id,
        )

    def _dispatched(self, intent: Intent) -> Notification:
        return self.load(Notification, notification_id_for(intent.intent_id), "notification")

    @retry_on_conflict
    def _record_sent(self, intent: Intent, msgid: int | None) -> str:
        notification = self._dispatched(intent)
        if notification.pending is None:
            return notification.outcome or SENT
        notification.record_sent(msgid, self.clock.now())
        index = None
        if msgid is not None and not self.exists(template_msg_index_id_for(msgid)):
            index = TemplateMsgIndex(msgid, notification.id)
        self.save(notification, index)
        return SENT

    @retry_on_conflict
    def _record_failure(self, intent: Intent, reason: str) -> str:
        notification = self._dispatched(intent)
        if notification.pending is not None:
            notification.fail(reason, "", self.clock.now())
            self.save(notification)
        return notification.outcome or FAILED

    @retry_on_conflict
    def _abandon(self, intent: Intent, reason: str, *, refund: bool) -> None:
        notification = self._dispatched(intent)
        pending = notification.pending
        if pending is None:
            return
        now = self.clock.now()
        notification.abandon_dispatch(reason, now)
        inbox = None
        if refund and pending.channel == SUBSCRIBE:
            inbox = self.inbox_of(intent.member_id)
            inbox.refund_credit(pending.template_id, now)
        self.save(notification, inbox)
