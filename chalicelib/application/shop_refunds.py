"""What the shop refunds on its own through an order's refund ledger, and the
claim every after-sales request makes on that ledger (after_sales.py for the
member's requests).

An order is stranded when its member closed the account while it was paid and
not shipped by express: its address can no longer be read, so it never ships
(members.py `close_account`). The closing refunds what no request claims; a
request of it the shop rejects afterwards is refunded the same way, since
nobody is left to ask for those units again."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate

from ..domain.after_sale import AfterSale, AfterSaleKind
from ..domain.order import Order, OrderStatus
from ..domain.refund_ledger import RefundLedger
from .order_reactions import ACCOUNT_CLOSED
from .teams import TeamReactions, refund_automatically


def awaits_shipping(order: Order) -> bool:
    """Paid, by express, not shipped yet: what needs its delivery address."""
    return order.status == OrderStatus.PAID and not order.delivery.is_pickup


def refund_stranded(
    order: Order, ledger: RefundLedger | None, teams: TeamReactions, now: datetime
) -> list[Aggregate]:
    """A stranded order's unclaimed units refunded (`refund_unclaimed`); refunded
    whole, a group-buy order leaves its team, as any approved refund does."""
    changed = refund_unclaimed(order, ledger, ACCOUNT_CLOSED, now)
    if any(one is order for one in changed):
        changed += teams.on_refund_approved(order)
    return changed


def refund_unclaimed(
    order: Order, ledger: RefundLedger | None, reason: str, now: datetime
) -> list[Aggregate]:
    """The shop refunds on its own what no after-sales request of the order
    claims; returns what changed, for the caller to save in one write with the
    order's ledger (a request racing it writes the same ledger: one of the two
    is retried and meets the other).

    Nothing claimed (no ledger, or every claim released): the whole order is
    refunded (a whole refund the member asked for is approved as it is) and
    the ledger holds for it, as orders.py does. Some units claimed: only the
    unclaimed rest, by a refund_only request on behalf of the order's member,
    claimed and approved at once; its refund goes out and settles like any
    approved request, and the claims keep their own flow. Every unit claimed,
    or a whole refund already under way: nothing."""
    if ledger is None or not ledger.has_claims:
        if not refund_automatically(order, reason, now):
            return []
        held = ledger or RefundLedger(order_id=order.id)
        if held.whole_refund:  # the member's own whole refund holds it already
            return [order]
        held.hold_for_whole_refund(at=now)
        return [order, held]
    rest = ledger.unclaimed(order.lines)
    if not rest:
        return []
    after_sale = claim(ledger, order, order.member_id, AfterSaleKind.REFUND_ONLY, reason, rest, now)
    after_sale.approve(at=now)
    return [ledger, after_sale]


def claim(
    ledger: RefundLedger,
    order: Order,
    member_id: UUID,
    kind: AfterSaleKind,
    reason: str,
    units: dict[str, int],
    now: datetime,
) -> AfterSale:
    """A new request for the units, priced and claimed on the order's ledger."""
    worth, shipping = ledger.price(units, order.lines, order.price)
    after_sale = AfterSale(
        order_id=order.id,
        member_id=member_id,
        kind=kind,
        reason=reason,
        units=units,
        worth=worth,
        shipping_fen=shipping,
        total_fen=order.price.payable_fen,
        at=now,
    )
    ledger.claim(after_sale.id, units, worth, shipping, now)
    return after_sale
