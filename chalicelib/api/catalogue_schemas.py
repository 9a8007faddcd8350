"""Request bodies of catalogue upkeep: they validate like listing a product
does (same lengths and price range), and images are https URLs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from .schemas import PriceFen, SkuIn, Strict, zoned_time

MAX_IMAGES = 9
ImageUrl = Annotated[str, Field(min_length=9, max_length=500, pattern=r"^https://\S+$")]


class ProductEditIn(Strict):
    """PATCH: only the fields given change; at least one is needed."""

    title: str | None = Field(default=None, min_length=1, max_length=100)
    category: str | None = Field(default=None, min_length=1, max_length=50)
    description: str | None = Field(default=None, max_length=2000)
    image_url: str | None = Field(default=None, max_length=500, pattern=r"^(https://\S+)?$")
    images: list[ImageUrl] | None = Field(default=None, max_length=MAX_IMAGES)

    @field_validator("title", "category", "description", "image_url", "images", mode="before")
    @classmethod
    def not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("cannot be null: leave the field out to keep it")
        return value

    @model_validator(mode="after")
    def something_to_change(self) -> ProductEditIn:
        if not self.model_fields_set:
            raise ValueError("give at least one of title, category, description, image_url, images")
        return self


class PriceIn(Strict):
    price_fen: PriceFen
    effective_at: datetime | None = None

    _zoned = field_validator("effective_at", mode="before")(zoned_time)


class NewSkuIn(SkuIn):
    """A SKU added to a listed product, with its opening stock."""


class LowStockIn(Strict):
    """`threshold`: notify at or below this many units; null turns it off."""

    threshold: int | None = Field(ge=0, le=10_000_000)
