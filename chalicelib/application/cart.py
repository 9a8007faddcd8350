"""Cart use cases (购物车): add units of a SKU, change a line, drop it, select
lines for checkout, and acknowledge the prices now in effect. Each loads the
member's one Cart aggregate, changes it and saves it, re-run from a fresh load
when a concurrent change to the same cart won the race."""

from __future__ import annotations

from uuid import UUID

from ..domain.cart import Cart, cart_id_for
from .accounts import Accounts
from .cart_lines import shown_lines
from .catalogue_lines import line_for
from .errors import InvalidInput, NotFound
from .store import EventStore, retry_on_conflict


class CartUseCases:
    def __init__(self, store: EventStore, accounts: Accounts) -> None:
        self.store = store
        self.accounts = accounts

    def cart_of(self, member_id: UUID) -> Cart:
        """The member's cart (a new, empty one when they never had one)."""
        found = self.store.find(Cart, cart_id_for(member_id))
        return found or Cart(member_id=member_id)

    @retry_on_conflict
    def add(self, member_id: UUID, sku_id: str, quantity: int) -> None:
        """Adds units of an on-sale SKU (400 naming `sku_id` when the catalogue
        has no such SKU, 409 `not_on_sale` when it is off sale); a new line
        remembers the unit price in effect now as the price seen."""
        self.accounts.active_member(member_id)
        _, line = line_for(self.store, sku_id, quantity, field="sku_id")
        cart = self.cart_of(member_id)
        cart.add(sku_id, quantity, line.unit_price_fen, self.store.clock.now())
        self.store.save(cart)

    @retry_on_conflict
    def change(
        self, member_id: UUID, sku_id: str, *, quantity: int | None, selected: bool | None
    ) -> None:
        """Sets a line's quantity and/or selection (404 when the cart has no such line)."""
        cart = self._holding(member_id, sku_id)
        changed = quantity is not None and cart.change_quantity(sku_id, quantity)
        if selected is not None:
            changed = cart.select([sku_id], selected) or changed
        if changed:
            self.store.save(cart)

    @retry_on_conflict
    def remove(self, member_id: UUID, sku_id: str) -> None:
        """Drops the line; nothing happens when there is none."""
        cart = self.store.find(Cart, cart_id_for(member_id))
        if cart is not None and cart.remove(sku_id):
            self.store.save(cart)

    @retry_on_conflict
    def select(self, member_id: UUID, sku_ids: list[str] | None, selected: bool) -> None:
        """Selects or deselects these lines (None: every line); 400 naming
        `sku_ids[i]` for a SKU the cart does not hold."""
        cart = self.cart_of(member_id)
        for index, sku_id in enumerate(sku_ids or []):
            if sku_id not in cart.lines:
                raise InvalidInput(f"sku_ids[{index}]", f"no line for SKU {sku_id!r} in the cart")
        if cart.select(sku_ids, selected):
            self.store.save(cart)

    @retry_on_conflict
    def acknowledge(self, member_id: UUID) -> None:
        """Takes the prices in effect now as seen, which clears every
        `price_changed` flag; an unavailable line stays flagged."""
        cart = self.store.find(Cart, cart_id_for(member_id))
        if cart is None:
            return
        shown = shown_lines(self.store, cart, self.store.clock.now())
        prices = {s.line.sku_id: s.unit_price_fen for s in shown if s.unit_price_fen is not None}
        if cart.acknowledge(prices):
            self.store.save(cart)

    def _holding(self, member_id: UUID, sku_id: str) -> Cart:
        cart = self.store.find(Cart, cart_id_for(member_id))
        if cart is None or sku_id not in cart.lines:
            raise NotFound("cart line")
        return cart
