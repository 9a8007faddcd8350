"""Field values fitted to WeChat's rules per field type, or refused by name."""

from __future__ import annotations

import pytest

from chalicelib.domain.template_fields import field_type, fit


def test_the_type_is_the_key_without_its_trailing_digits() -> None:
    assert field_type("thing12") == "thing"
    assert field_type("character_string1") == "character_string"
    assert field_type("first") == "first"


def test_a_thing_longer_than_20_characters_is_shortened_with_an_ellipsis() -> None:
    long_title = "武夷山大红袍岩茶礼盒装二百五十克特级正岩肉桂"

    fitted = fit("thing3", long_title)

    assert len(fitted) == 20
    assert fitted == long_title[:19] + "…"
    assert fit("thing3", "  Oolong 250g ") == "Oolong 250g"
    assert fit("thing3", "x" * 20) == "x" * 20


def test_a_name_is_shortened_to_10_characters() -> None:
    assert fit("name1", "欧阳诸葛司马上官慕容公孙") == "欧阳诸葛司马上官慕…"


def test_untyped_official_account_keys_take_up_to_200_characters() -> None:
    assert fit("keyword1", "a" * 200) == "a" * 200
    assert fit("remark", "a" * 201) == "a" * 199 + "…"


@pytest.mark.parametrize("key", ["number1", "character_string2", "letter3"])
def test_codes_longer_than_32_characters_are_refused_not_cut(key: str) -> None:
    value = {"number1": "1" * 33, "letter3": "a" * 33}.get(key, "A" * 33)
    with pytest.raises(ValueError, match=key):
        fit(key, value)
    assert fit(key, value[:32]) == value[:32]


def test_a_character_string_refuses_chinese() -> None:
    assert fit("character_string1", "MLP20261101-0001") == "MLP20261101-0001"
    with pytest.raises(ValueError, match="Chinese"):
        fit("character_string1", "订单123")


def test_numbers_and_letters_hold_only_what_their_type_says() -> None:
    assert fit("number2", "1280") == "1280"
    assert fit("number2", "12.5") == "12.5"
    with pytest.raises(ValueError, match="number2"):
        fit("number2", "12 points")
    with pytest.raises(ValueError, match="letter1"):
        fit("letter1", "ab1")


def test_a_phrase_has_at_most_5_characters() -> None:
    assert fit("phrase3", "已发货") == "已发货"
    with pytest.raises(ValueError, match="phrase3"):
        fit("phrase3", "已经发货了哦")


@pytest.mark.parametrize("amount", ["12", "12.3", "¥12.30", "￥0.01", "12.30元"])
def test_an_amount_is_a_number_with_up_to_two_decimals_and_a_currency(amount: str) -> None:
    assert fit("amount2", amount) == amount


@pytest.mark.parametrize("amount", ["12.345", "$12", "十二元", "¥"])
def test_anything_else_is_not_an_amount(amount: str) -> None:
    with pytest.raises(ValueError, match="amount2"):
        fit("amount2", amount)


def test_times_and_dates_are_written_as_wechat_expects_in_beijing_time() -> None:
    assert fit("time4", "2026-11-01 10:05") == "2026-11-01 10:05"
    assert fit("time4", "2026-11-01T02:05:59+00:00") == "2026-11-01 10:05"
    assert fit("date2", "2026-11-30T20:00:00+00:00") == "2026年12月01日"
    assert fit("date2", "2026-11-30") == "2026年11月30日"
    assert fit("date2", "2026年11月30日") == "2026年11月30日"
    with pytest.raises(ValueError, match="time4"):
        fit("time4", "tomorrow")


@pytest.mark.parametrize("key", ["thing1", "time2", "amount3", "keyword1", "phrase4"])
def test_an_empty_value_is_refused(key: str) -> None:
    with pytest.raises(ValueError, match=f"{key}: empty"):
        fit(key, "  ")
