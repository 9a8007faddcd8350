"""The rules behind "you may also like" (猜你喜欢), without I/O.

Co-purchases: each paid order counts, for every pair of distinct products in
it, one "bought together" in both directions. An order counts at most
MAX_ORDER_PRODUCTS distinct products (the first ones in line order), so one
paid order updates a bounded number of partner lists.

A product keeps at most MAX_PARTNERS partners (Space-Saving: a new partner of
a full list takes the place of the weakest one, with that one's count plus
one), so a partner bought together often enough is always kept and counts stay
exact until the list fills. A list shows its partners by count, most first,
ties by product id.

Home page: the member's latest SEED_VIEWS viewed products, the latest weighing
most (weight SEED_VIEWS for the latest, then one less for each older one);
a candidate scores the sum over the seeds of weight x times bought together,
highest first, ties by product id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

MAX_ORDER_PRODUCTS = 10
MAX_PARTNERS = 50
SEED_VIEWS = 5


def order_products(product_ids: Iterable[str]) -> list[str]:
    """The distinct products an order counts, in line order, at most MAX_ORDER_PRODUCTS."""
    kept: list[str] = []
    for product_id in product_ids:
        if product_id not in kept:
            kept.append(product_id)
    return kept[:MAX_ORDER_PRODUCTS]


def ranked(counts: Mapping[str, int]) -> list[str]:
    """Product ids by count, most first, ties by product id."""
    return [pid for pid, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def bought_with(
    partners: Mapping[str, int], others: Iterable[str], keep: int = MAX_PARTNERS
) -> dict[str, int]:
    """`partners` after one more purchase together with each of `others`."""
    counts = dict(partners)
    for other in others:
        if other in counts or len(counts) < keep:
            counts[other] = counts.get(other, 0) + 1
            continue
        weakest = ranked(counts)[-1]
        counts[other] = counts.pop(weakest) + 1
    return counts


def home_scores(seeds: Sequence[Mapping[str, int]]) -> list[str]:
    """Candidates from the partner lists of the seeds (latest viewed first)."""
    scores: dict[str, int] = {}
    for index, partners in enumerate(seeds[:SEED_VIEWS]):
        weight = SEED_VIEWS - index
        for pid, count in partners.items():
            scores[pid] = scores.get(pid, 0) + weight * count
    return ranked(scores)


def pick(
    sources: Iterable[Iterable[str]], *, allowed: set[str], excluded: set[str], limit: int
) -> list[str]:
    """Up to `limit` products, taken from each source in turn (the first ones
    first), each once, only `allowed` ones, never `excluded` ones."""
    chosen: list[str] = []
    for source in sources:
        for pid in source:
            if len(chosen) == limit:
                return chosen
            if pid in allowed and pid not in excluded and pid not in chosen:
                chosen.append(pid)
    return chosen
