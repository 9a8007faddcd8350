"""Points about to expire: one reminder per member per month of expiry, a week
before that month begins ("120 points expire in November"), rather than one
per lot — a member who checks in daily would otherwise hear of it every day.

The projection follows each account's lots (what is left, when it expires) in
its own `point_accounts` view and keeps the month's reminder current: its
figures follow spending and restored redemptions, and it is cancelled when
nothing of that month is left to expire. Lapsing itself changes no reminder:
by then it has long fallen due.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from ..domain.calendar import beijing_date, start_of_beijing_day
from ..domain.notify_triggers import page_of
from ..domain.points import PointsAccount
from .base import Doc, plain
from .notification_intents import Intent, Intents, intent_id

ACCOUNTS = "point_accounts"
EXPIRING = "points_expiring"
AHEAD = timedelta(days=7)
TICK = timedelta(microseconds=1)


def last_day(expires_at: str) -> date:
    """The last Beijing day a lot can be spent (it expires at the next midnight)."""
    return beijing_date(datetime.fromisoformat(expires_at) - TICK)


def month_of(expires_at: str) -> str:
    return last_day(expires_at).strftime("%Y-%m")


def month_start(month: str) -> datetime:
    return start_of_beijing_day(date.fromisoformat(f"{month}-01"))


def _account(intents: Intents, e: Any) -> Doc | None:
    return intents.views.get(ACCOUNTS, str(e.originator_id))


def _save(intents: Intents, e: Any, doc: Doc) -> None:
    """Saves the account, forgetting spent lots past their expiry."""
    doc["lots"] = {
        lot_id: lot
        for lot_id, lot in doc["lots"].items()
        if lot["remaining"] > 0 or datetime.fromisoformat(lot["expires_at"]) > e.at
    }
    intents.views.put(ACCOUNTS, str(e.originator_id), doc)


def _remind(intents: Intents, e: Any, doc: Doc, month: str) -> None:
    """Brings the month's reminder in line with the points left to expire in it."""
    member_id = doc["member_id"]
    reminder = intent_id(EXPIRING, member_id, month)
    lots = [lot for lot in doc["lots"].values() if month_of(lot["expires_at"]) == month]
    left = [lot for lot in lots if lot["remaining"] > 0]
    if not left:
        intents.cancel(reminder)
        return
    begins = month_start(month)
    if e.at >= begins and not intents.known(reminder):
        return  # too late to warn of it
    first = min(last_day(lot["expires_at"]) for lot in left)
    fields = {
        "points": str(sum(lot["remaining"] for lot in left)),
        "time": first.isoformat(),
        "month": month,
    }
    page = page_of("points_expiring")
    intent = Intent(
        EXPIRING,
        (member_id, month),
        member_id,
        page,
        fields,
        due_at=begins - AHEAD,
        expires_at=begins,
    )
    intents.queue(intent)


def _opened(e: PointsAccount.Opened, intents: Intents) -> None:
    intents.views.put(ACCOUNTS, str(e.originator_id), {"member_id": str(e.member_id), "lots": {}})


def _earned(e: PointsAccount.Earned | PointsAccount.CheckedIn, intents: Intents) -> None:
    doc = _account(intents, e)
    if doc is None:
        return
    expires_at = plain(e.expires_at)
    doc["lots"][e.lot_id] = {"remaining": e.points, "expires_at": expires_at}
    _save(intents, e, doc)
    if e.expires_at > e.at:
        _remind(intents, e, doc, month_of(expires_at))


def _moved(sign: int, remind: bool) -> Callable[[Any, Intents], None]:
    def move(e: Any, intents: Intents) -> None:
        doc = _account(intents, e)
        if doc is None:
            return
        taken: dict[str, int] = e.lots if isinstance(e, PointsAccount.Expired) else e.taken
        months = set()
        for lot_id, points in taken.items():
            lot = doc["lots"].get(lot_id)
            if lot is not None:  # a lot forgotten long after its expiry stays forgotten
                lot["remaining"] += sign * points
                months.add(month_of(lot["expires_at"]))
        _save(intents, e, doc)
        for month in sorted(months) if remind else ():
            _remind(intents, e, doc, month)

    return move


def _closed(e: PointsAccount.Closed, intents: Intents) -> None:
    doc = _account(intents, e)
    if doc is None:
        return
    for month in sorted({month_of(lot["expires_at"]) for lot in doc["lots"].values()}):
        intents.cancel(intent_id(EXPIRING, doc["member_id"], month))
    intents.views.put(ACCOUNTS, str(e.originator_id), dict(doc, lots={}))


HANDLERS: dict[type, Callable[[Any, Intents], None]] = {
    PointsAccount.Opened: _opened,
    PointsAccount.Earned: _earned,
    PointsAccount.CheckedIn: _earned,
    PointsAccount.Redeemed: _moved(-1, remind=True),
    PointsAccount.ClawedBack: _moved(-1, remind=True),
    PointsAccount.RedemptionRestored: _moved(1, remind=True),
    PointsAccount.RedemptionPartRestored: _moved(1, remind=True),
    PointsAccount.Expired: _moved(-1, remind=False),
    PointsAccount.Closed: _closed,
}
