"""Order lines from the catalogue as it stands now: each SKU's stock and a line
at the price in effect, with the error a caller's input deserves (the field
naming a SKU the catalogue does not have, NotOnSale for one off sale). Used by
checkout, the cart, campaigns and bargains; nothing here changes anything."""

from __future__ import annotations

from uuid import UUID

from ..domain.catalogue import Product, Stock
from ..domain.ids import stock_id_for
from ..domain.values import OrderLine
from .errors import InvalidInput, NotFound
from .store import EventStore


def cart_lines(
    store: EventStore, items: list[tuple[str, int]]
) -> tuple[list[OrderLine], list[tuple[Stock, int]]]:
    """One line per SKU (quantities of a SKU named twice added up), each with
    its stock; an unknown SKU is named by the first `lines[i].sku_id` naming it."""
    quantities: dict[str, int] = {}
    first_line: dict[str, int] = {}
    for index, (sku_id, quantity) in enumerate(items):
        quantities[sku_id] = quantities.get(sku_id, 0) + quantity
        first_line.setdefault(sku_id, index)
    lines: list[OrderLine] = []
    stocks: list[tuple[Stock, int]] = []
    products: dict[str, Product] = {}
    for sku_id, quantity in quantities.items():
        field = f"lines[{first_line[sku_id]}].sku_id"
        stock, line = line_for(store, sku_id, quantity, field=field, products=products)
        lines.append(line)
        stocks.append((stock, quantity))
    return lines, stocks


def line_for(
    store: EventStore,
    sku_id: str,
    quantity: int,
    field: str,
    products: dict[str, Product] | None = None,
) -> tuple[Stock, OrderLine]:
    """The SKU's stock and an order line for it at the catalogue price in
    effect now; InvalidInput names `field` when the catalogue has no such
    SKU, NotOnSale (409) when it or its product is off sale. `products`
    keeps the products a cart loaded, so one cart sees one version of each."""
    seen = {} if products is None else products
    try:
        stock = store.load(Stock, stock_id_for(sku_id), "SKU")
        product = seen.get(stock.product_id) or store.load(
            Product, UUID(stock.product_id), "product"
        )
    except NotFound:
        raise InvalidInput(field, f"no SKU {sku_id!r} in the catalogue") from None
    seen[stock.product_id] = product
    spec = product.sku(sku_id)
    if spec is None:
        raise InvalidInput(field, f"no SKU {sku_id!r} in the catalogue")
    product.require_on_sale(sku_id)
    line = OrderLine(
        product_id=str(product.id),
        sku_id=sku_id,
        title=f"{product.title} {spec.name}".strip(),
        unit_price_fen=product.price_at(sku_id, store.clock.now()),
        quantity=quantity,
        category=product.category,
    )
    return stock, line
