"""The Shop application: one class, use cases grouped by business area."""

from .catalogue import CatalogueUseCases
from .flash_sale import FlashSaleUseCases
from .jobs import JobUseCases
from .members import MemberUseCases


class Shop(CatalogueUseCases, MemberUseCases, JobUseCases, FlashSaleUseCases):
    """Every use case of the shop, over one event store."""


__all__ = ["Shop"]
