"""Sending one notification intent (outbox kind "notify"), never twice.

The intent arrives as a NotifyMessage (domain/outbox_messages.py), made by the
notification-triggers projection. The outbox delivers at least once and the
sender may die at any moment, so:
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
   that surely kept the message in (no connection, -1 busy) abandons the
   dispatch, gives the credit back and re-raises, so the outbox retries later;
6. an answer that was lost (MessageOutcomeUnknown: a timeout or a reset after
   the request went out, a 5xx) is never followed by a blind resend. The
   HTTP client does not repeat such a call (adapters/wechat/http.py), and here
   a subscribe message, which carries no dedupe key, is recorded failed as
   unconfirmed with its credit spent, as WeChat may have sent it; a template
   message stays dispatched and the outbox retries it, and step 2 resends it
   with the same `client_msg_id` only inside WeChat's 10-minute window.
Steps 2, 4, 5 and 6 write through notify_dispatch.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from ..domain.inbox import Inbox
from ..domain.member import Member
from ..domain.notification import SUPPRESSED, Notification
from ..domain.notify_policy import SUBSCRIBE, Decision, Defer, Send, Suppress, decide
from ..domain.notify_triggers import TRIGGERS, Trigger, Urgency, notification_id_for
from ..domain.outbox_messages import NotifyMessage
from ..domain.template_book import TemplateBook
from .accounts import Accounts
from .errors import InvalidInput
from .notify_dispatch import LOST_ANSWER, Call, DispatchRecorder, template_spec
from .ports import (
    Deferred,
    FollowerView,
    MessageOutcomeUnknown,
    MessageRefused,
    Messenger,
    MessengerUnavailable,
)
from .store import EventStore, retry_on_conflict

NO_CREDIT = 43101

FollowerOf = Callable[[str | None], FollowerView | None]
"""The official-account follower filed under a member's unionid, if any."""

__all__ = ["NotificationUseCases"]


class NotificationUseCases:
    """`template_book`: the templates per trigger and channel; `messenger`: WeChat."""

    def __init__(
        self,
        store: EventStore,
        accounts: Accounts,
        *,
        template_book: TemplateBook,
        messenger: Messenger,
    ) -> None:
        self.store = store
        self.accounts = accounts
        self.template_book = template_book
        self.messenger = messenger
        self._records = DispatchRecorder(store, accounts, template_book)

    def send_notification(
        self, message: NotifyMessage, *, intent_status: str | None, follower_of: FollowerOf
    ) -> str:
        """`sent`, `failed` or `suppressed`; Deferred(until) when it must wait.
        intent_status: the intent's status in the read model ("cancelled": no
        longer relevant); follower_of: finds the member's follower record by
        the unionid of the member as loaded for the decision.
        A trigger that domain/notify_triggers.py does not know is InvalidInput."""
        trigger = TRIGGERS.get(message.trigger)
        if trigger is None:
            raise InvalidInput("trigger", f"no trigger {message.trigger!r}")
        step = self._prepare(message, trigger, intent_status, follower_of, True)
        while isinstance(step, Call):
            step = self._call(message, trigger, step, intent_status, follower_of)
        return step

    @retry_on_conflict
    def _prepare(
        self,
        message: NotifyMessage,
        trigger: Trigger,
        status: str | None,
        follower_of: FollowerOf,
        credit_ok: bool,
    ) -> str | Call:
        """Steps 1-4: an earlier outcome, an unfinished dispatch, or a new decision
        recorded (with the credit and cap slot of a dispatch) in one write."""
        now = self.store.clock.now()
        notification = self.store.find(Notification, notification_id_for(message.intent_id))
        if notification is not None and notification.outcome is not None:
            return notification.outcome
        if notification is not None and notification.pending is not None:
            return self._records.unfinished(message, notification, now)
        notification = notification or Notification(
            message.intent_id, trigger.name, message.member_id, now
        )
        member = self.store.find(Member, message.member_id)
        follower = None if member is None else follower_of(member.unionid)
        inbox = self.accounts.inbox_of(message.member_id)
        decision = self._decide(message, trigger, status, follower, member, inbox, credit_ok, now)
        if isinstance(decision, Send) and member is not None:
            return self._records.dispatch(
                message, trigger, notification, inbox, decision.channel, member, follower
            )
        spec = template_spec(self.template_book, trigger.name)
        urgent = trigger.urgency == Urgency.URGENT
        would_be = (spec.subscribe_id if urgent else spec.oa_id) or spec.subscribe_id
        if isinstance(decision, Defer):
            notification.defer(decision.until, would_be, now)
            self.store.save(notification)
            raise Deferred(decision.until)
        reason = decision.reason if isinstance(decision, Suppress) else "unknown_member"
        notification.suppress(reason, would_be, now)
        self.store.save(notification)
        return SUPPRESSED

    def _decide(
        self,
        message: NotifyMessage,
        trigger: Trigger,
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
        spec = template_spec(self.template_book, trigger.name)
        return decide(
            trigger,
            now=now,
            expires_at=message.expires_at,
            opted_out=set(inbox.opted_out),
            last_sent=inbox.last_sent_except(message.intent_id),
            has_credit=credit_ok and inbox.credits_for(spec.subscribe_id) > 0,
            follows=follower is not None and follower.following,
            has_oa_template=bool(spec.oa_id),
        )

    def _call(
        self,
        message: NotifyMessage,
        trigger: Trigger,
        call: Call,
        status: str | None,
        follower_of: FollowerOf,
    ) -> str | Call:
        """Steps 5 and 6: WeChat is called, and its answer (or its loss) recorded."""
        try:
            msgid = self._send(call)
        except MessageRefused as refused:
            if refused.code == NO_CREDIT and call.channel == SUBSCRIBE:
                self._records.abandon(message, f"wechat {refused.code}", refund=False)
                return self._prepare(message, trigger, status, follower_of, False)
            return self._records.record_failure(message, f"wechat {refused.code}")
        except MessengerUnavailable as error:
            self._records.abandon(message, f"unavailable: {error}", refund=True)
            raise
        except MessageOutcomeUnknown:
            if call.channel == SUBSCRIBE:
                return self._records.record_failure(message, LOST_ANSWER)
            raise
        return self._records.record_sent(message, msgid)

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
