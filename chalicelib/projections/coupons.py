"""Coupon read models: each member's wallet (every coupon with its status and the
order holding it) and the coupon templates with what is left to issue.

A wallet closes with the account: its document goes. The wallet reopened for a
rejoining member is empty; the member's Rejoined event, saved with it, names
the member again (the wallet's own Reopened event does not).
"""

from __future__ import annotations

from typing import Any

from ..domain.coupons import CouponTemplate, CouponWallet
from ..domain.ids import wallet_id_for
from ..domain.member import Member
from .base import Doc, Handler, ViewWriter, plain

WALLETS = "wallets"
TEMPLATES = "coupon_templates"
ALL = "all"


def template_doc(source: Any, *, issued: int, stopped: bool) -> Doc:
    """A template's document from anything with its definition's fields: the
    Defined event (the projection) or the aggregate (admin responses)."""
    total = source.total_quantity
    return {
        "code": source.code,
        "title": source.title,
        "terms": plain(source.terms),
        "trigger": source.trigger,
        "starts_at": plain(source.starts_at),
        "ends_at": plain(source.ends_at),
        "valid_days": source.valid_days,
        "total_quantity": total,
        "per_member_limit": source.per_member_limit,
        "issued": issued,
        "remaining": total - issued if total else None,
        "stopped": stopped,
    }


# -- templates ---------------------------------------------------------------------
def _defined(e: CouponTemplate.Defined, views: ViewWriter) -> None:
    doc = template_doc(e, issued=0, stopped=False)
    views.put(TEMPLATES, str(e.originator_id), doc, group=ALL, rank=e.code)


def _change_template(e: Any, views: ViewWriter, *, issued: int = 0, stop: bool = False) -> None:
    doc = views.get(TEMPLATES, str(e.originator_id))
    if doc is None:
        return
    doc["issued"] += issued
    doc["stopped"] = doc["stopped"] or stop
    total = doc["total_quantity"]
    doc["remaining"] = total - doc["issued"] if total else None
    views.put(TEMPLATES, str(e.originator_id), doc, group=ALL, rank=doc["code"])


def _issued(e: CouponTemplate.Issued, views: ViewWriter) -> None:
    _change_template(e, views, issued=1)


def _stopped(e: CouponTemplate.Stopped, views: ViewWriter) -> None:
    _change_template(e, views, stop=True)


# -- wallets -----------------------------------------------------------------------
def _opened(e: CouponWallet.Opened, views: ViewWriter) -> None:
    views.put(WALLETS, str(e.originator_id), {"member_id": str(e.member_id), "coupons": {}})


def _received(e: CouponWallet.Received, views: ViewWriter) -> None:
    doc = views.get(WALLETS, str(e.originator_id))
    if doc is not None:
        coupon = dict(plain(e.coupon), status="available", order_id=None)
        doc["coupons"][e.coupon.coupon_id] = coupon
        views.put(WALLETS, str(e.originator_id), doc)


def _set(e: Any, views: ViewWriter, status: str, order_id: str | None) -> None:
    doc = views.get(WALLETS, str(e.originator_id))
    coupon = None if doc is None else doc["coupons"].get(e.coupon_id)
    if doc is not None and coupon is not None:
        coupon.update(status=status, order_id=order_id)
        views.put(WALLETS, str(e.originator_id), doc)


def _locked(e: CouponWallet.Locked, views: ViewWriter) -> None:
    _set(e, views, "locked", e.order_id)


def _used(e: CouponWallet.Used, views: ViewWriter) -> None:
    _set(e, views, "used", e.order_id)


def _returned(e: CouponWallet.Returned, views: ViewWriter) -> None:
    _set(e, views, "available", None)


def _lapsed(e: CouponWallet.Lapsed, views: ViewWriter) -> None:
    _set(e, views, "expired", None)


def _closed(e: CouponWallet.Closed, views: ViewWriter) -> None:
    views.delete(WALLETS, str(e.originator_id))


def _reopened(e: CouponWallet.Reopened, views: ViewWriter) -> None:
    doc = views.get(WALLETS, str(e.originator_id))
    member_id = None if doc is None else doc["member_id"]
    views.put(WALLETS, str(e.originator_id), {"member_id": member_id, "coupons": {}})


def _rejoined(e: Member.Rejoined, views: ViewWriter) -> None:
    wallet_id = str(wallet_id_for(e.originator_id))
    doc = views.get(WALLETS, wallet_id) or {"coupons": {}}
    doc["member_id"] = str(e.originator_id)
    views.put(WALLETS, wallet_id, doc)


HANDLERS: dict[type, Handler] = {
    CouponTemplate.Defined: _defined,
    CouponTemplate.Issued: _issued,
    CouponTemplate.Stopped: _stopped,
    CouponWallet.Opened: _opened,
    CouponWallet.Received: _received,
    CouponWallet.Locked: _locked,
    CouponWallet.Used: _used,
    CouponWallet.Returned: _returned,
    CouponWallet.Lapsed: _lapsed,
    CouponWallet.Closed: _closed,
    CouponWallet.Reopened: _reopened,
    Member.Rejoined: _rejoined,
}


class CouponsProjection:
    name = "coupons"
    handles = frozenset(HANDLERS)

    def apply(self, event: Any, views: ViewWriter) -> None:
        """Events of other aggregates do not concern this view."""
        handler = HANDLERS.get(type(event))
        if handler is not None:
            handler(event, views)
