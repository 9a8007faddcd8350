"""The template book: configuration validated up front, fields rendered per rules."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.domain.notify_triggers import TRIGGERS
from chalicelib.domain.template_book import DEFAULT_TEMPLATES, TemplateBook, render

SEMANTIC = {
    "order_no": "a1b2c3d4e5f6a7b8c9d0",
    "amount": "¥12.30",
    "title": "Oolong 250g",
    "time": "2026-11-01 10:05",
    "campaign": "Double 11",
    "level": "Gold",
    "points": "120",
    "coupon": "10 off 100",
}


def test_the_default_book_covers_every_trigger_with_the_sandbox_ids() -> None:
    book = TemplateBook.from_json(json.loads(json.dumps(DEFAULT_TEMPLATES)))

    assert set(book.specs) == set(TRIGGERS)
    paid = book.spec("order_paid")
    assert paid is not None
    assert (paid.subscribe_id, paid.oa_id) == ("sandbox-order_paid-sub", "sandbox-order_paid-oa")
    assert "sandbox-level_up-sub" in book.subscribe_ids()


def test_a_follow_prompt_has_no_official_account_template() -> None:
    prompt = TemplateBook.from_json(DEFAULT_TEMPLATES).spec("follow_prompt")

    assert prompt is not None
    assert prompt.oa_id == ""


@pytest.mark.parametrize("trigger", sorted(TRIGGERS))
def test_every_default_template_renders_from_the_fields_its_trigger_names(trigger: str) -> None:
    spec = TemplateBook.from_json(DEFAULT_TEMPLATES).spec(trigger)
    assert spec is not None
    fields = {name: SEMANTIC[name] for name in TRIGGERS[trigger].fields}

    for spec_fields in (spec.subscribe_fields, spec.oa_fields):
        data = render(spec_fields, fields)
        assert set(data) == set(spec_fields)
        assert all(entry["value"] for entry in data.values())


def test_render_fills_patterns_and_fits_each_value_to_its_key() -> None:
    data = render(
        {"thing1": "{title}（{level}）", "amount2": "{amount}", "thing3": "固定文字"},
        {"title": "大红袍岩茶礼盒装二百五十克特级正岩", "level": "金卡", "amount": "¥9.90"},
    )

    assert data == {
        "thing1": {"value": "大红袍岩茶礼盒装二百五十克特级正岩（金…"},
        "amount2": {"value": "¥9.90"},
        "thing3": {"value": "固定文字"},
    }


def test_a_field_the_intent_lacks_is_a_value_error_naming_the_key() -> None:
    with pytest.raises(ValueError, match="thing1: no field title"):
        render({"thing1": "{title}"}, {})


def spec(**changes: Any) -> dict[str, Any]:
    return {"order_paid": {**DEFAULT_TEMPLATES["order_paid"], **changes}}


@pytest.mark.parametrize(
    ("config", "named"),
    [
        ([], "an object"),
        ({"order_refunded": {}}, "order_refunded: no such trigger"),
        (spec(colour="red"), "order_paid: a template spec has only"),
        (spec(oa_id=12), "order_paid.oa_id"),
        (spec(subscribe_fields=["thing1"]), "order_paid.subscribe_fields"),
        (spec(oa_fields={"first": 3}), "order_paid.oa_fields.first"),
        (spec(oa_fields={"first": "{"}), "order_paid.oa_fields.first"),
        (spec(oa_fields={"first": "{0}"}), "order_paid.oa_fields.first: fields are named"),
    ],
)
def test_a_bad_book_is_refused_naming_the_trigger_and_key(config: Any, named: str) -> None:
    with pytest.raises(ValueError, match=named.replace(".", r"\.")):
        TemplateBook.from_json(config)


def test_a_trigger_left_out_of_the_book_has_no_template() -> None:
    book = TemplateBook.from_json({"order_paid": {"subscribe_id": "T-1"}})

    assert book.spec("order_shipped") is None
    paid = book.spec("order_paid")
    assert paid is not None
    assert (paid.subscribe_id, paid.oa_id, paid.oa_fields) == ("T-1", "", {})
