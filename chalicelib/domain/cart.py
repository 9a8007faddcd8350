"""A member's cart (购物车): SKUs with a quantity, whether each is selected for
checkout, and the unit price the member last saw for it (when the line was
added, or when they acknowledged a change). One aggregate per member, so
concurrent changes to the same cart are serialised by optimistic concurrency.

Rules: a line holds 1..MAX_LINE_QUANTITY units (adding to a line adds to its
quantity; more than the cap is refused, not truncated); a cart holds at most
MAX_LINES lines; a new line starts selected. Lines are never repriced or dropped
by the cart itself: an order placed from the cart removes exactly the lines it
ordered, in the same atomic write as the order (application/cart_orders.py)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from .errors import DomainError
from .ids import NAMESPACE

MAX_LINE_QUANTITY = 99
MAX_LINES = 50


class CartFull(DomainError):
    code = "cart_full"


class LineQuantityOverLimit(DomainError):
    code = "line_quantity_over_limit"


class NotInCart(DomainError):
    code = "not_in_cart"


def cart_id_for(member_id: UUID) -> UUID:
    return uuid5(NAMESPACE, f"cart:{member_id}")


@dataclass(frozen=True)
class CartLine:
    sku_id: str
    quantity: int
    selected: bool
    seen_price_fen: int
    added_at: datetime


class Cart(Aggregate):
    @staticmethod
    def create_id(member_id: UUID) -> UUID:
        return cart_id_for(member_id)

    class Started(Aggregate.Created):
        member_id: UUID

    @event(Started)
    def __init__(self, member_id: UUID) -> None:
        self.member_id = member_id
        self.lines: dict[str, CartLine] = {}

    def newest_first(self) -> list[CartLine]:
        """The lines, the latest added first (ties: by SKU id)."""
        return sorted(self.lines.values(), key=lambda ln: (ln.added_at, ln.sku_id), reverse=True)

    def selected(self) -> list[CartLine]:
        return [line for line in self.newest_first() if line.selected]

    def add(self, sku_id: str, quantity: int, price_fen: int, at: datetime) -> None:
        """Adds units: to the SKU's line when there is one, else as a new
        selected line that remembers `price_fen` as the price seen."""
        line = self.lines.get(sku_id)
        if line is None:
            if len(self.lines) >= MAX_LINES:
                raise CartFull(f"a cart holds at most {MAX_LINES} lines", limit=MAX_LINES)
            _require_quantity(sku_id, quantity)
            self._line_added(sku_id=sku_id, quantity=quantity, price_fen=price_fen, at=at)
            return
        self.change_quantity(sku_id, line.quantity + quantity)

    class LineAdded(Aggregate.Event):
        sku_id: str
        quantity: int
        price_fen: int
        at: datetime

    @event(LineAdded)
    def _line_added(self, sku_id: str, quantity: int, price_fen: int, at: datetime) -> None:
        self.lines[sku_id] = CartLine(sku_id, quantity, True, price_fen, at)

    def change_quantity(self, sku_id: str, quantity: int) -> bool:
        """Sets the line's quantity (False, recording nothing, when unchanged)."""
        line = self._line(sku_id)
        _require_quantity(sku_id, quantity)
        if line.quantity == quantity:
            return False
        self._quantity_changed(sku_id=sku_id, quantity=quantity)
        return True

    class QuantityChanged(Aggregate.Event):
        sku_id: str
        quantity: int

    @event(QuantityChanged)
    def _quantity_changed(self, sku_id: str, quantity: int) -> None:
        self.lines[sku_id] = replace(self.lines[sku_id], quantity=quantity)

    def remove(self, sku_id: str) -> bool:
        """Drops the line (False, recording nothing, when there is none)."""
        if sku_id not in self.lines:
            return False
        self._line_removed(sku_id=sku_id)
        return True

    class LineRemoved(Aggregate.Event):
        sku_id: str

    @event(LineRemoved)
    def _line_removed(self, sku_id: str) -> None:
        del self.lines[sku_id]

    def select(self, sku_ids: list[str] | None, selected: bool) -> bool:
        """Selects (or deselects) these lines, or all with None; NotInCart names
        the first SKU the cart does not hold. False when nothing changes."""
        for sku_id in sku_ids or []:
            self._line(sku_id)
        wanted = list(self.lines) if sku_ids is None else list(dict.fromkeys(sku_ids))
        changing = sorted(s for s in wanted if self.lines[s].selected != selected)
        if not changing:
            return False
        self._selection_changed(sku_ids=changing, selected=selected)
        return True

    class SelectionChanged(Aggregate.Event):
        sku_ids: list[str]
        selected: bool

    @event(SelectionChanged)
    def _selection_changed(self, sku_ids: list[str], selected: bool) -> None:
        for sku_id in sku_ids:
            self.lines[sku_id] = replace(self.lines[sku_id], selected=selected)

    def acknowledge(self, prices: dict[str, int]) -> bool:
        """Records `prices` (SKU id -> unit price now) as seen, for the lines
        held whose seen price differs. False when none does."""
        changed = {
            sku_id: price
            for sku_id, price in sorted(prices.items())
            if sku_id in self.lines and self.lines[sku_id].seen_price_fen != price
        }
        if not changed:
            return False
        self._prices_seen(prices=changed)
        return True

    class PricesSeen(Aggregate.Event):
        prices: dict[str, int]

    @event(PricesSeen)
    def _prices_seen(self, prices: dict[str, int]) -> None:
        for sku_id, price in prices.items():
            self.lines[sku_id] = replace(self.lines[sku_id], seen_price_fen=price)

    def ordered(self, order_id: UUID, sku_ids: list[str]) -> None:
        """Removes the lines an order was placed for."""
        for sku_id in sku_ids:
            self._line(sku_id)
        self._lines_ordered(order_id=str(order_id), sku_ids=sorted(sku_ids))

    class LinesOrdered(Aggregate.Event):
        order_id: str
        sku_ids: list[str]

    @event(LinesOrdered)
    def _lines_ordered(self, order_id: str, sku_ids: list[str]) -> None:
        for sku_id in sku_ids:
            del self.lines[sku_id]

    def _line(self, sku_id: str) -> CartLine:
        line = self.lines.get(sku_id)
        if line is None:
            raise NotInCart(f"no line for SKU {sku_id!r} in the cart", sku_id=sku_id)
        return line


def _require_quantity(sku_id: str, quantity: int) -> None:
    if quantity > MAX_LINE_QUANTITY:
        raise LineQuantityOverLimit(
            f"at most {MAX_LINE_QUANTITY} units of one SKU in the cart",
            sku_id=sku_id,
            limit=MAX_LINE_QUANTITY,
            requested=quantity,
        )
    if quantity < 1:
        raise DomainError("a cart line holds at least one unit", sku_id=sku_id)


def line_problem(*, known: bool, on_sale: bool, available: int, quantity: int) -> str | None:
    """Why a line cannot be bought now: `sku_gone` (the catalogue no longer has
    the SKU), `off_sale` (it or its product is off sale), `out_of_stock` (fewer
    units left than the line holds); None when it can be."""
    if not known:
        return "sku_gone"
    if not on_sale:
        return "off_sale"
    if available < quantity:
        return "out_of_stock"
    return None
