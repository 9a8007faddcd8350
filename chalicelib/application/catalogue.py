"""Catalogue use cases: list a product with its SKUs and stock, restock a SKU."""

from __future__ import annotations

from uuid import UUID

from ..domain.catalogue import Product, Stock
from ..domain.errors import DomainError
from ..domain.ids import product_id_for, stock_id_for
from ..domain.values import SkuSpec
from .store import EventStore


class CatalogueUseCases:
    """Lists products and restocks their SKUs."""

    def __init__(self, store: EventStore) -> None:
        self.store = store

    def list_product(
        self,
        *,
        slug: str,
        title: str,
        category: str,
        description: str,
        image_url: str,
        skus: list[tuple[SkuSpec, int]],
    ) -> UUID:
        """Lists a new product; each SKU comes with its opening stock."""
        if self.store.exists(product_id_for(slug)):
            raise DomainError("a product with this slug is already listed", slug=slug)
        for spec, _ in skus:
            if self.store.exists(stock_id_for(spec.sku_id)):
                raise DomainError("SKU id already used by another product", sku_id=spec.sku_id)
        product = Product(
            slug=slug,
            title=title,
            category=category,
            description=description,
            image_url=image_url,
            skus=[spec for spec, _ in skus],
        )
        stocks = [
            Stock(sku_id=spec.sku_id, product_id=str(product.id), quantity=qty)
            for spec, qty in skus
        ]
        self.store.save(product, *stocks)
        return product.id

    def restock(self, sku_id: str, quantity: int) -> int:
        stock = self.store.load(Stock, stock_id_for(sku_id), "SKU")
        stock.restock(quantity)
        self.store.save(stock)
        return stock.available
