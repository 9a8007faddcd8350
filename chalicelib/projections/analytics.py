"""Analytics read model: the shop's figures pre-aggregated per Beijing day and
per day and source (domain/shop_metrics.py says what each counts,
domain/attribution.py where a visit came from), so a query over a range reads
one document per day (and per day and source), never raw events.

Documents:
- `days/<day>`: the day's counts (DAY_COUNTS) and how many sources it has;
- `source_days/<day>|<source>`: the day's counts of one source (SOURCE_COUNTS),
  ranked by "<day>|<source>" in one group, so a range is one ranged read;
- `members/<member id>`: what the rules need to remember of a member: when
  they registered and their acquisition source, their last visit (time and
  source), whether they converted, and the markers that make unique counts
  exact ("active on <day>", "paid on <day>", "paid on <day> via <source>"),
  written in the same batch as the counters they gate;
- `orders/<order id>`: the order's last-touch source (and its member until it
  is paid or cancelled, when nothing needs the member any more);
- `labels/<source>`: the operators' labels;
- `retention_days/<day>` and `retention_weeks/<Monday>`: a registration
  cohort's size, how many of it were active on day N (week N) after
  registering, and its first payers and their repurchasers
  (domain/retention.py), ranked by day in one group each. A member's document
  gates them: "active on <day>" (each day-N count), "active in <week>" (each
  week-N count), the first payment and "repurchased".

A visit is a login today; a launch would call `_visit` with its own scene and
query. The registration's login gives the acquisition source; a referral
recorded with the registration (an invite code in the body) makes it "invite".

A day keeps at most MAX_SOURCES_PER_DAY detailed sources; past that, a new
detailed source of that day is counted under its group ("oa_article:999" under
"oa_article"), so junk page queries cannot grow the documents without bound.

Closing an account deletes the member's document (and with it every marker
naming the member); the counts stay. A payment recorded after that counts in
money and paid orders, not in payers or conversion (nobody is left to count).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ..domain.attribution import INVITE, Source, converts, last_touch, source_of
from ..domain.calendar import beijing_day
from ..domain.member import Member
from ..domain.order import Order
from ..domain.referral import Referral
from ..domain.retention import (
    day_offset,
    repurchases,
    week_offset,
)
from ..domain.source_labels import SourceLabels
from .analytics_counters import (
    LABELS,
    MEMBERS,
    ORDERS,
    RETENTION_DAYS,
    RETENTION_WEEKS,
    count,
    count_cohort,
    count_day,
    count_source,
    source_key,
    week_of_day,
)
from .base import Doc, Handler, ViewWriter, day_source_rank, plain


# -- members --------------------------------------------------------------------
def _fresh_member(registered_at: datetime | None) -> Doc:
    return {
        "registered_at": None if registered_at is None else plain(registered_at),
        "registered_day": None if registered_at is None else beijing_day(registered_at),
        "acquisition": None,
        "invited": False,
        "converted": False,
        "last_visit_at": None,
        "last_visit_source": None,
        "active_days": [],
        "payer_days": [],
        "payer_sources": [],
        "active_weeks": [],
        "first_paid_at": None,
        "repurchased": False,
    }


def _registered(member_id: str, at: datetime, views: ViewWriter) -> None:
    views.put(MEMBERS, member_id, _fresh_member(at))
    day = beijing_day(at)
    count_day(views, day, new_members=1)
    count_cohort(views, RETENTION_DAYS, day, members=1)
    count_cohort(views, RETENTION_WEEKS, week_of_day(day), members=1)


def _on_registered(e: Member.Registered, views: ViewWriter) -> None:
    _registered(str(e.originator_id), e.registered_at, views)


def _on_rejoined(e: Member.Rejoined, views: ViewWriter) -> None:
    """A closed member coming back as new (events of earlier versions)."""
    _registered(str(e.originator_id), e.at, views)


def _acquire(views: ViewWriter, doc: Doc, source: str) -> None:
    day = doc["registered_day"]
    key = source_key(views, day, source)
    count_source(views, day, key, new_members=1)
    doc["acquisition"] = key


def _visit(views: ViewWriter, member_id: str, source: Source, at: datetime) -> None:
    """A member's entry into the mini-program from `source` at `at`."""
    doc = views.get(MEMBERS, member_id) or _fresh_member(None)
    if doc["registered_day"] is not None and doc["acquisition"] is None:
        _acquire(views, doc, INVITE if doc["invited"] else source.key)
    day = beijing_day(at)
    active = 0 if day in doc["active_days"] else 1
    if active:
        doc["active_days"].append(day)
        _retained(views, doc, day)
    key = source_key(views, day, source.key)
    count_day(views, day, visits=1, active_members=active)
    count_source(views, day, key, visits=1)
    last = doc["last_visit_at"]
    if last is None or datetime.fromisoformat(last) <= at:
        doc["last_visit_at"], doc["last_visit_source"] = plain(at), source.key
    views.put(MEMBERS, member_id, doc)


def _retained(views: ViewWriter, doc: Doc, day: str) -> None:
    """Counts a member's first activity of `day` in their registration cohorts:
    on day N after registering, and once in week N after the registration week."""
    registered = doc["registered_day"]
    if registered is None:
        return
    start, on = date.fromisoformat(registered), date.fromisoformat(day)
    n = day_offset(start, on)
    if n is not None:
        count_cohort(views, RETENTION_DAYS, registered, **{f"active_d{n}": 1})
    week = week_of_day(day)
    n = week_offset(start, on)
    weeks = doc.setdefault("active_weeks", [])
    if n is not None and week not in weeks:
        weeks.append(week)
        count_cohort(views, RETENTION_WEEKS, week_of_day(registered), **{f"active_w{n}": 1})


def _on_logged_in(e: Member.LoggedIn, views: ViewWriter) -> None:
    _visit(views, str(e.originator_id), source_of(e.scene, e.query), e.at)


def _on_referral(e: Referral.Recorded, views: ViewWriter) -> None:
    """An invite accepted at registration: the member was acquired by invitation."""
    member_id = str(e.invitee_id)
    doc = views.get(MEMBERS, member_id)
    if doc is None or doc["registered_day"] is None or doc["acquisition"] == INVITE:
        return
    if doc["acquisition"] is None:  # the registering login is still to come
        doc["invited"] = True
    else:
        day = doc["registered_day"]
        count_source(views, day, doc["acquisition"], new_members=-1)
        _acquire(views, doc, INVITE)
    views.put(MEMBERS, member_id, doc)


def _on_closed(e: Member.Closed, views: ViewWriter) -> None:
    views.delete(MEMBERS, str(e.originator_id))


# -- orders ---------------------------------------------------------------------
def _on_placed(e: Order.Placed, views: ViewWriter) -> None:
    member_id = str(e.member_id)
    member = views.get(MEMBERS, member_id) or {}
    visit_at = member.get("last_visit_at")
    source = last_touch(
        None if visit_at is None else datetime.fromisoformat(visit_at),
        member.get("last_visit_source"),
        e.placed_at,
    )
    count(views, beijing_day(e.placed_at), source, orders_placed=1)
    views.put(ORDERS, str(e.originator_id), {"source": source, "member_id": member_id})


def _order(views: ViewWriter, e: Any) -> Doc:
    """The order's document; an order placed before anything was recorded of
    it (none in practice) counts as "direct", with no member."""
    return views.get(ORDERS, str(e.originator_id)) or {"source": "direct", "member_id": None}


def _forget_member(views: ViewWriter, e: Any, order: Doc) -> None:
    order["member_id"] = None
    views.put(ORDERS, str(e.originator_id), order)


def _on_paid(e: Order.Paid, views: ViewWriter) -> None:
    order = _order(views, e)
    day = beijing_day(e.at)
    key = source_key(views, day, order["source"])
    member_id = order["member_id"]
    member = None if member_id is None else views.get(MEMBERS, member_id)
    payer = payer_via = 0
    if member is not None:
        payer = 0 if day in member["payer_days"] else 1
        payer_via = 0 if day_source_rank(day, key) in member["payer_sources"] else 1
        member["payer_days"] += [day] * payer
        member["payer_sources"] += [day_source_rank(day, key)] * payer_via
    count_day(views, day, orders_paid=1, paid_fen=e.amount_fen, payers=payer)
    count_source(views, day, key, orders_paid=1, paid_fen=e.amount_fen, payers=payer_via)
    if member is not None and member_id is not None:
        _convert(views, member, e.at)
        _repurchase(views, member, e.at)
        views.put(MEMBERS, member_id, member)
    _forget_member(views, e, order)


def _convert(views: ViewWriter, member: Doc, paid_at: datetime) -> None:
    """Counts the member's first-order conversion on their registration day."""
    registered = member["registered_at"]
    if member["converted"] or registered is None or member["acquisition"] is None:
        return
    if converts(datetime.fromisoformat(registered), paid_at):
        member["converted"] = True
        count_day(views, member["registered_day"], converted=1)
        count_source(views, member["registered_day"], member["acquisition"], converted=1)


def _repurchase(views: ViewWriter, member: Doc, paid_at: datetime) -> None:
    """Counts the member's first payment in its cohorts, or (once) a later one
    within 30 days of it as a repurchase of those cohorts."""
    first = member.get("first_paid_at")
    if first is None:
        member["first_paid_at"] = plain(paid_at)
        day = beijing_day(paid_at)
        count_cohort(views, RETENTION_DAYS, day, first_payers=1)
        count_cohort(views, RETENTION_WEEKS, week_of_day(day), first_payers=1)
        return
    first_at = datetime.fromisoformat(first)
    if member.get("repurchased") or not repurchases(first_at, paid_at):
        return
    member["repurchased"] = True
    day = beijing_day(first_at)
    count_cohort(views, RETENTION_DAYS, day, repurchasers=1)
    count_cohort(views, RETENTION_WEEKS, week_of_day(day), repurchasers=1)


def _on_paid_after_close(e: Order.PaidAfterClose, views: ViewWriter) -> None:
    order = _order(views, e)
    count(views, beijing_day(e.at), order["source"], late_paid_fen=e.amount_fen)
    _forget_member(views, e, order)


def _on_cancelled(e: Order.Cancelled, views: ViewWriter) -> None:
    order = views.get(ORDERS, str(e.originator_id))
    if order is not None:
        _forget_member(views, e, order)


def _on_refunded(e: Order.Refunded, views: ViewWriter) -> None:
    order = _order(views, e)
    count(views, beijing_day(e.at), order["source"], refunds=1, refunded_fen=e.amount_fen)


# -- labels ---------------------------------------------------------------------
def _on_labelled(e: SourceLabels.Labelled, views: ViewWriter) -> None:
    doc = {"source": e.source, "label": e.label}
    views.put(LABELS, e.source, doc, group=LABELS, rank=e.source)


def _on_after_sale_refunded(e: Order.AfterSaleRefunded, views: ViewWriter) -> None:
    """A partial refund counts as a refund of its amount (GMV = paid − refunded)."""
    order = _order(views, e)
    count(views, beijing_day(e.at), order["source"], refunds=1, refunded_fen=e.amount_fen)


HANDLERS: dict[type, Handler] = {
    Member.Registered: _on_registered,
    Member.Rejoined: _on_rejoined,
    Member.LoggedIn: _on_logged_in,
    Member.Closed: _on_closed,
    Referral.Recorded: _on_referral,
    Order.Placed: _on_placed,
    Order.Paid: _on_paid,
    Order.PaidAfterClose: _on_paid_after_close,
    Order.Cancelled: _on_cancelled,
    Order.Refunded: _on_refunded,
    Order.AfterSaleRefunded: _on_after_sale_refunded,
    SourceLabels.Labelled: _on_labelled,
}


class AnalyticsProjection:
    name = "analytics"
    handles = frozenset(HANDLERS)

    def apply(self, event: Any, views: ViewWriter) -> None:
        """Events of other aggregates do not concern these figures."""
        handler = HANDLERS.get(type(event))
        if handler is not None:
            handler(event, views)
