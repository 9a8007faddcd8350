"""The business moments worth a message (notification triggers), by name.

The projection that spots these moments (projections/notification_triggers.py)
and the sender that delivers them (application/notify_sender.py) meet here:
one table says what each trigger is, how it may be sent and who may silence it.

- category: `transactional` messages cannot be opted out of; `reminder`,
  `marketing` and `follow_prompt` can, and apply to both channels;
- urgency: `urgent` (short-lived) messages prefer a mini-program subscribe message
  when the member holds a credit; `long` ones go to the official account;
- fields: the semantic values (strings) the default templates read; the producer
  puts them in the intent payload's `fields`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from uuid import NAMESPACE_URL, UUID, uuid5


class Category(StrEnum):
    TRANSACTIONAL = "transactional"
    REMINDER = "reminder"
    MARKETING = "marketing"
    FOLLOW_PROMPT = "follow_prompt"


class Urgency(StrEnum):
    URGENT = "urgent"
    LONG = "long"


OPTIONAL_CATEGORIES = frozenset({Category.REMINDER, Category.MARKETING, Category.FOLLOW_PROMPT})
"""What a member may opt out of: everything but what they bought and are owed."""

CAPS: dict[Category, timedelta] = {
    Category.MARKETING: timedelta(hours=24),
    Category.FOLLOW_PROMPT: timedelta(hours=24),
}
"""At most one message of these categories per member per window, across both channels."""


@dataclass(frozen=True)
class Trigger:
    name: str
    category: Category
    urgency: Urgency
    page: str
    """The mini-program page, a str.format pattern over the subject's keys."""
    fields: tuple[str, ...]


def _t(name: str, category: Category, urgency: Urgency, page: str, *fields: str) -> Trigger:
    return Trigger(name, category, urgency, page, fields)


_T, _R, _M, _F = (
    Category.TRANSACTIONAL,
    Category.REMINDER,
    Category.MARKETING,
    Category.FOLLOW_PROMPT,
)
_U, _L = Urgency.URGENT, Urgency.LONG
ORDER_PAGE = "pages/orders/detail?id={order_id}"
TEAM_PAGE = "pages/group-buy/team?id={team_id}"

TRIGGERS: dict[str, Trigger] = {
    t.name: t
    for t in (
        _t("order_paid", _T, _U, ORDER_PAGE, "order_no", "amount", "title", "time"),
        _t("order_shipped", _T, _U, "pages/orders/logistics?id={order_id}", "order_no", "title"),
        _t("after_sales_reminder", _R, _L, ORDER_PAGE, "order_no", "title", "time"),
        _t("team_one_seat_left", _T, _U, TEAM_PAGE, "title"),
        _t("team_succeeded", _T, _U, TEAM_PAGE, "title"),
        _t("team_failed", _T, _L, ORDER_PAGE, "title", "amount"),
        _t("campaign_starting", _M, _U, "pages/campaigns/detail?code={code}", "campaign", "time"),
        _t("points_expiring", _R, _L, "pages/points/index", "points", "time"),
        _t("level_up", _T, _L, "pages/member/index", "level"),
        _t("coupon_expiring", _R, _U, "pages/coupons/index", "coupon", "time"),
        _t("follow_prompt", _F, _U, "pages/official-account/follow"),
    )
}


def trigger(name: str) -> Trigger:
    """The trigger of that name; KeyError names an unknown one."""
    return TRIGGERS[name]


def page_of(name: str, **subject: str) -> str:
    """The mini-program page a trigger's message opens, for its subject (the one
    place page links are defined)."""
    return TRIGGERS[name].page.format(**subject)


def intent_id_for(trigger_name: str, *subject_keys: object) -> str:
    """`notify:<trigger>:<subject key>[:<more keys>]`: the same moment always
    yields the same intent, so a rebuild or a redelivery collides with it."""
    return ":".join(["notify", trigger_name, *(str(key) for key in subject_keys)])


def notification_id_for(intent_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, "miniloop:notification:" + intent_id)
