"""A cart's lines as the catalogue and stock stand now: title, image, the unit
price in effect, the units left, and what flags each line (unavailable, or a
price other than the one the member last saw). Nothing here changes the cart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from ..domain.cart import Cart, CartLine, line_problem
from ..domain.catalogue import Product, Stock
from ..domain.ids import stock_id_for
from .store import EventStore


@dataclass(frozen=True)
class ShownLine:
    line: CartLine
    product_id: str | None
    title: str
    image_url: str
    unit_price_fen: int | None  # None when the catalogue no longer has the SKU
    available: int
    problem: str | None  # "sku_gone" | "off_sale" | "out_of_stock"

    @property
    def price_changed(self) -> bool:
        price = self.unit_price_fen
        return price is not None and price != self.line.seen_price_fen

    @property
    def flags(self) -> list[str]:
        changed = ["price_changed"] if self.price_changed else []
        return ([self.problem] if self.problem else []) + changed


def shown_lines(store: EventStore, cart: Cart, now: datetime) -> list[ShownLine]:
    """Every line, newest first; products loaded once per cart."""
    products: dict[str, Product | None] = {}
    return [_shown(store, line, now, products) for line in cart.newest_first()]


def _shown(
    store: EventStore, line: CartLine, now: datetime, products: dict[str, Product | None]
) -> ShownLine:
    stock = store.find(Stock, stock_id_for(line.sku_id))
    product = None
    if stock is not None:
        if stock.product_id not in products:
            products[stock.product_id] = store.find(Product, UUID(stock.product_id))
        product = products[stock.product_id]
    spec = product.sku(line.sku_id) if product is not None else None
    if stock is None or product is None or spec is None:
        problem = line_problem(known=False, on_sale=False, available=0, quantity=line.quantity)
        return ShownLine(line, None, line.sku_id, "", None, 0, problem)
    on_sale = product.on_sale and line.sku_id not in product.off_sale_skus
    problem = line_problem(
        known=True, on_sale=on_sale, available=stock.available, quantity=line.quantity
    )
    return ShownLine(
        line=line,
        product_id=str(product.id),
        title=f"{product.title} {spec.name}".strip(),
        image_url=product.image_url,
        unit_price_fen=product.price_at(line.sku_id, now),
        available=stock.available,
        problem=problem,
    )
