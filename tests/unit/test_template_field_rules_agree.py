"""The application's field fitting (domain/template_fields.py) and the sandbox's
WeChat (sandbox/field_rules.py) follow the same published rules: what the one
accepts the other does, and nothing the application sends is refused with 47003."""

from __future__ import annotations

import pytest

from chalicelib.domain.template_fields import fit
from sandbox.field_rules import data_problem

# (key, value, whether WeChat's published rules accept the value as it is)
CASES = [
    ("number1", "1280", True),
    ("number1", "12.5", True),
    ("number1", "-5", False),
    ("number1", "+5", False),
    ("number1", "1" * 33, False),
    ("letter1", "abcXYZ", True),
    ("letter1", "ab1", False),
    ("symbol1", "#-!", True),
    ("symbol1", "#####!", False),
    ("symbol1", "A#", False),
    ("character_string1", "MLP20261101-0001", True),
    ("character_string1", "订单123", False),
    ("character_string1", "ML 1", False),
    ("phrase1", "已发货", True),
    ("phrase1", "abc", False),
    ("phrase1", "已经发货了哦", False),
    ("phrase1", "发货1", False),
    ("amount1", "¥12.30", True),
    ("amount1", "12.30元", True),
    ("amount1", "12345678901", False),
    ("amount1", "12.345", False),
    ("phone_number1", "+86-0766-66888866", True),
    ("phone_number1", "0766 abc", False),
    ("phone_number1", "1" * 18, False),
    ("car_number1", "粤A8Z888挂", True),
    ("car_number1", "A8Z粤88", False),
    ("car_number1", "粤A8Z8888挂", False),
    ("name1", "欧阳修", True),
    ("name1", "John Smith", True),
    ("name1", "R2D2", False),
    ("time1", "2026-11-01 10:05", True),
    ("date1", "2026年11月01日", True),
    ("thing1", "武夷山大红袍", True),
    ("keyword1", "a" * 200, True),
]


def accepted(key: str, value: str) -> bool:
    return data_problem({key: {"value": value}}) is None


@pytest.mark.parametrize(("key", "value", "valid"), CASES)
def test_the_sandbox_follows_the_published_rules(key: str, value: str, valid: bool) -> None:
    assert accepted(key, value) is valid


@pytest.mark.parametrize(("key", "value", "valid"), CASES)
def test_the_application_fits_or_refuses_as_the_sandbox_rules(
    key: str, value: str, valid: bool
) -> None:
    if valid:
        assert fit(key, value) == value
        return
    with pytest.raises(ValueError, match=key):
        fit(key, value)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("thing2", "武夷山大红袍岩茶礼盒装二百五十克特级正岩肉桂"),
        ("name1", "欧阳诸葛司马上官慕容公孙"),
        ("name1", "Alexander Maximilian Fitzgerald"),
        ("time4", "2026-11-01T02:05:59+00:00"),
        ("date2", "2026-11-30T20:00:00+00:00"),
        ("remark", "a" * 300),
    ],
)
def test_what_the_application_shortens_or_rewrites_the_sandbox_accepts(
    key: str, value: str
) -> None:
    assert accepted(key, fit(key, value))


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("time1", "15:01"),
        ("time1", "2019年10月1日 15:01"),
        ("time1", "15:01~17:30"),
        ("date1", "2019年10月1日"),
        ("date1", "2018/01/01"),
        ("date1", "2018.01.01"),
        ("date1", "01-01"),
        ("date1", "2019年10月1日 15:01~2019年10月2日 15:01"),
    ],
)
def test_the_sandbox_takes_the_published_time_and_date_examples(key: str, value: str) -> None:
    assert accepted(key, value)


@pytest.mark.parametrize(("key", "value"), [("time1", "25:00"), ("date1", "tomorrow")])
def test_the_sandbox_refuses_what_is_no_time_or_date(key: str, value: str) -> None:
    assert not accepted(key, value)
