"""A member's review of one line (SKU) of their own completed order: 1 to 5
stars, text and image URLs; one follow-up by the same member; the shop's reply
(replaced when the shop replies again); and moderation: operators hide a
review, and show it again, each time with a recorded reason.

The review's id comes from the order and the SKU, so the same line reviewed
twice, even by racing requests, collides on it and only one review stands."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from .errors import DomainError
from .ids import NAMESPACE
from .order import Order, OrderStatus
from .review_content import (
    MAX_REASON,
    check,
    images_problem,
    stars_problem,
    text_problem,
)


class AlreadyReviewed(DomainError):
    code = "already_reviewed"


def review_id_for(order_id: UUID, sku_id: str) -> UUID:
    return uuid5(NAMESPACE, f"review:{order_id}:{sku_id}")


def reviewable(order: Order) -> None:
    """Raises unless the order's lines can be reviewed now (it is completed)."""
    if order.status != OrderStatus.COMPLETED:
        raise DomainError(
            f"only a completed order can be reviewed; this one is {order.status}",
            status=str(order.status),
        )


class Review(Aggregate):
    @staticmethod
    def create_id(order_id: UUID, sku_id: str) -> UUID:
        return review_id_for(order_id, sku_id)

    class Written(Aggregate.Created):
        order_id: UUID
        sku_id: str
        member_id: UUID
        product_id: str
        line_title: str
        stars: int
        text: str
        images: list[str]
        at: datetime

    @event(Written)
    def __init__(
        self,
        order_id: UUID,
        sku_id: str,
        member_id: UUID,
        product_id: str,
        line_title: str,
        stars: int,
        text: str,
        images: list[str],
        at: datetime,
    ) -> None:
        check(stars_problem(stars), "stars")
        check(text_problem(text), "text")
        check(images_problem(images), "images")
        self.order_id = order_id
        self.sku_id = sku_id
        self.member_id = member_id
        self.product_id = product_id
        self.line_title = line_title
        self.stars = stars
        self.text = text
        self.images = list(images)
        self.written_at = at
        self.follow_up: dict[str, object] | None = None
        self.reply: dict[str, object] | None = None
        self.hidden = False

    def add_follow_up(self, text: str, images: list[str], at: datetime) -> None:
        if self.follow_up is not None:
            raise DomainError("this review already has its follow-up", review_id=str(self.id))
        check(text_problem(text, needed=True), "text")
        check(images_problem(images), "images")
        self._followed_up(text=text, images=list(images), at=at)

    class FollowedUp(Aggregate.Event):
        text: str
        images: list[str]
        at: datetime

    @event(FollowedUp)
    def _followed_up(self, text: str, images: list[str], at: datetime) -> None:
        self.follow_up = {"text": text, "images": list(images), "at": at}

    def answer(self, text: str, at: datetime) -> bool:
        """The shop's reply, replacing an earlier one; False when it says the same."""
        check(text_problem(text, needed=True), "text")
        if self.reply is not None and self.reply["text"] == text:
            return False
        self._replied(text=text, at=at)
        return True

    class Replied(Aggregate.Event):
        text: str
        at: datetime

    @event(Replied)
    def _replied(self, text: str, at: datetime) -> None:
        self.reply = {"text": text, "at": at}

    def hide(self, reason: str, at: datetime) -> None:
        if self.hidden:
            raise DomainError("this review is already hidden", review_id=str(self.id))
        check(text_problem(reason, MAX_REASON, needed=True), "reason")
        self._hidden(reason=reason, at=at)

    class Hidden(Aggregate.Event):
        reason: str
        at: datetime

    @event(Hidden)
    def _hidden(self, reason: str, at: datetime) -> None:
        self.hidden = True

    def unhide(self, reason: str, at: datetime) -> None:
        if not self.hidden:
            raise DomainError("this review is not hidden", review_id=str(self.id))
        check(text_problem(reason, MAX_REASON), "reason")
        self._unhidden(reason=reason, at=at)

    class Unhidden(Aggregate.Event):
        reason: str
        at: datetime

    @event(Unhidden)
    def _unhidden(self, reason: str, at: datetime) -> None:
        self.hidden = False
