"""The Shop application: one class, use cases grouped by business area."""

from .bargains import BargainUseCases
from .catalogue import CatalogueUseCases
from .flash_sale import FlashSaleUseCases
from .jobs import JobUseCases
from .members import MemberUseCases
from .notify_sender import NotificationUseCases
from .official_account import OfficialAccountUseCases
from .reservations import ReservationUseCases


class Shop(
    CatalogueUseCases,
    MemberUseCases,
    JobUseCases,
    FlashSaleUseCases,
    BargainUseCases,
    ReservationUseCases,
    NotificationUseCases,
    OfficialAccountUseCases,
):
    """Every use case of the shop, over one event store."""


__all__ = ["Shop"]
