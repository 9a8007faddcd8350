"""What a coupon takes off and where: the checks on a template's terms and the
scope filter pricing applies (the discount arithmetic is pricing.py's)."""

from __future__ import annotations

from .errors import DomainError
from .values import CouponTerms, OrderLine

TRIGGERS = ("claim", "first_login", "birthday")
KINDS = ("threshold", "discount", "no_threshold")
SCOPES = ("all", "category", "products")


def check_terms(terms: CouponTerms) -> None:
    """Raises DomainError when the terms cannot make a sensible coupon."""
    kind, scope = terms.kind, terms.scope
    rules = [
        (kind in KINDS, f"unknown coupon kind {kind!r}"),
        (kind == "discount" or terms.amount_fen >= 1, "a coupon must take off at least 1 fen"),
        (
            kind != "threshold" or terms.threshold_fen >= terms.amount_fen,
            "a threshold coupon cannot take off more than its threshold",
        ),
        (kind != "discount" or 1 <= terms.rate_percent <= 99, "a discount rate is 1..99 percent"),
        (kind != "discount" or terms.cap_fen >= 0, "a discount cap cannot be negative"),
        (scope in SCOPES, f"unknown coupon scope {scope!r}"),
        ((scope == "all") == (not terms.scope_ids), "scope 'all' has no ids, others need some"),
    ]
    for holds, message in rules:
        if not holds:
            raise DomainError(message, kind=kind, scope=scope)


def eligible_lines(terms: CouponTerms, lines: list[OrderLine]) -> list[OrderLine]:
    """The order lines the coupon's scope covers."""
    if terms.scope == "category":
        return [line for line in lines if line.category in terms.scope_ids]
    if terms.scope == "products":
        return [line for line in lines if line.product_id in terms.scope_ids]
    return list(lines)
