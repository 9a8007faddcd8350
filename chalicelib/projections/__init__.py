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

    from .analytics import AnalyticsProjection
    from .campaigns import CampaignsProjection
    from .catalogue import CatalogueProjection
    from .coupons import CouponsProjection
    from .experiments import ExperimentsProjection
    from .followers import FollowersProjection
    from .invites import InvitesProjection
    from .members import MembersProjection
    from .notification_log import NotificationLogProjection
    from .notification_triggers import NotificationTriggersProjection
    from .order_status import OrderStatusProjection
    from .order_timers import OrderTimersProjection
    from .points import PointsProjection
    from .refund_requests import RefundRequestsProjection
    from .reservations import ReservationsProjection

    return [
        CatalogueProjection(),
        OrderStatusProjection(),
        OrderTimersProjection(),
        RefundRequestsProjection(),
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
        ExperimentsProjection(),
    ]
