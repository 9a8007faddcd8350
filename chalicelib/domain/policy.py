"""The shop's configurable time and shipping rules for orders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from .pricing import ShippingPolicy


@dataclass(frozen=True)
class OrderPolicy:
    unpaid_timeout: timedelta = timedelta(minutes=30)
    auto_receive_after: timedelta = timedelta(days=7)
    after_sales_window: timedelta = timedelta(days=7)
    shipping: ShippingPolicy = field(default_factory=ShippingPolicy)
    pickup_stores: frozenset[str] = frozenset()
    """The stores that hand orders over (自提点); empty: any store id is taken."""

    def picks_up_at(self, store_id: str | None) -> bool:
        """Whether orders may be picked up at the store: listed, or none listed."""
        return not self.pickup_stores or store_id in self.pickup_stores
