"""Review use cases: a member reviews a line of their own completed order once
(earning the review points once, when the shop gives any) and adds one
follow-up; the shop replies; operators hide a review and show it again, each
with a reason. The points are saved in the same atomic save as the review, and
the review's id is the order's and SKU's, so neither a retry nor a racing
request can give them twice."""

from __future__ import annotations

from uuid import UUID

from ..domain.order import Order
from ..domain.points_policy import PointsPolicy
from ..domain.review import AlreadyReviewed, Review, review_id_for, reviewable
from .accounts import Accounts
from .errors import InvalidInput, NotFound
from .store import EventStore, retry_on_conflict


class ReviewUseCases:
    def __init__(
        self,
        store: EventStore,
        accounts: Accounts,
        *,
        review_points: int,
        points_policy: PointsPolicy,
    ) -> None:
        self.store = store
        self.accounts = accounts
        self.review_points = review_points
        self.points_policy = points_policy

    @retry_on_conflict
    def write(
        self,
        member_id: UUID,
        order_id: UUID,
        *,
        sku_id: str,
        stars: int,
        text: str,
        images: list[str],
    ) -> Review:
        """The member's review of the order's line of `sku_id`: 404 when the order
        is not theirs, 409 unless it is completed or when the line has one."""
        order = self.store.find(Order, order_id)
        if order is None or order.member_id != member_id:
            raise NotFound("order")
        reviewable(order)
        line = next((line for line in order.lines if line.sku_id == sku_id), None)
        if line is None:
            raise InvalidInput("sku_id", "the SKU of one of this order's lines")
        review_id = review_id_for(order_id, sku_id)
        if self.store.exists(review_id):
            raise AlreadyReviewed(
                "this line of the order is already reviewed", review_id=str(review_id)
            )
        now = self.store.clock.now()
        review = Review(
            order_id=order_id,
            sku_id=sku_id,
            member_id=member_id,
            product_id=line.product_id,
            line_title=line.title,
            stars=stars,
            text=text,
            images=images,
            at=now,
        )
        account = self.accounts.points_of(member_id)
        rewarded = (
            self.review_points > 0
            and not account.closed
            and account.earn_reward(
                f"review:{review_id}", self.review_points, now, self.points_policy
            )
        )
        if rewarded:
            self.store.save(review, account)
        else:
            self.store.save(review)
        return review

    @retry_on_conflict
    def follow_up(self, member_id: UUID, review_id: UUID, text: str, images: list[str]) -> Review:
        review = self.review(review_id)
        if review.member_id != member_id:
            raise NotFound("review")
        review.add_follow_up(text, images, self.store.clock.now())
        self.store.save(review)
        return review

    @retry_on_conflict
    def reply(self, review_id: UUID, text: str) -> Review:
        review = self.review(review_id)
        if review.answer(text, self.store.clock.now()):
            self.store.save(review)
        return review

    @retry_on_conflict
    def hide(self, review_id: UUID, reason: str) -> Review:
        review = self.review(review_id)
        review.hide(reason, self.store.clock.now())
        self.store.save(review)
        return review

    @retry_on_conflict
    def unhide(self, review_id: UUID, reason: str) -> Review:
        review = self.review(review_id)
        review.unhide(reason, self.store.clock.now())
        self.store.save(review)
        return review

    def review(self, review_id: UUID) -> Review:
        return self.store.load(Review, review_id, "review")
