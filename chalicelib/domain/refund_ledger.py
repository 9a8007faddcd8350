"""The units of one order claimed by its after-sales requests.

One ledger per order (its id derived from the order's), written in the same
atomic write as every after-sales request of that order: two requests racing
for the same units both load it at the same version, and the second write is
refused, retried, and finds the units taken. A unit is never claimed twice;
a rejected request gives its units back. The worth of each claim follows the
apportioning rule (apportion.py), so the claims of every unit add up to what
was paid.

The ledger is also the one record a whole-order refund and the after-sales
requests of its order both go through. A whole-order refund asked for (or made
by the shop) holds the ledger in the same atomic write as the order
(`hold_for_whole_refund`, refused once some units are claimed), and `claim`
refuses while it holds: a whole-order refund and a request racing on one order
both write the ledger at the same version, the second write is refused,
retried, and meets the first (409). A rejected whole-order refund releases the
hold. The refunds approved automatically for a failed group-buy team's
orders (teams.py, group_buy.py) need no hold, no request claiming units of a
group-buy order before its team formed; nor
does one approved in the same write as the order's payment
(order_reactions.py), before any request could be made. Closing an account
refunds the paid orders it strands through the ledger too (shop_refunds.py
`refund_unclaimed`): whole and held when nothing is claimed, else only the
unclaimed units, by a request the shop makes and approves. A ledger that does
not exist yet (every order before its first request or whole-order refund)
holds nothing and has claimed nothing.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from .apportion import claim_worth, paid_per_line
from .errors import DomainError, InvalidTransition
from .ids import NAMESPACE
from .values import OrderLine, PriceBreakdown


def ledger_id_for(order_id: UUID) -> UUID:
    return uuid5(NAMESPACE, f"refund-ledger:{order_id}")


class RefundLedger(Aggregate):
    class Opened(Aggregate.Created):
        order_id: UUID

    @staticmethod
    def create_id(order_id: UUID) -> UUID:
        return ledger_id_for(order_id)

    @event(Opened)
    def __init__(self, order_id: UUID) -> None:
        self.order_id = order_id
        self.units: dict[str, int] = {}
        self.worth: dict[str, int] = {}
        self.shipping_claimed = False
        self.claim_units: dict[str, dict[str, int]] = {}
        self.claim_worth: dict[str, dict[str, int]] = {}
        self.claim_shipping: dict[str, int] = {}
        self.open: set[str] = set()
        self.refunded_fen = 0
        self.whole_refund = False

    def left(self, sku_id: str, quantity: int) -> int:
        return quantity - self.units.get(sku_id, 0)

    def price(
        self, wanted: dict[str, int], lines: list[OrderLine], price: PriceBreakdown
    ) -> tuple[dict[str, int], int]:
        """The worth of each line of the wanted units ({sku_id: quantity}) and
        the shipping refunded with them; refuses units not left to claim."""
        by_sku = {line.sku_id: (i, line) for i, line in enumerate(lines)}
        paid = paid_per_line(lines, price)
        worth: dict[str, int] = {}
        for sku_id, taking in wanted.items():
            if sku_id not in by_sku:
                raise DomainError("the order has no such line", sku_id=sku_id)
            i, line = by_sku[sku_id]
            if taking > self.left(sku_id, line.quantity):
                raise InvalidTransition(
                    "more units than are left to refund",
                    sku_id=sku_id,
                    left=self.left(sku_id, line.quantity),
                )
            worth[sku_id] = claim_worth(
                paid[i],
                line.quantity,
                claimed_units=self.units.get(sku_id, 0),
                claimed_fen=self.worth.get(sku_id, 0),
                taking=taking,
            )
        last = all(
            self.units.get(line.sku_id, 0) + wanted.get(line.sku_id, 0) == line.quantity
            for line in lines
        )
        return worth, price.shipping_fen if last and not self.shipping_claimed else 0

    def claim(
        self,
        after_sale_id: UUID,
        wanted: dict[str, int],
        worth: dict[str, int],
        shipping_fen: int,
        at: datetime,
    ) -> None:
        """Claims the units `price` was asked about, at the worth it gave;
        refused while a whole-order refund holds the ledger."""
        if self.whole_refund:
            raise InvalidTransition("the order has a whole-order refund under way")
        self._claimed(
            after_sale_id=str(after_sale_id),
            units=dict(wanted),
            worth=dict(worth),
            shipping_fen=shipping_fen,
            at=at,
        )

    class Claimed(Aggregate.Event):
        after_sale_id: str
        units: dict[str, int]
        worth: dict[str, int]
        shipping_fen: int
        at: datetime

    @event(Claimed)
    def _claimed(
        self,
        after_sale_id: str,
        units: dict[str, int],
        worth: dict[str, int],
        shipping_fen: int,
        at: datetime,
    ) -> None:
        for sku_id, taking in units.items():
            self.units[sku_id] = self.units.get(sku_id, 0) + taking
            self.worth[sku_id] = self.worth.get(sku_id, 0) + worth[sku_id]
        self.shipping_claimed = self.shipping_claimed or shipping_fen > 0
        self.claim_units[after_sale_id] = dict(units)
        self.claim_worth[after_sale_id] = dict(worth)
        self.claim_shipping[after_sale_id] = shipping_fen
        self.open.add(after_sale_id)

    def release(self, after_sale_id: UUID, at: datetime) -> None:
        """A rejected request gives its units and their worth back."""
        if str(after_sale_id) not in self.open:
            raise InvalidTransition("the request holds no units", after_sale_id=str(after_sale_id))
        self._released(after_sale_id=str(after_sale_id), at=at)

    class Released(Aggregate.Event):
        after_sale_id: str
        at: datetime

    @event(Released)
    def _released(self, after_sale_id: str, at: datetime) -> None:
        worth = self.claim_worth.pop(after_sale_id)
        for sku_id, taking in self.claim_units.pop(after_sale_id).items():
            self.units[sku_id] -= taking
            self.worth[sku_id] -= worth[sku_id]
        if self.claim_shipping.pop(after_sale_id):
            self.shipping_claimed = False
        self.open.discard(after_sale_id)

    def settle(self, after_sale_id: UUID, amount_fen: int, at: datetime) -> None:
        """The request's refund came back: its units stay claimed for good."""
        self._settled(after_sale_id=str(after_sale_id), amount_fen=amount_fen, at=at)

    class Settled(Aggregate.Event):
        after_sale_id: str
        amount_fen: int
        at: datetime

    @event(Settled)
    def _settled(self, after_sale_id: str, amount_fen: int, at: datetime) -> None:
        self.open.discard(after_sale_id)
        self.refunded_fen += amount_fen

    def hold_for_whole_refund(self, at: datetime) -> None:
        """A whole-order refund is asked for or made: refused once some units
        are claimed (the rest goes through after-sales requests too)."""
        if self.has_claims:
            raise InvalidTransition(self._claims_said())
        if not self.whole_refund:  # held already: the order refuses a second refund
            self._whole_refund_held(at=at)

    class WholeRefundHeld(Aggregate.Event):
        at: datetime

    @event(WholeRefundHeld)
    def _whole_refund_held(self, at: datetime) -> None:
        self.whole_refund = True

    def release_whole_refund(self, at: datetime) -> bool:
        """The whole-order refund was rejected: units may be asked back again.
        False when nothing held (a refund asked for before the ledger held any)."""
        if not self.whole_refund:
            return False
        self._whole_refund_released(at=at)
        return True

    class WholeRefundReleased(Aggregate.Event):
        at: datetime

    @event(WholeRefundReleased)
    def _whole_refund_released(self, at: datetime) -> None:
        self.whole_refund = False

    def unclaimed(self, lines: list[OrderLine]) -> dict[str, int]:
        """The units no request claims, by SKU (none: every unit is claimed)."""
        rest = {line.sku_id: self.left(line.sku_id, line.quantity) for line in lines}
        return {sku_id: units for sku_id, units in rest.items() if units > 0}

    def everything_refunded(self, lines: list[OrderLine]) -> bool:
        return not self.open and all(self.left(line.sku_id, line.quantity) == 0 for line in lines)

    @property
    def has_claims(self) -> bool:
        return any(self.units.values())

    def _claims_said(self) -> str:
        """What the claims are: asked for (open), refunded (settled), or both."""
        refunded = "some units are refunded by after-sales requests already"
        if all(claim in self.open for claim in self.claim_units):
            return "some units are requested by after-sales requests"
        return f"{refunded} and more are requested" if self.open else refunded
