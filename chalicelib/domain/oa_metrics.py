"""The official account's (公众号) figures: what each counts (one sentence each,
as the answer states them) and the rules behind them, without I/O.

Followers are counted per Beijing day of the follow. A follow is a `Followed`
event (following again after unfollowing is a new follow); a follower is
*linked* when the unionid its account learnt is the one a member logged into
the mini-program with (the member "came into the mini-program").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from .retention import repurchases

RETENTION_DAYS = 30
FOLLOW_WINDOW = timedelta(hours=24)
ENTRY_GROUPS = {"oa_menu": "menu", "oa_article": "article"}
"""The sources of official-account entries, and what their detail names."""

FOLLOWER_COUNTS = ("gained", "lost", "linked", "linked_payers", "repurchasers", "left_early")
"""What the oa_metrics projection counts per Beijing day."""

ENTRY_COUNTS = (
    "visits",
    "new_members",
    "orders_placed",
    "orders_paid",
    "payers",
    "paid_fen",
    "late_paid_fen",
    "refunded_fen",
    "converted",
)
"""The analytics figures an entry's row shows (analytics, per day and source)."""

DEFINITIONS: Mapping[str, str] = {
    "day": "A Beijing calendar day (UTC+8), from 00:00 to 24:00.",
    "menu": (
        "Entries from the official account's menu (scene 1035, or from=menu), per the "
        "query's type (null when the entry named none)."
    ),
    "article": (
        "Entries from an official-account article (scene 1058, or from=article), per the "
        "query's article id (null when the entry named none)."
    ),
    "visits": "Entries into the mini-program from that menu type or article.",
    "new_members": "Members who registered on an entry from it (first touch).",
    "orders_placed": "Orders placed within 24 hours of the member's last entry, it being from it.",
    "orders_paid": "Those orders' payments recorded in the range.",
    "payers": "Members who paid such an order, each once a day (summed: member-days).",
    "gmv_fen": "Money paid for such orders (also after close) minus money refunded, in fen.",
    "converted": "Of its new members, those who paid an order within 7 days of registering.",
    "conversion": "converted / new_members, to 4 decimals (null without new members).",
    "payer_rate": "payers / visits, to 4 decimals (null without visits).",
    "gained": "Follows of the official account that day (following again counts again).",
    "lost": "Unfollows that day.",
    "net": "gained - lost.",
    "linked": (
        "Followers who first followed that day and are linked to a member: the member "
        "logged into the mini-program with the unionid the follower has."
    ),
    "linked_payers": (
        "Of those, the followers whose member paid an order after the follower first "
        "followed (counted on the day of the follow)."
    ),
    "paid_rate": "linked_payers / linked, to 4 decimals (null without linked followers).",
    "repurchasers": (
        "Of linked_payers, those whose member paid another order within 30 days (720 "
        "hours) after that first payment."
    ),
    "repurchase": (
        "repurchasers / linked_payers, to 4 decimals (null without payers); the last 30 "
        "days still rise."
    ),
    "retained_30d": (
        "Follows of that day still following when Beijing day day+30 began (not unfollowed "
        "before it); null until that day has arrived by the shop's clock. A follower "
        "forgotten when its member closed the account counts as it was when forgotten."
    ),
    "retention_30d": "retained_30d / gained, to 4 decimals (null while retained_30d is).",
    "prompted": (
        "Members shown the follow prompt that day (the mini-program's follow_prompt "
        "events of a logged-in member), each once a day."
    ),
    "followed": (
        "Of them, those who followed the official account within 24 hours after one of "
        "that day's prompts (a follower linked to the member; counted when the link is "
        "known, so the last day still rises)."
    ),
    "follow_conversion": "followed / prompted, to 4 decimals (null without prompts).",
    "totals": (
        "Sums of the days; retained_30d and retention_30d over the days whose figure is "
        "known (null when none is)."
    ),
}


def ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole > 0 else None


def retention_known(day: date, today: date) -> bool:
    """Whether the follows of `day` are 30 days old: day+30 has arrived."""
    return today >= day + timedelta(days=RETENTION_DAYS)


def leaves_early(followed_at: date, unfollowed_at: date) -> bool:
    """An unfollow before Beijing day followed+30 began makes the follow not retained
    (both arguments are Beijing days)."""
    return unfollowed_at < followed_at + timedelta(days=RETENTION_DAYS)


def first_payment_after(followed_at: datetime, payments: Iterable[datetime]) -> datetime | None:
    """The member's first payment at or after the follower first followed."""
    return min((paid for paid in payments if paid >= followed_at), default=None)


def follows_after_prompt(first: datetime, last: datetime, followed_at: datetime) -> bool:
    """Whether a follow falls within 24 hours after one of a day's prompts, the
    earliest `first` and the latest `last` of them (all within one day, so
    their windows join into one: from `first` to 24 hours after `last`)."""
    return first <= followed_at <= last + FOLLOW_WINDOW


def repurchased(first_paid_at: datetime, payments: Iterable[datetime]) -> bool:
    return any(repurchases(first_paid_at, paid) for paid in payments)


def follower_day(day: date, counts: Mapping[str, int], today: date) -> dict[str, Any]:
    """A day's follower figures with the derived ones (see DEFINITIONS)."""
    figures: dict[str, Any] = {"day": day.isoformat()}
    figures |= {name: int(counts.get(name, 0)) for name in FOLLOWER_COUNTS if name != "left_early"}
    gained = figures["gained"]
    figures["net"] = gained - figures["lost"]
    figures["paid_rate"] = ratio(figures["linked_payers"], figures["linked"])
    figures["repurchase"] = ratio(figures["repurchasers"], figures["linked_payers"])
    retained = gained - int(counts.get("left_early", 0))
    known = retention_known(day, today)
    figures["retained_30d"] = retained if known else None
    figures["retention_30d"] = ratio(retained, gained) if known else None
    return figures


def follower_totals(days: list[dict[str, Any]]) -> dict[str, Any]:
    summed = {
        name: sum(int(d[name]) for d in days)
        for name in ("gained", "lost", "net", "linked", "linked_payers", "repurchasers")
    }
    known = [d for d in days if d["retained_30d"] is not None]
    retained = sum(int(d["retained_30d"]) for d in known) if known else None
    gained_known = sum(int(d["gained"]) for d in known)
    return {
        **summed,
        "paid_rate": ratio(summed["linked_payers"], summed["linked"]),
        "repurchase": ratio(summed["repurchasers"], summed["linked_payers"]),
        "retained_30d": retained,
        "retention_30d": None if retained is None else ratio(retained, gained_known),
    }


def entry_figures(counts: Mapping[str, int]) -> dict[str, Any]:
    """An entry's analytics figures with gmv_fen, conversion and payer_rate."""
    figures: dict[str, Any] = {name: int(counts.get(name, 0)) for name in ENTRY_COUNTS}
    paid, late = figures.pop("paid_fen"), figures.pop("late_paid_fen")
    figures["gmv_fen"] = paid + late - figures.pop("refunded_fen")
    figures["conversion"] = ratio(figures["converted"], figures["new_members"])
    figures["payer_rate"] = ratio(figures["payers"], figures["visits"])
    return figures


def prompt_day(day: str, counts: Mapping[str, int]) -> dict[str, Any]:
    prompted, followed = int(counts.get("prompted", 0)), int(counts.get("followed", 0))
    return {
        "day": day,
        "prompted": prompted,
        "followed": followed,
        "follow_conversion": ratio(followed, prompted),
    }
