"""Reviews: only of a completed order, within the content rules; one follow-up;
the shop's reply; hiding and showing again, each once in turn."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from chalicelib.domain.errors import DomainError
from chalicelib.domain.review import Review, review_id_for, reviewable
from chalicelib.domain.review_content import images_problem, stars_problem, text_problem

from .given import MEMBER_ID, NOW, given_order


def new_review(**changes: object) -> Review:
    fields: dict[str, object] = {
        "order_id": uuid4(),
        "sku_id": "sku-1",
        "member_id": MEMBER_ID,
        "product_id": "p-1",
        "line_title": "Tea 250g",
        "stars": 5,
        "text": "好喝\n回购",
        "images": ["https://img.example.com/1.jpg"],
        "at": NOW,
    }
    fields.update(changes)
    return Review(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("state", ["paid", "shipped", "received", "cancelled", "refunded"])
def test_only_a_completed_order_can_be_reviewed(state: str) -> None:
    with pytest.raises(DomainError):
        reviewable(given_order(state))
    reviewable(given_order("completed"))


def test_the_same_line_always_has_the_same_review_id() -> None:
    order_id = uuid4()
    assert review_id_for(order_id, "sku-1") == review_id_for(order_id, "sku-1")
    assert review_id_for(order_id, "sku-1") != review_id_for(order_id, "sku-2")
    assert new_review(order_id=order_id).id == review_id_for(order_id, "sku-1")


@pytest.mark.parametrize(
    ("problem", "expected"),
    [
        (stars_problem(0), True),
        (stars_problem(6), True),
        (stars_problem(3), False),
        (text_problem("x" * 501), True),
        (text_problem("x" * 500), False),
        (text_problem("bell\x07"), True),
        (text_problem("zero\u200bwidth"), True),
        (text_problem("two\nlines"), False),
        (text_problem("   ", needed=True), True),
        (text_problem(""), False),
        (images_problem(["http://img.example.com/1.jpg"]), True),
        (images_problem(["https://img.example.com/a b.jpg"]), True),
        (images_problem(["https://"]), True),
        (images_problem(["https://img.example.com/1.jpg"] * 10), True),
        (images_problem(["https://img.example.com/1.jpg"] * 9), False),
    ],
)
def test_content_rules(problem: str | None, expected: bool) -> None:
    assert (problem is not None) is expected


def test_the_aggregate_refuses_content_outside_the_rules() -> None:
    with pytest.raises(ValueError, match="stars"):
        new_review(stars=0)
    with pytest.raises(ValueError, match="images"):
        new_review(images=["javascript:alert(1)"])


def test_one_follow_up() -> None:
    review = new_review()
    review.add_follow_up("用了一个月，还是好", [], NOW + timedelta(days=30))
    with pytest.raises(DomainError):
        review.add_follow_up("again", [], NOW + timedelta(days=31))
    assert review.follow_up == {
        "text": "用了一个月，还是好",
        "images": [],
        "at": NOW + timedelta(days=30),
    }


def test_a_reply_replaces_the_last_and_the_same_reply_records_nothing() -> None:
    review = new_review()
    review.collect_events()
    assert review.answer("谢谢", NOW)
    assert not review.answer("谢谢", NOW)
    assert review.answer("谢谢支持", NOW)
    assert [type(e).__name__ for e in review.collect_events()] == ["Replied", "Replied"]
    with pytest.raises(ValueError):
        review.answer(" ", NOW)


def test_hide_and_show_again_each_in_turn_with_a_reason() -> None:
    review = new_review()
    with pytest.raises(DomainError):
        review.unhide("", NOW)
    with pytest.raises(ValueError):
        review.hide("", NOW)
    review.hide("广告", NOW)
    assert review.hidden
    with pytest.raises(DomainError):
        review.hide("again", NOW)
    review.unhide("申诉通过", NOW)
    assert not review.hidden
