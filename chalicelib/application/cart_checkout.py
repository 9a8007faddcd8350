"""Checking out from the cart: the cart as it stands with its selected lines
priced exactly like a quote (with the best coupon unless the member names one),
the quote for the selected lines, and the order placed from that quote.

A selected line that is unavailable or whose price changed since the member
last saw it stops the quote and the order (409 `cart_lines_flagged`, listing
each line and why): the member deselects or removes it, or acknowledges the new
prices, then quotes again. The order, its stock reservations, the coupon lock,
the points redemption and the removal of the ordered lines from the cart are
one atomic write, so the lines leave the cart exactly when the order exists."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from ..domain.cart import Cart
from ..domain.errors import DomainError
from ..domain.offers import CheckoutOffers
from ..domain.policy import OrderPolicy
from ..domain.values import Address, Delivery
from .cart import CartUseCases
from .cart_lines import ShownLine, shown_lines
from .checkout import Checkout, CheckoutUseCases
from .store import EventStore, retry_on_conflict


class CartLinesFlagged(DomainError):
    code = "cart_lines_flagged"


class NothingSelected(DomainError):
    code = "nothing_selected"


@dataclass(frozen=True)
class OfferChoice:
    """The coupon and points a checkout asks for: `coupon_id`, or with
    `pick_best` and no `coupon_id` the coupon saving the most."""

    coupon_id: str | None = None
    pick_best: bool = True
    points: int = 0


@dataclass(frozen=True)
class CartView:
    lines: list[ShownLine]
    checkout: Checkout | None  # the selected, available lines priced; None when there are none
    offers: CheckoutOffers | None


class CartCheckout:
    def __init__(
        self,
        store: EventStore,
        carts: CartUseCases,
        checkout: CheckoutUseCases,
        *,
        policy: OrderPolicy,
    ) -> None:
        self.store = store
        self.carts = carts
        self.checkout = checkout
        self.policy = policy

    def view(self, member_id: UUID, *, pickup: bool) -> CartView:
        """Every line with its flags, and the selected lines that can be bought
        priced with the best coupon and no points."""
        cart = self.carts.cart_of(member_id)
        shown = shown_lines(self.store, cart, self.store.clock.now())
        buyable = [s for s in shown if s.line.selected and s.problem is None]
        if not buyable:
            return CartView(shown, None, None)
        checkout = self._priced(member_id, buyable, pickup, OfferChoice())
        return CartView(shown, checkout, self.checkout.offers(checkout))

    def quote(self, member_id: UUID, *, pickup: bool, choice: OfferChoice) -> Checkout:
        """The quote for the selected lines (409 when one is flagged or none is selected)."""
        _, chosen = self._checkable(member_id)
        return self._priced(member_id, chosen, pickup, choice)

    @retry_on_conflict
    def place_order(
        self,
        member_id: UUID,
        *,
        delivery: Delivery,
        address: Address | None,
        note: str,
        choice: OfferChoice,
        quote_id: str,
    ) -> UUID:
        """Places the order for the selected lines as quoted (409 `quote_stale`
        otherwise) and removes those lines from the cart in the same write."""
        cart, chosen = self._checkable(member_id)
        checkout = self._priced(member_id, chosen, delivery.is_pickup, choice)
        self.checkout.require_quote(checkout, quote_id)
        order, changed = self.checkout.new_order(
            checkout,
            delivery=delivery,
            address=address,
            note=note,
            pay_within=self.policy.unpaid_timeout,
        )
        for stock, quantity in checkout.stocks:
            stock.reserve(order.id, quantity)
        cart.ordered(order.id, [s.line.sku_id for s in chosen])
        self.store.save(order, *(stock for stock, _ in checkout.stocks), *changed, cart)
        return order.id

    def _checkable(self, member_id: UUID) -> tuple[Cart, list[ShownLine]]:
        cart = self.carts.cart_of(member_id)
        shown = shown_lines(self.store, cart, self.store.clock.now())
        chosen = [s for s in shown if s.line.selected]
        if not chosen:
            raise NothingSelected("no line of the cart is selected")
        flagged = [s for s in chosen if s.flags]
        if flagged:
            raise CartLinesFlagged(
                "some selected lines are unavailable or changed price: deselect or remove "
                "them, or acknowledge the new prices (POST /cart/acknowledge), then quote again",
                lines=[_flagged(s) for s in flagged],
            )
        return cart, chosen

    def _priced(
        self, member_id: UUID, lines: list[ShownLine], pickup: bool, choice: OfferChoice
    ) -> Checkout:
        return self.checkout.check_out(
            member_id=member_id,
            items=[(s.line.sku_id, s.line.quantity) for s in lines],
            pickup=pickup,
            coupon_id=choice.coupon_id,
            points=choice.points,
            pick_best=choice.pick_best,
        )


def _flagged(shown: ShownLine) -> dict[str, object]:
    return {
        "sku_id": shown.line.sku_id,
        "flags": shown.flags,
        "quantity": shown.line.quantity,
        "available": shown.available,
        "unit_price_fen": shown.unit_price_fen,
        "seen_price_fen": shown.line.seen_price_fen,
    }
