"""Read-model queries of the member pages: me, points, coupons and templates.

Whatever depends on the time (spend in the last 365 days, points expiring soon,
whether a coupon is usable now) is computed here from `now`, so the documents
themselves never go stale.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from ..application.errors import NotFound
from ..domain.coupons import CouponTemplate
from ..domain.ids import points_account_id_for, wallet_id_for
from ..domain.levels import level_for, next_level
from ..domain.member import SPEND_WINDOW
from ..domain.values import Level
from . import coupons, members, points, queries
from .base import Doc, ViewReader

MEMBERS = members.MembersProjection.name
POINTS = points.PointsProjection.name
COUPONS = coupons.CouponsProjection.name
EXPIRING_WITHIN_DAYS = 30
STATUSES = ("usable", "not_yet_valid", "locked", "used", "expired", "void")


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _level_doc(level: Level) -> Doc:
    return {
        "code": level.code,
        "name": level.name,
        "discount_percent": level.discount_percent,
        "points_multiplier_percent": level.points_multiplier_percent,
        "free_shipping_from_fen": level.free_shipping_from_fen,
        "birthday_coupon": level.birthday_coupon,
    }


def me(views: ViewReader, member_id: UUID, now: datetime, levels: list[Level]) -> Doc:
    doc = views.get(MEMBERS, members.VIEW, str(member_id))
    if doc is None:
        raise NotFound("member")
    since = now - SPEND_WINDOW
    spend = sum(s["amount_fen"] for s in doc["spend"].values() if _time(s["at"]) > since)
    level = next((lv for lv in levels if lv.code == doc["level"]), None)
    level = level or level_for(levels, spend)
    above = next_level(levels, level.code)
    up = None
    if above is not None:
        up = {
            "code": above.code,
            "name": above.name,
            "threshold_fen": above.threshold_fen,
            "missing_fen": max(above.threshold_fen - spend, 0),
        }
    account = _account(views, member_id)
    soon = _expiring(account, now)
    return {
        "member_id": doc["member_id"],
        "nickname": doc["nickname"],
        "avatar_url": doc["avatar_url"],
        "birthday": doc["birthday"],
        "phone_bound": doc["phone_bound"],
        "sealed_phone": doc["sealed_phone"],
        "level": _level_doc(level),
        "spend_12m_fen": spend,
        "next_level": up,
        "points": {
            "balance": account["balance"],
            "expiring_soon": {
                "points": sum(lot["points"] for lot in soon),
                "within_days": EXPIRING_WITHIN_DAYS,
            },
        },
        "coupons": {"usable": len(member_coupons(views, member_id, now, "usable"))},
    }


def _account(views: ViewReader, member_id: UUID) -> Doc:
    account_id = str(points_account_id_for(member_id))
    doc = views.get(POINTS, points.VIEW, account_id)
    return doc or {"member_id": str(member_id), "balance": 0, "lots": {}, "ledger": []}


def _expiring(account: Doc, now: datetime) -> list[Doc]:
    """Lots with points left that expire within EXPIRING_WITHIN_DAYS, soonest first."""
    until = now + timedelta(days=EXPIRING_WITHIN_DAYS)
    soon = [
        {"points": lot["remaining"], "expires_at": lot["expires_at"]}
        for lot in account["lots"].values()
        if lot["remaining"] > 0 and now < _time(lot["expires_at"]) <= until
    ]
    return sorted(soon, key=lambda lot: _time(lot["expires_at"]))


def points_ledger(views: ViewReader, member_id: UUID, now: datetime) -> Doc:
    account = _account(views, member_id)
    return {
        "balance": account["balance"],
        "expiring_soon": _expiring(account, now),
        "lots": account["lots"],
        "ledger": account["ledger"],
    }


COUPON_STATUSES = ("usable", "not_yet_valid", "expired", "locked", "used")
"""What `coupon_status` can answer."""


def coupon_status(coupon: Doc, now: datetime) -> str:
    """The status a member sees now: an available coupon is usable only in its window."""
    status: str = coupon["status"]
    if status != "available":
        return status
    if now < _time(coupon["valid_from"]):
        return "not_yet_valid"
    if now >= _time(coupon["expires_at"]):
        return "expired"
    return "usable"


def member_coupons(
    views: ViewReader, member_id: UUID, now: datetime, status: str | None
) -> list[Doc]:
    wallet = views.get(COUPONS, coupons.WALLETS, str(wallet_id_for(member_id)))
    held: list[Doc] = [
        dict(coupon, status=coupon_status(coupon, now))
        for coupon in (wallet or {"coupons": {}})["coupons"].values()
    ]
    chosen = [c for c in held if status is None or c["status"] == status]
    return sorted(chosen, key=lambda c: (_time(c["expires_at"]), c["coupon_id"]))


def _claimable(template: Doc, now: datetime) -> bool:
    remaining = template["remaining"]
    ends_at = template["ends_at"]
    return (
        template["trigger"] == "claim"
        and not template["stopped"]
        and (remaining is None or remaining > 0)
        and (ends_at is None or now < _time(ends_at))
    )


def coupon_templates(views: ViewReader, now: datetime, claimable_only: bool) -> list[Doc]:
    docs = views.query(COUPONS, coupons.TEMPLATES, coupons.ALL)
    return [d for d in docs if not claimable_only or _claimable(d, now)]


def template_doc(template: CouponTemplate) -> Doc:
    return coupons.template_doc(template, issued=template.issued, stopped=template.stopped)


def all_member_orders(views: ViewReader, member_id: UUID) -> list[Doc]:
    return queries.member_orders(views, member_id)
