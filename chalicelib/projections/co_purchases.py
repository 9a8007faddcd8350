"""Co-purchases (bought together), over the order log, for recommendations.

- `orders/<order id>`: the distinct products an order counts
  (domain/recommendations.py `order_products`), kept from its placement until
  it is paid or cancelled;
- `products/<product id>`: {"partners": {product id: times bought together}},
  at most MAX_PARTNERS of them, so one product's list is one read.

When an order is paid, each of its products' lists counts the others once
(one write per product: at most MAX_ORDER_PRODUCTS documents, plus dropping
the order's). A refund does not subtract: the goods were chosen together,
which is what the list is about (as the product search's sales, which a
refund does not lower either); a payment after the order closed (refunded at
once) counts nothing. Nothing here identifies a member: an order's document
holds products only, so closing an account leaves nothing to drop.
"""

from __future__ import annotations

from typing import Any

from ..domain.order import Order
from ..domain.recommendations import bought_with, order_products
from .base import Handler, ViewWriter

ORDERS = "orders"
PRODUCTS = "products"


def _placed(e: Order.Placed, views: ViewWriter) -> None:
    products = order_products(line.product_id for line in e.lines)
    if len(products) > 1:
        views.put(ORDERS, str(e.originator_id), {"products": products})


def _paid(e: Order.Paid, views: ViewWriter) -> None:
    order = views.get(ORDERS, str(e.originator_id))
    if order is None:
        return
    products: list[str] = order["products"]
    for product_id in products:
        doc = views.get(PRODUCTS, product_id) or {"partners": {}}
        others = [other for other in products if other != product_id]
        views.put(PRODUCTS, product_id, {"partners": bought_with(doc["partners"], others)})
    views.delete(ORDERS, str(e.originator_id))


def _cancelled(e: Order.Cancelled, views: ViewWriter) -> None:
    views.delete(ORDERS, str(e.originator_id))


HANDLERS: dict[type, Handler] = {
    Order.Placed: _placed,
    Order.Paid: _paid,
    Order.Cancelled: _cancelled,
}


class CoPurchasesProjection:
    name = "co_purchases"
    handles = frozenset(HANDLERS)

    def apply(self, event: Any, views: ViewWriter) -> None:
        handler = HANDLERS.get(type(event))
        if handler is not None:
            handler(event, views)
