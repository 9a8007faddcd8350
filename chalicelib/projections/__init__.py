"""Read-model builders and the runner that drives them."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .base import Projection


def all_projections(after_sales_window: timedelta = timedelta(days=7)) -> list[Projection]:
    """Every projection; `after_sales_window` is the shop's (settings.order_policy),
    whose last day the after-sales reminder falls on. Imported here, when
    built: the event-stream functions that do not project (README, "Cold
    start") import the projections' modules (base, runner) without them."""

    from .after_sales import AfterSalesProjection
    from .analytics import AnalyticsProjection
    from .behaviour_mirror import BehaviourMirrorProjection
    from .campaigns import CampaignsProjection
    from .catalogue import CatalogueProjection
    from .co_purchases import CoPurchasesProjection
    from .coupons import CouponsProjection
    from .experiments import ExperimentsProjection
    from .followers import FollowersProjection
    from .invites import InvitesProjection
    from .low_stock import LowStockProjection
    from .members import MembersProjection
    from .notification_log import NotificationLogProjection
    from .notification_triggers import NotificationTriggersProjection
    from .oa_metrics import OaMetricsProjection
    from .order_status import OrderStatusProjection
    from .order_timers import OrderTimersProjection
    from .points import PointsProjection
    from .product_search import ProductSearchProjection
    from .promotion_analytics import PromotionAnalyticsProjection
    from .refund_requests import RefundRequestsProjection
    from .reservations import ReservationsProjection
    from .reviews import ReviewsProjection

    return [
        CatalogueProjection(),
        ProductSearchProjection(),
        CoPurchasesProjection(),
        OrderStatusProjection(),
        OrderTimersProjection(),
        RefundRequestsProjection(),
        AfterSalesProjection(),
        LowStockProjection(),
        MembersProjection(),
        PointsProjection(),
        CouponsProjection(),
        InvitesProjection(),
        ReservationsProjection(),
        CampaignsProjection(),
        NotificationTriggersProjection(after_sales_window),
        FollowersProjection(),
        NotificationLogProjection(),
        AnalyticsProjection(),
        PromotionAnalyticsProjection(),
        OaMetricsProjection(),
        ExperimentsProjection(),
        BehaviourMirrorProjection(),
        ReviewsProjection(),
    ]
