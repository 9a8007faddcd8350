"""Points read model: the balance, the lots and a ledger of the latest moves, and
one expiry timer per lot with points left (ranked by its expiry), which the
points-expiry job asks for.

The document stays small whatever the account's age: the ledger keeps the
newest LEDGER_KEPT lines, and a spent lot leaves the document PRUNE_AFTER past
its expiry. Only a cancelled or refunded order's redemption can refill a lot;
one that finds its lot gone knows the lot expired by then, so the points come
back as already expired (due at once) and the next expiry run lapses them.

Closing the account removes the document and its timers. The account reopened
for a rejoining member starts empty; the member's Rejoined event, saved with
it, names the member again (the account's own Reopened event does not).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ..domain.ids import points_account_id_for
from ..domain.member import Member
from ..domain.points import PointsAccount
from ..domain.timers import TimerKind
from .base import Doc, Handler, ViewWriter, plain, rank_time

VIEW = "points"
EXPIRY = TimerKind.POINTS_EXPIRY.value  # the expiry timers' view, named after their kind
LEDGER_KEPT = 200
PRUNE_AFTER = timedelta(days=31)
ORDER_LOT = "order:"


def expiry_key(account_id: str, lot_id: str) -> str:
    return f"{account_id}:{lot_id}"


def _fresh(member_id: str | None) -> Doc:
    return {"member_id": member_id, "balance": 0, "lots": {}, "ledger": []}


def _opened(e: PointsAccount.Opened, views: ViewWriter) -> None:
    views.put(VIEW, str(e.originator_id), _fresh(str(e.member_id)))


def _reopened(e: PointsAccount.Reopened, views: ViewWriter) -> None:
    doc = views.get(VIEW, str(e.originator_id))
    views.put(VIEW, str(e.originator_id), _fresh(None if doc is None else doc["member_id"]))


def _rejoined(e: Member.Rejoined, views: ViewWriter) -> None:
    account_id = str(points_account_id_for(e.originator_id))
    doc = views.get(VIEW, account_id) or _fresh(None)
    doc["member_id"] = str(e.originator_id)
    views.put(VIEW, account_id, doc)


def _earn(e: Any, views: ViewWriter, kind: str, day: str | None) -> None:
    doc = views.get(VIEW, str(e.originator_id))
    if doc is None:
        return
    doc["lots"][e.lot_id] = {
        "points": e.points,
        "remaining": 0,
        "expires_at": plain(e.expires_at),
        "source": getattr(e, "source", e.lot_id),
    }
    order_id = e.lot_id.removeprefix(ORDER_LOT) if e.lot_id.startswith(ORDER_LOT) else None
    _move(views, e, doc, kind, e.points, {e.lot_id: e.points}, order_id, day)


def _earned(e: PointsAccount.Earned, views: ViewWriter) -> None:
    _earn(e, views, "earned", None)


def _checked_in(e: PointsAccount.CheckedIn, views: ViewWriter) -> None:
    _earn(e, views, "checked_in", e.day)


def _update(e: Any, views: ViewWriter, kind: str, sign: int, lots: dict[str, int]) -> None:
    doc = views.get(VIEW, str(e.originator_id))
    if doc is None:
        return
    changes = {lot_id: sign * n for lot_id, n in lots.items()}
    order_id = getattr(e, "order_id", None)
    _move(views, e, doc, kind, sign * sum(lots.values()), changes, order_id, None)


def _redeemed(e: PointsAccount.Redeemed, views: ViewWriter) -> None:
    _update(e, views, "redeemed", -1, e.taken)


def _restored(
    e: PointsAccount.RedemptionRestored | PointsAccount.RedemptionPartRestored, views: ViewWriter
) -> None:
    _update(e, views, "restored", 1, e.taken)


def _clawed_back(e: PointsAccount.ClawedBack, views: ViewWriter) -> None:
    _update(e, views, "clawed_back", -1, e.taken)


def _expired(e: PointsAccount.Expired, views: ViewWriter) -> None:
    _update(e, views, "expired", -1, e.lots)


def _closed(e: PointsAccount.Closed, views: ViewWriter) -> None:
    account_id = str(e.originator_id)
    doc = views.get(VIEW, account_id)
    for lot_id, lot in (doc or {}).get("lots", {}).items():
        if lot["remaining"] > 0:
            views.delete(EXPIRY, expiry_key(account_id, lot_id))
    views.delete(VIEW, account_id)


def _move(
    views: ViewWriter,
    e: Any,
    doc: Doc,
    kind: str,
    points: int,
    changes: dict[str, int],
    order_id: str | None,
    day: str | None,
) -> None:
    """Moves the lots' remaining points and their timers, adds the ledger line."""
    account_id = str(e.originator_id)
    for lot_id, delta in changes.items():
        _change_lot(views, account_id, doc, lot_id, delta, e.at)
    line = {
        "kind": kind,
        "points": points,
        "balance_after": e.balance_after,
        "order_id": order_id,
        "day": day,
        "at": plain(e.at),
    }
    doc["balance"] = e.balance_after
    doc["ledger"] = [line, *doc["ledger"]][:LEDGER_KEPT]
    done = e.at - PRUNE_AFTER
    doc["lots"] = {
        lot_id: lot
        for lot_id, lot in doc["lots"].items()
        if lot["remaining"] > 0 or datetime.fromisoformat(lot["expires_at"]) > done
    }
    views.put(VIEW, account_id, doc)


def _change_lot(
    views: ViewWriter, account_id: str, doc: Doc, lot_id: str, delta: int, at: datetime
) -> None:
    lot = doc["lots"].get(lot_id)
    if lot is None:  # pruned: it expired long before, by `at` at the latest
        lot = {"points": delta, "remaining": 0, "expires_at": plain(at), "source": lot_id}
        doc["lots"][lot_id] = lot
    before = lot["remaining"]
    lot["remaining"] = after = before + delta
    key = expiry_key(account_id, lot_id)
    if before <= 0 < after:
        rank = rank_time(datetime.fromisoformat(lot["expires_at"]))
        views.put(EXPIRY, key, {"account_id": account_id}, group=TimerKind.POINTS_EXPIRY, rank=rank)
    elif after <= 0 < before:
        views.delete(EXPIRY, key)


HANDLERS: dict[type, Handler] = {
    PointsAccount.Opened: _opened,
    PointsAccount.Reopened: _reopened,
    Member.Rejoined: _rejoined,
    PointsAccount.Earned: _earned,
    PointsAccount.CheckedIn: _checked_in,
    PointsAccount.Redeemed: _redeemed,
    PointsAccount.RedemptionRestored: _restored,
    PointsAccount.RedemptionPartRestored: _restored,
    PointsAccount.ClawedBack: _clawed_back,
    PointsAccount.Expired: _expired,
    PointsAccount.Closed: _closed,
}


class PointsProjection:
    name = "points"
    handles = frozenset(HANDLERS)

    def apply(self, event: Any, views: ViewWriter) -> None:
        """Events of other aggregates do not concern this view."""
        handler = HANDLERS.get(type(event))
        if handler is not None:
            handler(event, views)
