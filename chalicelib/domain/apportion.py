"""How much of what the member paid each unit of an order is worth, for
partial refunds.

The rule, to the fen:

1. The order's discount (member price, coupon and points together:
   `PriceBreakdown.discount_fen`) is spread over its lines in proportion to
   each line's price × quantity; each line gets the floor of its exact share,
   and the fen left over go one each to the lines with the largest
   remainders (ties: the earlier line). A line's *paid* amount is its total
   less its share, so the lines' paid amounts add up to payable − shipping.
2. Within a line, units are claimed in order: the first k units are worth
   floor(paid × k / quantity), so any split of a line into requests adds up to
   its paid amount. A rejected request gives its units and their worth back;
   the next claim is worth floor(paid × k / quantity) less the worth still
   claimed (k: the units claimed with it), never below 0, and the claim that
   takes a line's last unit gets whatever of the line is left.
3. Shipping is refunded with the request that claims the order's last unit.
4. Redeemed points go back with the refunded goods money: once refunds worth
   R of the goods' paid amount G (payable − shipping) are confirmed, the
   member has ⌊points × R / G⌋ back, so a confirmed refund gives back
   ⌊points × (R + part) / G⌋ − ⌊points × R / G⌋ (`points_back`), and the
   refund that confirms the order's last unit gives back whatever is left.

So the refunds of any sequence of requests that together claim every unit
add up to exactly what was paid, and give back exactly the points redeemed.
"""

from __future__ import annotations

from collections.abc import Sequence

from .values import OrderLine, PriceBreakdown


def spread(total: int, weights: Sequence[int]) -> list[int]:
    """`total` split in proportion to `weights` (non-negative), largest
    remainder first, earlier first on ties; sums to `total` exactly."""
    whole = sum(weights)
    if whole == 0:
        shares = [0] * len(weights)
        if shares:
            shares[0] = total
        return shares
    shares = [total * w // whole for w in weights]
    remainders = [total * w % whole for w in weights]
    left = total - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:left]:
        shares[i] += 1
    return shares


def paid_per_line(lines: Sequence[OrderLine], price: PriceBreakdown) -> list[int]:
    """What the member paid for each line (rule 1)."""
    discounts = spread(price.discount_fen, [line.total_fen for line in lines])
    return [line.total_fen - d for line, d in zip(lines, discounts, strict=True)]


def claim_worth(
    line_paid: int, quantity: int, *, claimed_units: int, claimed_fen: int, taking: int
) -> int:
    """The worth of `taking` more units of a line of which `claimed_units`
    worth `claimed_fen` are claimed already (rule 2)."""
    rest = line_paid - claimed_fen
    if claimed_units + taking >= quantity:
        return rest
    return min(rest, max(0, line_paid * (claimed_units + taking) // quantity - claimed_fen))


def points_share(points: int, part_fen: int, whole_fen: int) -> int:
    """The points that go with `part_fen` of `whole_fen` (rounded down)."""
    return 0 if whole_fen <= 0 else points * part_fen // whole_fen


def points_back(points: int, *, refunded_fen: int, part_fen: int, goods_fen: int) -> int:
    """The redeemed points a refund of `part_fen` of goods gives back once
    `refunded_fen` of the order's `goods_fen` were refunded before (rule 4)."""
    before = points_share(points, refunded_fen, goods_fen)
    return points_share(points, refunded_fen + part_fen, goods_fen) - before
