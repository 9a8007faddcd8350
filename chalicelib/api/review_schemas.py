"""Request bodies of reviews: the text, image and star rules are the domain's
(domain/review_content.py), checked here so a break is a 400 naming the field."""

from __future__ import annotations

from typing import TypeVar

from pydantic import Field, field_validator

from ..domain.review_content import (
    MAX_REASON,
    images_problem,
    stars_problem,
    text_problem,
)
from .schemas import Strict

T = TypeVar("T")


def _checked(problem: str | None, value: T) -> T:
    if problem is not None:
        raise ValueError(problem)
    return value


class ReviewIn(Strict):
    sku_id: str = Field(min_length=1, max_length=64)
    stars: int
    text: str = ""
    images: list[str] = Field(default_factory=list)

    @field_validator("stars")
    @classmethod
    def _stars(cls, stars: int) -> int:
        return _checked(stars_problem(stars), stars)

    @field_validator("text")
    @classmethod
    def _text(cls, text: str) -> str:
        return _checked(text_problem(text), text)

    @field_validator("images")
    @classmethod
    def _images(cls, images: list[str]) -> list[str]:
        return _checked(images_problem(images), images)


class FollowUpIn(Strict):
    text: str
    images: list[str] = Field(default_factory=list)

    @field_validator("text")
    @classmethod
    def _text(cls, text: str) -> str:
        return _checked(text_problem(text, needed=True), text)

    @field_validator("images")
    @classmethod
    def _images(cls, images: list[str]) -> list[str]:
        return _checked(images_problem(images), images)


class ReplyIn(Strict):
    text: str

    @field_validator("text")
    @classmethod
    def _text(cls, text: str) -> str:
        return _checked(text_problem(text, needed=True), text)


class HideIn(Strict):
    reason: str

    @field_validator("reason")
    @classmethod
    def _reason(cls, reason: str) -> str:
        return _checked(text_problem(reason, MAX_REASON, needed=True), reason)


class UnhideIn(Strict):
    reason: str = ""

    @field_validator("reason")
    @classmethod
    def _reason(cls, reason: str) -> str:
        return _checked(text_problem(reason, MAX_REASON), reason)
