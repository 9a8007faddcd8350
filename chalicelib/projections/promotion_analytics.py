"""Promotion analytics read model: each campaign's (拼团 / 秒杀 / 砍价) and each
coupon template's figures pre-aggregated per Beijing day (domain/
promotion_metrics.py says what each counts), so a query over a range reads
one document per day, never raw events.

Documents:
- `campaigns/<campaign id>`: its code, kind and title;
- `campaign_days/<campaign id>|<day>`: the campaign's counts of the day
  (CAMPAIGN_COUNTS) and how many sources it has, ranked by day in the
  campaign's group;
- `campaign_sources/<campaign id>|<day>|<source>`: its paid orders and money
  of the day credited to one last-touch source, ranked by "<day>|<source>"
  in the campaign's group;
- `templates/<template id>`: a coupon template's code, title and kind;
- `coupons/<coupon id>`: the template that issued it (an order names its
  coupon, a coupon id does not name its template);
- `coupon_days/<day>|<template id>`: the template's counts of the day
  (COUPON_COUNTS), ranked by "<day>|<template id>" in one group;
- `orders/<order id>`, for campaign and coupon orders only: its campaign,
  template, coupon discount and last-touch source, whether it was paid, and
  its member until it is paid or cancelled;
- `members/<member id>`: the member's last visit (time and source, as
  domain/attribution.py reads a login), the markers that make the distinct
  counts exact ("joined <campaign>", "paid in <campaign>") and the member's
  pending campaign or coupon orders.

A campaign day keeps at most MAX_SOURCES_PER_DAY detailed sources; past that
a new one counts under its group, as the shop's analytics do.

Closing an account deletes the member's document (every marker naming the
member) and the member from their pending orders; the counts stay. A payment
recorded after that counts in money and paid orders, not in payers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..domain.attribution import last_touch, source_of
from ..domain.calendar import beijing_day
from ..domain.campaign import Campaign
from ..domain.coupons import CouponTemplate, CouponWallet
from ..domain.member import Member
from ..domain.order import Order
from ..domain.promotion_metrics import CAMPAIGN_COUNTS, CAMPAIGN_SOURCE_COUNTS, COUPON_COUNTS
from .base import Doc, Handler, ViewWriter, day_source_rank, plain

CAMPAIGNS = "campaigns"
CAMPAIGN_DAYS = "campaign_days"
CAMPAIGN_SOURCES = "campaign_sources"
TEMPLATES = "templates"
COUPONS = "coupons"
COUPON_DAYS = "coupon_days"
ORDERS = "orders"
MEMBERS = "members"
MAX_SOURCES_PER_DAY = 50


def coupon_rank(day: str, template_id: str) -> str:
    return f"{day}|{template_id}"


# -- counters -------------------------------------------------------------------
def _campaign_day(views: ViewWriter, campaign_id: str, day: str) -> Doc:
    key = f"{campaign_id}|{day}"
    fresh = {"day": day, "sources": 0, **dict.fromkeys(CAMPAIGN_COUNTS, 0)}
    return views.get(CAMPAIGN_DAYS, key) or fresh


def _count_campaign(views: ViewWriter, campaign_id: str, day: str, **deltas: int) -> None:
    doc = _campaign_day(views, campaign_id, day)
    for name, delta in deltas.items():
        doc[name] += delta
    views.put(CAMPAIGN_DAYS, f"{campaign_id}|{day}", doc, group=campaign_id, rank=day)


def _source_key(views: ViewWriter, campaign_id: str, day: str, source: str) -> str:
    """`source`, or its group once the day has MAX_SOURCES_PER_DAY others."""
    group = source.partition(":")[0]
    key = f"{campaign_id}|{day_source_rank(day, source)}"
    if source == group or views.get(CAMPAIGN_SOURCES, key) is not None:
        return source
    full = _campaign_day(views, campaign_id, day)["sources"] >= MAX_SOURCES_PER_DAY
    return group if full else source


def _count_source(
    views: ViewWriter, campaign_id: str, day: str, source: str, **deltas: int
) -> None:
    source = _source_key(views, campaign_id, day, source)
    rank = day_source_rank(day, source)
    key = f"{campaign_id}|{rank}"
    doc = views.get(CAMPAIGN_SOURCES, key)
    if doc is None:
        doc = {"day": day, "source": source, **dict.fromkeys(CAMPAIGN_SOURCE_COUNTS, 0)}
        _count_campaign(views, campaign_id, day, sources=1)
    for name, delta in deltas.items():
        doc[name] += delta
    views.put(CAMPAIGN_SOURCES, key, doc, group=campaign_id, rank=rank)


def _count_coupon(views: ViewWriter, template_id: str, day: str, **deltas: int) -> None:
    rank = coupon_rank(day, template_id)
    doc = views.get(COUPON_DAYS, rank) or {
        "day": day,
        "template_id": template_id,
        **dict.fromkeys(COUPON_COUNTS, 0),
    }
    for name, delta in deltas.items():
        doc[name] += delta
    views.put(COUPON_DAYS, rank, doc, group=COUPON_DAYS, rank=rank)


def _count_order(views: ViewWriter, order: Doc, day: str, **deltas: int) -> None:
    """Money and orders of a campaign or coupon order, where they belong."""
    campaign_id, template_id = order["campaign_id"], order["template_id"]
    if campaign_id is not None:
        _count_campaign(views, campaign_id, day, **deltas)
        _count_source(views, campaign_id, day, order["source"], **deltas)
    if template_id is not None:
        _count_coupon(views, template_id, day, **deltas)


# -- definitions ------------------------------------------------------------------
def _on_campaign(e: Campaign.Defined, views: ViewWriter) -> None:
    doc = {"id": str(e.originator_id), "code": e.code, "kind": e.kind, "title": e.title}
    views.put(CAMPAIGNS, str(e.originator_id), doc)


def _on_template(e: CouponTemplate.Defined, views: ViewWriter) -> None:
    doc = {
        "template_id": str(e.originator_id),
        "code": e.code,
        "title": e.title,
        "kind": e.terms.kind,
        "terms": plain(e.terms),
    }
    views.put(TEMPLATES, str(e.originator_id), doc, group=TEMPLATES, rank=e.code)


# -- coupons ----------------------------------------------------------------------
def _on_issued(e: CouponTemplate.Issued, views: ViewWriter) -> None:
    template_id = str(e.originator_id)
    views.put(COUPONS, e.coupon_id, {"template_id": template_id})
    _count_coupon(views, template_id, beijing_day(e.at), issued=1)


def _template_of(views: ViewWriter, coupon_id: str | None) -> str | None:
    doc = None if coupon_id is None else views.get(COUPONS, coupon_id)
    return None if doc is None else str(doc["template_id"])


def _on_used(e: CouponWallet.Used, views: ViewWriter) -> None:
    template_id = _template_of(views, e.coupon_id)
    if template_id is not None:
        _count_coupon(views, template_id, beijing_day(e.at), used=1)


def _on_given_back(e: CouponWallet.Returned | CouponWallet.Lapsed, views: ViewWriter) -> None:
    """Counts a coupon given back after the order that used it was refunded
    (one given back by a cancelled, never paid, order was never used)."""
    order = views.get(ORDERS, e.order_id)
    template_id = _template_of(views, e.coupon_id)
    if order is not None and order["paid"] and template_id is not None:
        _count_coupon(views, template_id, beijing_day(e.at), returned=1)


# -- members ----------------------------------------------------------------------
def _fresh_member() -> Doc:
    return {
        "last_visit_at": None,
        "last_visit_source": None,
        "joined": [],
        "paid": [],
        "pending": [],
    }


def _on_logged_in(e: Member.LoggedIn, views: ViewWriter) -> None:
    member_id = str(e.originator_id)
    doc = views.get(MEMBERS, member_id) or _fresh_member()
    last = doc["last_visit_at"]
    if last is None or datetime.fromisoformat(last) <= e.at:
        doc["last_visit_at"] = plain(e.at)
        doc["last_visit_source"] = source_of(e.scene, e.query).key
        views.put(MEMBERS, member_id, doc)


def _on_closed(e: Member.Closed, views: ViewWriter) -> None:
    member_id = str(e.originator_id)
    doc = views.get(MEMBERS, member_id)
    for order_id in [] if doc is None else doc["pending"]:
        order = views.get(ORDERS, order_id)
        if order is not None:
            order["member_id"] = None
            views.put(ORDERS, order_id, order)
    views.delete(MEMBERS, member_id)


# -- orders -----------------------------------------------------------------------
def _on_placed(e: Order.Placed, views: ViewWriter) -> None:
    campaign_id = None if e.campaign is None else e.campaign.campaign_id
    template_id = _template_of(views, e.price.coupon_id)
    if campaign_id is None and template_id is None:
        return
    member_id, order_id = str(e.member_id), str(e.originator_id)
    member = views.get(MEMBERS, member_id) or _fresh_member()
    visit_at = member["last_visit_at"]
    source = last_touch(
        None if visit_at is None else datetime.fromisoformat(visit_at),
        member["last_visit_source"],
        e.placed_at,
    )
    if campaign_id is not None:
        joined = 0 if campaign_id in member["joined"] else 1
        member["joined"] += [campaign_id] * joined
        day = beijing_day(e.placed_at)
        _count_campaign(views, campaign_id, day, orders_placed=1, participants=joined)
    member["pending"].append(order_id)
    views.put(MEMBERS, member_id, member)
    order = {
        "campaign_id": campaign_id,
        "template_id": template_id,
        "discount_fen": e.price.coupon_discount_fen,
        "source": source,
        "member_id": member_id,
        "paid": False,
    }
    views.put(ORDERS, order_id, order)


def _settle(views: ViewWriter, order_id: str, order: Doc) -> Doc | None:
    """Forgets the order's member (paid or cancelled, nothing needs it any
    more); returns the member's document, still to be put, if it stands."""
    member_id = order["member_id"]
    order["member_id"] = None
    views.put(ORDERS, order_id, order)
    member = None if member_id is None else views.get(MEMBERS, member_id)
    if member is not None and order_id in member["pending"]:
        member["pending"].remove(order_id)
    return member


def _on_paid(e: Order.Paid, views: ViewWriter) -> None:
    order_id = str(e.originator_id)
    order = views.get(ORDERS, order_id)
    if order is None:
        return
    member_id = order["member_id"]
    order["paid"] = True
    member = _settle(views, order_id, order)
    day = beijing_day(e.at)
    _count_order(views, order, day, orders_paid=1, paid_fen=e.amount_fen)
    campaign_id, template_id = order["campaign_id"], order["template_id"]
    if template_id is not None:
        _count_coupon(views, template_id, day, discount_fen=order["discount_fen"])
    if member is not None and member_id is not None:
        if campaign_id is not None and campaign_id not in member["paid"]:
            member["paid"].append(campaign_id)
            _count_campaign(views, campaign_id, day, payers=1)
        views.put(MEMBERS, member_id, member)


def _on_paid_after_close(e: Order.PaidAfterClose, views: ViewWriter) -> None:
    order = views.get(ORDERS, str(e.originator_id))
    if order is not None:
        _count_order(views, order, beijing_day(e.at), late_paid_fen=e.amount_fen)


def _on_cancelled(e: Order.Cancelled, views: ViewWriter) -> None:
    order_id = str(e.originator_id)
    order = views.get(ORDERS, order_id)
    if order is None:
        return
    member_id = order["member_id"]
    member = _settle(views, order_id, order)
    if member is not None and member_id is not None:
        views.put(MEMBERS, member_id, member)


def _on_refunded(e: Order.Refunded, views: ViewWriter) -> None:
    order = views.get(ORDERS, str(e.originator_id))
    if order is not None:
        _count_order(views, order, beijing_day(e.at), refunds=1, refunded_fen=e.amount_fen)


def _on_after_sale_refunded(e: Order.AfterSaleRefunded, views: ViewWriter) -> None:
    """A partial refund counts as a refund of its amount."""
    order = views.get(ORDERS, str(e.originator_id))
    if order is not None:
        _count_order(views, order, beijing_day(e.at), refunds=1, refunded_fen=e.amount_fen)


HANDLERS: dict[type, Handler] = {
    Campaign.Defined: _on_campaign,
    CouponTemplate.Defined: _on_template,
    CouponTemplate.Issued: _on_issued,
    CouponWallet.Used: _on_used,
    CouponWallet.Returned: _on_given_back,
    CouponWallet.Lapsed: _on_given_back,
    Member.LoggedIn: _on_logged_in,
    Member.Closed: _on_closed,
    Order.Placed: _on_placed,
    Order.Paid: _on_paid,
    Order.PaidAfterClose: _on_paid_after_close,
    Order.Cancelled: _on_cancelled,
    Order.Refunded: _on_refunded,
    Order.AfterSaleRefunded: _on_after_sale_refunded,
}


class PromotionAnalyticsProjection:
    name = "promotion_analytics"
    handles = frozenset(HANDLERS)

    def apply(self, event: Any, views: ViewWriter) -> None:
        """Events of other aggregates do not concern these figures."""
        handler = HANDLERS.get(type(event))
        if handler is not None:
            handler(event, views)
