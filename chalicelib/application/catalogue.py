"""Catalogue use cases: list a product with its SKUs and stock, restock a SKU,
and keep the catalogue up: edit, reprice (now or from a given time), add SKUs,
take a product or a SKU off sale and back, set a SKU's low-stock threshold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from ..domain.catalogue import Product, Stock
from ..domain.errors import DomainError
from ..domain.ids import product_id_for, stock_id_for
from ..domain.values import SkuSpec
from .errors import InvalidInput, NotFound
from .store import EventStore, retry_on_conflict


@dataclass(frozen=True)
class ProductEdit:
    """The fields a PATCH changes; None leaves one as it is."""

    title: str | None = None
    category: str | None = None
    description: str | None = None
    image_url: str | None = None
    images: list[str] | None = None


class CatalogueUseCases:
    """Lists products, keeps them up and restocks their SKUs."""

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

    @retry_on_conflict
    def restock(self, sku_id: str, quantity: int) -> int:
        stock = self.store.load(Stock, stock_id_for(sku_id), "SKU")
        stock.restock(quantity)
        self.store.save(stock)
        return stock.available

    @retry_on_conflict
    def edit_product(self, product_id: UUID, edit: ProductEdit) -> None:
        product = self.store.load(Product, product_id, "product")
        title = product.title if edit.title is None else edit.title
        category = product.category if edit.category is None else edit.category
        description = product.description if edit.description is None else edit.description
        image_url = product.image_url if edit.image_url is None else edit.image_url
        images = product.images if edit.images is None else edit.images
        now = (product.title, product.category, product.description, product.image_url)
        if now == (title, category, description, image_url) and images == product.images:
            return
        product.edit(title, category, description, image_url, images)
        self.store.save(product)

    @retry_on_conflict
    def reprice(
        self, product_id: UUID, sku_id: str, price_fen: int, effective_at: datetime | None
    ) -> None:
        """From `effective_at` (now, when None) the SKU sells at `price_fen`."""
        product = self._product_with(product_id, sku_id)
        now = self.store.clock.now()
        if effective_at is not None and effective_at < now:
            raise InvalidInput("effective_at", "a time from now on (leave it out for now)")
        product.reprice(sku_id, price_fen, effective_at or now, now)
        self.store.save(product)

    @retry_on_conflict
    def add_sku(self, product_id: UUID, spec: SkuSpec, quantity: int) -> None:
        product = self.store.load(Product, product_id, "product")
        if self.store.exists(stock_id_for(spec.sku_id)):
            raise DomainError("SKU id already used", sku_id=spec.sku_id)
        product.add_sku(spec)
        stock = Stock(sku_id=spec.sku_id, product_id=str(product.id), quantity=quantity)
        self.store.save(product, stock)

    @retry_on_conflict
    def set_on_sale(self, product_id: UUID, on_sale: bool) -> None:
        product = self.store.load(Product, product_id, "product")
        if product.set_on_sale(on_sale):
            self.store.save(product)

    @retry_on_conflict
    def set_sku_on_sale(self, product_id: UUID, sku_id: str, on_sale: bool) -> None:
        product = self._product_with(product_id, sku_id)
        if product.set_sku_on_sale(sku_id, on_sale):
            self.store.save(product)

    @retry_on_conflict
    def set_low_stock_threshold(
        self, product_id: UUID, sku_id: str, threshold: int | None
    ) -> Stock:
        self._product_with(product_id, sku_id)
        stock = self.store.load(Stock, stock_id_for(sku_id), "SKU")
        stock.set_low_stock_threshold(threshold)
        self.store.save(stock)
        return stock

    def _product_with(self, product_id: UUID, sku_id: str) -> Product:
        """The product, which must have this SKU (NotFound otherwise)."""
        product = self.store.load(Product, product_id, "product")
        if product.sku(sku_id) is None:
            raise NotFound("SKU")
        return product
