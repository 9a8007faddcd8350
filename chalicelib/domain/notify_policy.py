"""Which channel a notification goes by, or why it does not go (yet).

A pure function of what the sender knows at the moment of sending, so every
rule of manners (opt-outs, frequency caps, quiet hours) and of reach (credits,
following the official account) is tested without I/O. The first rule that
applies wins, in this order:

1. past its `expires_at` → suppressed `expired`;
2. its category opted out → `opted_out` (both channels);
3. a follow prompt to someone who already follows → `already_follows`;
4. a capped category sent within its window → `frequency_cap`;
5. marketing in quiet hours (22:00-08:00 Beijing) → deferred to the next 08:00;
6. urgent and a subscribe credit → the `subscribe` channel;
7. following and an official-account template → the `template` channel;
8. otherwise → `no_channel`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from .calendar import BEIJING
from .notify_triggers import CAPS, Category, Trigger, Urgency

SUBSCRIBE = "subscribe"
TEMPLATE = "template"
QUIET_FROM = time(22)
QUIET_UNTIL = time(8)


@dataclass(frozen=True)
class Send:
    channel: str


@dataclass(frozen=True)
class Suppress:
    reason: str


@dataclass(frozen=True)
class Defer:
    until: datetime


Decision = Send | Suppress | Defer


def end_of_quiet_hours(now: datetime) -> datetime | None:
    """The next 08:00 Beijing time when `now` falls in 22:00-08:00 Beijing, else None."""
    local = now.astimezone(BEIJING)
    if QUIET_UNTIL <= local.time() < QUIET_FROM:
        return None
    day = local.date() + timedelta(days=1) if local.time() >= QUIET_FROM else local.date()
    return datetime.combine(day, QUIET_UNTIL, tzinfo=BEIJING).astimezone(UTC)


def cap_hit(category: str, last_sent: dict[str, datetime], now: datetime) -> bool:
    window = CAPS.get(Category(category))
    last = last_sent.get(category)
    return window is not None and last is not None and now - last < window


def decide(
    trigger: Trigger,
    *,
    now: datetime,
    expires_at: datetime | None,
    opted_out: set[str],
    last_sent: dict[str, datetime],
    has_credit: bool,
    follows: bool,
    has_oa_template: bool,
) -> Decision:
    category = trigger.category
    if expires_at is not None and now >= expires_at:
        return Suppress("expired")
    if category in opted_out:
        return Suppress("opted_out")
    if category == Category.FOLLOW_PROMPT and follows:
        return Suppress("already_follows")
    if cap_hit(category, last_sent, now):
        return Suppress("frequency_cap")
    quiet_until = end_of_quiet_hours(now) if category == Category.MARKETING else None
    if quiet_until is not None:
        return Defer(quiet_until)
    if trigger.urgency == Urgency.URGENT and has_credit:
        return Send(SUBSCRIBE)
    if follows and has_oa_template:
        return Send(TEMPLATE)
    return Suppress("no_channel")
