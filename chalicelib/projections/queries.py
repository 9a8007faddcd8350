"""Read-model queries the API serves (each reads the current generation)."""

from __future__ import annotations

from uuid import UUID

from ..application.errors import NotFound
from . import catalogue, order_status
from .base import Doc, ViewReader

ORDERS = order_status.OrderStatusProjection.name
CATALOGUE = catalogue.CatalogueProjection.name


def order(views: ViewReader, order_id: UUID, member_id: UUID | None = None) -> Doc:
    doc = views.get(ORDERS, order_status.VIEW, str(order_id))
    if doc is None or (member_id is not None and doc["member_id"] != str(member_id)):
        raise NotFound("order")
    return doc


def member_orders(views: ViewReader, member_id: UUID, status: str | None = None) -> list[Doc]:
    group = order_status.member_group(str(member_id))
    docs = views.query(ORDERS, order_status.VIEW, group, descending=True)
    return [d for d in docs if status is None or d["status"] == status]


def products(views: ViewReader, category: str | None = None) -> list[Doc]:
    docs = views.query(CATALOGUE, catalogue.PRODUCTS, "all")
    return [d for d in docs if category is None or d["category"] == category]


def product(views: ViewReader, product_id: UUID) -> Doc:
    doc = views.get(CATALOGUE, catalogue.PRODUCTS, str(product_id))
    if doc is None:
        raise NotFound("product")
    return doc
