"""The campaign documents of the "campaigns" projection: one per campaign, with
its status, its items' stock (units left and taken, summed over the stock
shards' events) and the live numbers an operator broadcasts (teams open,
succeeded and failed, participants, units sold); and the campaign_end timers.

Two small lookup views name what an event leaves out: `shards` (a stock shard ->
its campaign and SKU) and `orders` (a campaign order -> its campaign, kind and
units, and whether those units count as sold).

- units_sold: units of paid campaign orders, less those refunded (a campaign
  order's after-sales refunds take off their units). A payment that reaches
  an order after it closed (Order.PaidAfterClose) is no sale.
- participants: paid places ever taken — for a group-buy each paid seat
  (counted from the Team's events), for other kinds each paid order.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..domain.campaign import Campaign, CampaignKind, CampaignStatus
from ..domain.campaign_stock import CampaignStock
from ..domain.order import Order
from ..domain.timers import TimerKind
from .base import Doc, Handler, ViewWriter, plain, rank_time

CAMPAIGNS = "campaigns"
SHARDS = "shards"
ORDERS = "orders"
CAMPAIGN_END = TimerKind.CAMPAIGN_END.value  # the timers' view, named after their kind
CURRENT, ENDED = "current", "ended"  # campaign groups: ended ones leave the members' list
COUNTERS = ("teams_open", "teams_succeeded", "teams_failed", "participants", "units_sold")


def put_campaign(views: ViewWriter, doc: Doc) -> None:
    group = ENDED if doc["status"] == CampaignStatus.ENDED else CURRENT
    rank = rank_time(datetime.fromisoformat(doc["starts_at"]))
    views.put(CAMPAIGNS, doc["id"], doc, group=group, rank=rank)


def count(views: ViewWriter, campaign_id: str, **deltas: int) -> None:
    """Moves the campaign's counters by the given amounts."""
    doc = views.get(CAMPAIGNS, campaign_id)
    if doc is not None:
        for counter, delta in deltas.items():
            doc[counter] += delta
        put_campaign(views, doc)


# -- the campaign ----------------------------------------------------------------------
def _defined(e: Campaign.Defined, views: ViewWriter) -> None:
    campaign_id = str(e.originator_id)
    doc: Doc = {
        "id": campaign_id,
        "code": e.code,
        "kind": e.kind,
        "title": e.title,
        "status": CampaignStatus.DRAFT.value,
        "starts_at": plain(e.starts_at),
        "ends_at": plain(e.ends_at),
        "per_member_limit": e.per_member_limit,
        "rules": plain(e.rules),
        "shards": e.shards,
        "items": [
            {"sku_id": i.sku_id, "price_fen": i.price_fen, "stock": i.stock, "left": 0, "taken": 0}
            for i in e.items
        ],
        **dict.fromkeys(COUNTERS, 0),
        "ended_at": None,
        "end_reason": None,
    }
    put_campaign(views, doc)
    timer = {"campaign_id": campaign_id}
    group = TimerKind.CAMPAIGN_END
    views.put(CAMPAIGN_END, campaign_id, timer, group=group, rank=rank_time(e.ends_at))


def _status(status: CampaignStatus) -> Handler:
    def moved(e: Any, views: ViewWriter) -> None:
        doc = views.get(CAMPAIGNS, str(e.originator_id))
        if doc is None:
            return
        doc["status"] = status.value
        if status == CampaignStatus.ENDED:
            doc.update(ended_at=plain(e.at), end_reason=e.reason)
            views.delete(CAMPAIGN_END, doc["id"])
        put_campaign(views, doc)

    return moved


# -- its stock shards ------------------------------------------------------------------
def _allocated(e: CampaignStock.Allocated, views: ViewWriter) -> None:
    campaign_id = str(e.campaign_id)
    shard = {"campaign_id": campaign_id, "sku_id": e.sku_id}
    views.put(SHARDS, str(e.originator_id), shard, group=campaign_id, rank=f"{e.shard:04d}")
    _move_stock(views, shard, left=e.quantity)


def _move_stock(views: ViewWriter, shard: Doc, left: int = 0, taken: int = 0) -> None:
    doc = views.get(CAMPAIGNS, shard["campaign_id"])
    if doc is None:
        return
    for item in doc["items"]:
        if item["sku_id"] == shard["sku_id"]:
            item["left"] += left
            item["taken"] += taken
    put_campaign(views, doc)


def _stock_moved(e: Any, views: ViewWriter, *, left: int = 0, taken: int = 0) -> None:
    shard = views.get(SHARDS, str(e.originator_id))
    if shard is not None:
        _move_stock(views, shard, left=left, taken=taken)


def _taken(e: CampaignStock.Taken, views: ViewWriter) -> None:
    _stock_moved(e, views, left=-e.quantity, taken=e.quantity)


def _given_back(
    e: CampaignStock.GivenBack | CampaignStock.PartGivenBack, views: ViewWriter
) -> None:
    """All of an order's units back, or some (after-sales): the same move."""
    _stock_moved(e, views, left=0 if e.to_regular else e.quantity, taken=-e.quantity)


def _closed(e: CampaignStock.Closed, views: ViewWriter) -> None:
    _stock_moved(e, views, left=-e.returned)


# -- its orders ------------------------------------------------------------------------
def _placed(e: Order.Placed, views: ViewWriter) -> None:
    ref = e.campaign
    if ref is None:
        return
    doc = {
        "campaign_id": ref.campaign_id,
        "kind": ref.kind,
        "quantity": sum(line.quantity for line in e.lines),
        "placed_at": plain(e.placed_at),
        "sold": False,
    }
    _put_order(views, str(e.originator_id), doc)


def _put_order(views: ViewWriter, order_id: str, doc: Doc) -> None:
    rank = rank_time(datetime.fromisoformat(doc["placed_at"]))
    views.put(ORDERS, order_id, doc, group=doc["campaign_id"], rank=rank)


def _sale(e: Any, views: ViewWriter, *, sold: bool) -> None:
    """A campaign order's units start (paid) or stop (refunded) counting as sold."""
    order_id = str(e.originator_id)
    doc = views.get(ORDERS, order_id)
    if doc is None or doc["sold"] == sold:
        return
    doc["sold"] = sold
    _put_order(views, order_id, doc)
    units = doc["quantity"] if sold else -doc["quantity"]
    paid_order = int(sold and doc["kind"] != CampaignKind.GROUP_BUY)
    count(views, doc["campaign_id"], units_sold=units, participants=paid_order)


def _paid(e: Order.Paid, views: ViewWriter) -> None:
    _sale(e, views, sold=True)


def _refunded(e: Order.Refunded, views: ViewWriter) -> None:
    _sale(e, views, sold=False)


def _after_sale_refunded(e: Order.AfterSaleRefunded, views: ViewWriter) -> None:
    """Units of a paid campaign order refunded by after-sales stop counting
    as sold; the order's last ones end its sale."""
    order_id = str(e.originator_id)
    doc = views.get(ORDERS, order_id)
    if doc is None or not doc["sold"]:
        return
    units = min(sum(e.units.values()), doc["quantity"])
    doc["quantity"] -= units
    doc["sold"] = not e.whole
    _put_order(views, order_id, doc)
    count(views, doc["campaign_id"], units_sold=-units)


HANDLERS: dict[type, Handler] = {
    Campaign.Defined: _defined,
    Campaign.Started: _status(CampaignStatus.LIVE),
    Campaign.Paused: _status(CampaignStatus.PAUSED),
    Campaign.Resumed: _status(CampaignStatus.LIVE),
    Campaign.Ended: _status(CampaignStatus.ENDED),
    CampaignStock.Allocated: _allocated,
    CampaignStock.Taken: _taken,
    CampaignStock.GivenBack: _given_back,
    CampaignStock.PartGivenBack: _given_back,
    CampaignStock.Closed: _closed,
    Order.Placed: _placed,
    Order.Paid: _paid,
    Order.Refunded: _refunded,
    Order.AfterSaleRefunded: _after_sale_refunded,
}
