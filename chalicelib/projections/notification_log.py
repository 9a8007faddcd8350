"""The operators' log of notifications: what became of each intent and, per
Beijing day and template, how many were sent, failed, suppressed (by reason)
and delivered.

- `notifications`: one document per intent (key = intent id), filed under the
  Beijing day of its latest event (group) at that moment (rank), so a day's
  page lists what happened that day, newest first; `by_status` files the same
  document under `<day>/<status>`, so a filtered page is one query too;
- `daily`: key `<day>:<template id, or the trigger when none applied>` — the
  counts of that day's outcomes.

Every Notification event names its intent, trigger, member and template, so
nothing here needs state from elsewhere.
"""

from __future__ import annotations

from typing import Any

from ..domain.calendar import beijing_day
from ..domain.notification import Notification
from .base import Handler, ViewWriter, plain, rank_time

NOTIFICATIONS = "notifications"
BY_STATUS = "by_status"
DAILY = "daily"


def status_group(day: str, status: str) -> str:
    return f"{day}/{status}"


def _count(views: ViewWriter, e: Any, counter: str, reason: str | None = None) -> None:
    day, template = beijing_day(e.at), e.template_id or e.trigger
    key = f"{day}:{template}"
    doc = views.get(DAILY, key) or {
        "day": day,
        "template_id": e.template_id,
        "trigger": e.trigger,
        "sent": 0,
        "failed": 0,
        "suppressed": {},
        "delivered": 0,
        "delivery_failed": 0,
    }
    if reason is None:
        doc[counter] += 1
    else:
        doc[counter][reason] = doc[counter].get(reason, 0) + 1
    views.put(DAILY, key, doc, group=day, rank=template)


def _record(views: ViewWriter, e: Any, status: str | None, **changes: Any) -> None:
    doc = views.get(NOTIFICATIONS, e.intent_id) or {
        "intent_id": e.intent_id,
        "trigger": e.trigger,
        "member_id": str(e.member_id),
        "template_id": "",
        "status": "pending",
        "channel": None,
        "reason": None,
        "msgid": None,
        "delivery": None,
        "deferred_until": None,
        "first_at": plain(e.at),
    }
    template_id = getattr(e, "template_id", "")
    doc.update(changes, at=plain(e.at), template_id=template_id or doc["template_id"])
    if status is not None:
        doc["status"] = status
    day, rank = beijing_day(e.at), rank_time(e.at)
    doc["day"] = day
    views.put(NOTIFICATIONS, e.intent_id, doc, group=day, rank=rank)
    views.put(BY_STATUS, e.intent_id, doc, group=status_group(day, doc["status"]), rank=rank)


def _considered(e: Notification.Considered, views: ViewWriter) -> None:
    _record(views, e, None)


def _dispatched(e: Notification.Dispatched, views: ViewWriter) -> None:
    _record(views, e, "dispatched", channel=e.channel, reason=None)


def _abandoned(e: Notification.DispatchAbandoned, views: ViewWriter) -> None:
    _record(views, e, "pending", channel=e.channel, reason=e.reason)


def _sent(e: Notification.Sent, views: ViewWriter) -> None:
    _record(views, e, "sent", channel=e.channel, msgid=e.msgid, reason=None)
    _count(views, e, "sent")


def _failed(e: Notification.Failed, views: ViewWriter) -> None:
    _record(views, e, "failed", channel=e.channel, reason=e.reason)
    _count(views, e, "failed")


def _suppressed(e: Notification.Suppressed, views: ViewWriter) -> None:
    _record(views, e, "suppressed", reason=e.reason)
    _count(views, e, "suppressed", reason=e.reason)


def _deferred(e: Notification.Deferred, views: ViewWriter) -> None:
    _record(views, e, "deferred", deferred_until=plain(e.until))


def _delivered(e: Notification.Delivered, views: ViewWriter) -> None:
    _record(views, e, None, delivery=e.status)
    _count(views, e, "delivered" if e.status == "success" else "delivery_failed")


HANDLERS: dict[type, Handler] = {
    Notification.Considered: _considered,
    Notification.Dispatched: _dispatched,
    Notification.DispatchAbandoned: _abandoned,
    Notification.Sent: _sent,
    Notification.Failed: _failed,
    Notification.Suppressed: _suppressed,
    Notification.Deferred: _deferred,
    Notification.Delivered: _delivered,
}


class NotificationLogProjection:
    name = "notification_log"
    handles = frozenset(HANDLERS)

    def apply(self, event: Any, views: ViewWriter) -> None:
        """Events of other aggregates do not concern this log."""
        handler = HANDLERS.get(type(event))
        if handler is not None:
            handler(event, views)
