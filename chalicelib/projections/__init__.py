"""Read-model builders and the runner that drives them."""

from .base import Projection
from .campaigns import CampaignsProjection
from .catalogue import CatalogueProjection
from .coupons import CouponsProjection
from .invites import InvitesProjection
from .members import MembersProjection
from .order_status import OrderStatusProjection
from .order_timers import OrderTimersProjection
from .points import PointsProjection
from .refund_requests import RefundRequestsProjection
from .reservations import ReservationsProjection


def all_projections() -> list[Projection]:
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
    ]
