"""Request bodies of the member, coupon and level endpoints (strict: money is fen)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, field_validator, model_validator

from .schemas import AmountFen, SpendFen, Strict, plausible_day, zoned_time

CODE = r"^[a-z0-9][a-z0-9_-]{0,39}$"


class ProfileIn(Strict):
    nickname: str | None = Field(default=None, min_length=1, max_length=32)
    avatar_url: str | None = Field(default=None, max_length=500)
    birthday: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")

    @field_validator("birthday")
    @classmethod
    def _real_date(cls, value: str | None) -> str | None:
        if value is not None:
            plausible_day(value, earliest=1900)
        return value


class PhoneIn(Strict):
    code: str = Field(min_length=1, max_length=128)


class LevelIn(Strict):
    code: str = Field(pattern=r"^[a-z0-9_-]{1,20}$")
    name: str = Field(min_length=1, max_length=20)
    threshold_fen: SpendFen
    discount_percent: int = Field(default=100, ge=1, le=100)
    points_multiplier_percent: int = Field(default=100, ge=0, le=1000)
    birthday_coupon: str = Field(default="", max_length=40)
    free_shipping_from_fen: AmountFen = 0


class LevelsIn(Strict):
    levels: list[LevelIn] = Field(min_length=1, max_length=20)


class CouponTermsIn(Strict):
    kind: Literal["threshold", "discount", "no_threshold"]
    amount_fen: AmountFen = 0
    threshold_fen: AmountFen = 0
    rate_percent: int = Field(default=100, ge=1, le=100)
    cap_fen: AmountFen = 0
    scope: Literal["all", "category", "products"] = "all"
    scope_ids: list[str] = Field(default_factory=list, max_length=200)


class CouponTemplateIn(Strict):
    code: str = Field(pattern=CODE)
    title: str = Field(min_length=1, max_length=40)
    terms: CouponTermsIn
    trigger: Literal["claim", "first_login", "birthday"] = "claim"
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    valid_days: int = Field(default=0, ge=0, le=3650)
    total_quantity: int = Field(default=0, ge=0, le=100_000_000)
    per_member_limit: int = Field(default=1, ge=0, le=1000)

    _zoned = field_validator("starts_at", "ends_at", mode="before")(zoned_time)

    @model_validator(mode="after")
    def _validity(self) -> CouponTemplateIn:
        window = self.starts_at is not None and self.ends_at is not None
        if window == bool(self.valid_days):
            raise ValueError("give either starts_at and ends_at, or valid_days")
        return self
