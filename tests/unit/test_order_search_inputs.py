"""The order lists' inputs without I/O: the cursor codec, `limit`, the
operators' search filters, the CSV row and its formula guard."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest
from chalice.app import MultiDict

from chalicelib.api import order_export
from chalicelib.api.csv_cells import cell
from chalicelib.api.cursors import MAX_LIMIT, decode_cursor, encode_cursor, parse_limit
from chalicelib.api.order_export import order_row
from chalicelib.api.order_filters import STATUSES, admin_search
from chalicelib.api.responses import ApiError
from chalicelib.application.errors import InvalidInput
from chalicelib.domain.calendar import start_of_beijing_day
from chalicelib.domain.ids import campaign_id_for
from chalicelib.projections.order_search import OrderSearch

NO_VIEWS: Any = None  # no campaign orders: the export reads no view
POSITION = "2026-12-03T08:00:00.000001Z#d0fabb99-9529-4a39-93ff-4ae1bfa0897f"


def field_of(error: pytest.ExceptionInfo[InvalidInput]) -> str:
    return error.value.field


def params(**given: str | list[str]) -> MultiDict:
    return MultiDict({k: v if isinstance(v, list) else [v] for k, v in given.items()})


def test_a_cursor_round_trips_as_url_safe_text() -> None:
    text = encode_cursor(POSITION)
    assert text.isascii() and "=" not in text and "/" not in text and "+" not in text
    assert decode_cursor(text) == POSITION
    assert decode_cursor(None) is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "!!!",
        "x" * 500,
        "abc",  # not base64 of anything
        encode_cursor("12"),  # an offset is not a position
        encode_cursor(POSITION.upper()),
        encode_cursor(POSITION + "x"),
        base64.urlsafe_b64encode(b"\xff\xfe" * 20).decode(),
        base64.b64encode(POSITION.encode()).decode(),  # padded
    ],
)
def test_anything_else_is_a_400_naming_cursor(text: str) -> None:
    with pytest.raises(InvalidInput) as error:
        decode_cursor(text)
    assert field_of(error) == "cursor"


def test_limit_is_1_to_100_and_20_by_default() -> None:
    assert parse_limit(None) == 20
    assert parse_limit("1") == 1
    assert parse_limit(str(MAX_LIMIT)) == MAX_LIMIT
    for bad in ["0", "101", "-1", "1.5", "", "ten", "99999999999999999999", "1e2", " 5"]:
        with pytest.raises(InvalidInput) as error:
            parse_limit(bad)
        assert field_of(error) == "limit"


def test_no_filters_search_everything() -> None:
    assert admin_search(None) == OrderSearch()
    assert admin_search(params()) == OrderSearch()


def test_statuses_repeated_or_comma_separated() -> None:
    search = admin_search(params(status=["paid,shipped", "refunded", "paid"]))
    assert search.statuses == ("paid", "shipped", "refunded")
    assert admin_search(params(status="paid")).statuses == ("paid",)


@pytest.mark.parametrize("value", ["bogus", "paid,", "", "PAID", "paid,nope"])
def test_an_unknown_status_is_a_400_listing_the_allowed_ones(value: str) -> None:
    with pytest.raises(InvalidInput) as error:
        admin_search(params(status=value))
    assert field_of(error) == "status"
    assert all(status in error.value.message for status in STATUSES)


def test_days_are_beijing_days_inclusive() -> None:
    search = admin_search(params(**{"from": "2026-11-01", "to": "2026-11-03"}))
    assert search.placed_from == start_of_beijing_day(date(2026, 11, 1))
    assert search.placed_before == start_of_beijing_day(date(2026, 11, 4))
    assert search.placed_from == datetime(2026, 10, 31, 16, tzinfo=UTC)
    one_day = admin_search(params(**{"from": "2026-11-01", "to": "2026-11-01"}))
    assert one_day.placed_before is not None and one_day.placed_from is not None
    assert one_day.placed_before - one_day.placed_from == timedelta(days=1)


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"from": "2026-13-01"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"from": "1999-12-31"}, "from"),
        ({"to": "9999-12-31"}, "to"),
        ({"from": "2026-11-02", "to": "2026-11-01"}, "from"),
        ({"from": ["2026-11-01", "2026-11-02"]}, "from"),
        ({"member": "alice"}, "member"),
        ({"order": "x" * 300}, "order"),
        ({"campaign": "双11"}, "campaign"),
        ({"campaign": "A-B"}, "campaign"),
        ({"campaign": ["a", "b"]}, "campaign"),
    ],
)
def test_each_bad_value_is_a_400_naming_its_field(
    given: dict[str, str | list[str]], field: str
) -> None:
    with pytest.raises(InvalidInput) as error:
        admin_search(params(**given))
    assert field_of(error) == field


def test_ids_and_campaign_codes() -> None:
    member, order = uuid4(), uuid4()
    search = admin_search(
        params(member=str(member).upper(), order=str(order), campaign="double-11")
    )
    assert search.member_id == str(member) and search.order_id == str(order)
    assert search.campaign_id == str(campaign_id_for("double-11"))


def test_a_text_cell_that_reads_as_a_formula_is_quoted() -> None:
    assert [cell(v) for v in ["=1+1", "+86", "-x", "@SUM", "\tx", "绿茶", None, -5, 0]] == [
        "'=1+1",
        "'+86",
        "'-x",
        "'@SUM",
        "'\tx",
        "绿茶",
        "",
        "-5",
        "0",
    ]


def test_a_csv_row_states_money_in_fen_and_time_in_beijing() -> None:
    doc = {
        "id": "o1",
        "member_id": "m1",
        "status": "refunded",
        "placed_at": "2026-11-10T16:30:00+00:00",
        "paid_at": "2026-11-10T16:31:00+00:00",
        "lines": [
            {"title": "绿茶", "quantity": 2},
            {"title": "=cmd", "quantity": 1},
        ],
        "price": {"payable_fen": 13600, "coupon_id": "c1"},
        "refund_status": "refunded",
        "refund": {"amount_fen": 13600, "refunded_at": "2026-11-12T02:00:00+00:00"},
        "campaign": None,
    }
    row = order_row(doc, "double-11")
    assert row["placed_at"] == "2026-11-11 00:30:00"
    assert row["items"] == "绿茶 ×2; =cmd ×1"
    assert (row["total_fen"], row["paid_fen"], row["refunded_fen"]) == (13600, 13600, 13600)
    assert (row["campaign"], row["coupon"]) == ("double-11", "c1")
    unpaid = order_row({**doc, "paid_at": None, "refund_status": "none", "refund": None}, None)
    assert (unpaid["paid_fen"], unpaid["refunded_fen"], unpaid["campaign"]) == (0, 0, None)


def test_an_export_over_the_cap_is_a_413(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = {
        "id": "o1",
        "member_id": "m1",
        "status": "paid",
        "placed_at": "2026-11-10T16:30:00+00:00",
        "paid_at": "2026-11-10T16:31:00+00:00",
        "lines": [{"title": "绿茶", "quantity": 1}],
        "price": {"payable_fen": 6800, "coupon_id": None},
        "refund_status": "none",
        "campaign": None,
    }
    monkeypatch.setattr(order_export, "MAX_ROWS", 2)
    answer = order_export.csv_export(NO_VIEWS, [doc, doc])
    assert isinstance(answer.body, str) and answer.body.startswith("\ufeffo")
    assert answer.body.count("\r\n") == 3
    with pytest.raises(ApiError) as error:
        order_export.csv_export(NO_VIEWS, [doc] * 3)
    assert error.value.status == 413
    monkeypatch.setattr(order_export, "MAX_BYTES", 100)  # bytes, not characters: 绿茶 is 6
    with pytest.raises(ApiError):
        order_export.csv_export(
            NO_VIEWS, [{**doc, "lines": [{"title": "绿" * 30, "quantity": 1}]}] * 2
        )
