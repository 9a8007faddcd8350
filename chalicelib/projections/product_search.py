"""Product search read model: one summary document per product with its search
tokens (domain/search_tokens.py), its SKUs' prices (base and scheduled, as the
catalogue keeps them), its listing time and its sales.

- `products/<product id>`: in group "on_sale" while the product and at least
  one of its SKUs are on sale, else in group "off_sale", ranked by product id;
  tokens from the title, the category and every SKU name, recomputed on each
  edit and new SKU;
- beside it, while on sale, its token postings, its category membership and
  its best-seller ranks (product_search_index.py), rewritten only where they
  change;
- `orders/<order id>`: units per product of an order placed and not yet paid
  or cancelled; payment adds them to the products' `sales` (units sold by paid
  orders; a refund does not subtract them, a payment after the order closed,
  refunded at once, never adds them) and drops the document.
"""

from __future__ import annotations

from typing import Any

from ..domain.catalogue import Product
from ..domain.order import Order
from ..domain.price_schedule import PriceChange, plan_of, stored
from ..domain.search_tokens import product_tokens
from ..domain.values import SkuSpec
from .base import Doc, Handler, ViewWriter, rank_time
from .product_search_index import reindex, shown

PRODUCTS = "products"
ORDERS = "orders"
ON_SALE = "on_sale"
OFF_SALE = "off_sale"


def _sku(spec: SkuSpec) -> Doc:
    return {
        "sku_id": spec.sku_id,
        "name": spec.name,
        "price_fen": spec.price_fen,
        "scheduled": [],
        "on_sale": True,
    }


def _put(views: ViewWriter, doc: Doc, old: Doc | None) -> None:
    """Writes the summary `doc` that replaces `old` (None: a new product)."""
    texts = [doc["title"], doc["category"], *(s["name"] for s in doc["skus"])]
    doc["tokens"] = sorted(product_tokens(texts))
    group = ON_SALE if shown(doc) else OFF_SALE
    views.put(PRODUCTS, doc["id"], doc, group=group, rank=doc["id"])
    reindex(views, old, doc)


def _listed(e: Product.Listed, views: ViewWriter) -> None:
    doc = {
        "id": str(e.originator_id),
        "title": e.title,
        "category": e.category,
        "listed_at": rank_time(e.timestamp),
        "on_sale": True,
        "sales": 0,
        "skus": [_sku(spec) for spec in e.skus],
    }
    _put(views, doc, None)


def _change(e: Any, views: ViewWriter, **changes: Any) -> None:
    doc = views.get(PRODUCTS, str(e.originator_id))
    if doc is not None:
        _put(views, dict(doc, **changes), doc)


def _change_sku(e: Any, views: ViewWriter, sku_id: str, **changes: Any) -> None:
    doc = views.get(PRODUCTS, str(e.originator_id))
    if doc is not None:
        skus = [dict(s, **changes) if s["sku_id"] == sku_id else s for s in doc["skus"]]
        _put(views, dict(doc, skus=skus), doc)


def _edited(e: Product.Edited, views: ViewWriter) -> None:
    _change(e, views, title=e.title, category=e.category)


def _repriced(e: Product.SkuRepriced, views: ViewWriter) -> None:
    doc = views.get(PRODUCTS, str(e.originator_id))
    entry = next((s for s in doc["skus"] if s["sku_id"] == e.sku_id), None) if doc else None
    if entry is None:
        return
    plan = plan_of(entry["price_fen"], entry["scheduled"])
    plan = plan.decide(PriceChange(e.effective_at, e.price_fen), e.decided_at)
    _change_sku(e, views, e.sku_id, price_fen=plan.base_fen, scheduled=stored(plan))


def _sku_added(e: Product.SkuAdded, views: ViewWriter) -> None:
    doc = views.get(PRODUCTS, str(e.originator_id))
    if doc is not None and all(s["sku_id"] != e.sku.sku_id for s in doc["skus"]):
        _put(views, dict(doc, skus=[*doc["skus"], _sku(e.sku)]), doc)


def _taken_off_sale(e: Product.TakenOffSale, views: ViewWriter) -> None:
    _change(e, views, on_sale=False)


def _put_on_sale(e: Product.PutOnSale, views: ViewWriter) -> None:
    _change(e, views, on_sale=True)


def _sku_taken_off_sale(e: Product.SkuTakenOffSale, views: ViewWriter) -> None:
    _change_sku(e, views, e.sku_id, on_sale=False)


def _sku_put_on_sale(e: Product.SkuPutOnSale, views: ViewWriter) -> None:
    _change_sku(e, views, e.sku_id, on_sale=True)


def _placed(e: Order.Placed, views: ViewWriter) -> None:
    units: dict[str, int] = {}
    for line in e.lines:
        units[line.product_id] = units.get(line.product_id, 0) + line.quantity
    views.put(ORDERS, str(e.originator_id), {"products": units})


def _paid(e: Order.Paid, views: ViewWriter) -> None:
    order = views.get(ORDERS, str(e.originator_id))
    if order is None:
        return
    for product_id, quantity in sorted(order["products"].items()):
        doc = views.get(PRODUCTS, product_id)
        if doc is not None:
            _put(views, dict(doc, sales=doc["sales"] + quantity), doc)
    views.delete(ORDERS, str(e.originator_id))


def _closed(e: Order.Cancelled, views: ViewWriter) -> None:
    views.delete(ORDERS, str(e.originator_id))


HANDLERS: dict[type, Handler] = {
    Product.Listed: _listed,
    Product.Edited: _edited,
    Product.SkuRepriced: _repriced,
    Product.SkuAdded: _sku_added,
    Product.TakenOffSale: _taken_off_sale,
    Product.PutOnSale: _put_on_sale,
    Product.SkuTakenOffSale: _sku_taken_off_sale,
    Product.SkuPutOnSale: _sku_put_on_sale,
    Order.Placed: _placed,
    Order.Paid: _paid,
    Order.Cancelled: _closed,
}


class ProductSearchProjection:
    name = "product_search"
    handles = frozenset(HANDLERS)

    def apply(self, event: Any, views: ViewWriter) -> None:
        handler = HANDLERS.get(type(event))
        if handler is not None:
            handler(event, views)
