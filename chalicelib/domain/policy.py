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

    def require_pickup_store(self, store_id: str | None) -> None:
        """ValueError unless the shop lists the store (or lists none)."""
        if self.pickup_stores and store_id not in self.pickup_stores:
            raise ValueError(f"no pickup store {store_id!r}: one of {sorted(self.pickup_stores)}")
