"""WeChat's rules for the values of subscribe / template message fields (47003 when broken).

A field's type is its key without the trailing digits (``thing3`` → ``thing``).  Keys of
classic official-account templates (``first``, ``keyword1``, ``remark``) have no type:
WeChat only bounds their length.  Written from WeChat's published rules
(订阅消息参数值内容限制说明), independently of the application's own fitting code, so the
sandbox catches values the app gets wrong:

thing ≤ 20 of anything; number ≤ 32 digits with an optional decimal part; letter ≤ 32
letters; symbol ≤ 5 symbols; character_string ≤ 32 digits, letters or symbols; time a
24-hour HH:MM[:SS], optionally after a date; date a date, optionally followed by a
time (both may be a range joined by ``~``); amount one optional currency sign, ≤ 10
digits, optional decimals (2), an optional 元; phone_number ≤ 17 digits or symbols;
car_number ≤ 8, letters or digits with Chinese allowed first and last; name ≤ 10 Chinese
characters (letters mixed in count as a Chinese name) or ≤ 20 letters or symbols; phrase
≤ 5 Chinese characters only.  A symbol is any common sign that is not Chinese, a letter
or a digit; no control characters such as line breaks.  Dates are y年m月d日, y年m月,
m月d日, or joined by ``-``, ``/`` or ``.`` (2018-01-01, 2018/01/01, 2018.01, 01-01).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CHINESE = re.compile(f"[{_HAN}]")
_PURE_CHINESE = re.compile(f"[{_HAN}]+")
_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?")
_LETTERS = re.compile(r"[A-Za-z]+")
_AMOUNT = re.compile(r"[¥￥]?[0-9]{1,10}(\.[0-9]{1,2})?元?")
_CAR = re.compile(f"[{_HAN}A-Za-z0-9]([A-Za-z0-9]{{0,6}}[{_HAN}A-Za-z0-9])?")
_DAY = (
    r"([0-9]{4}年[0-9]{1,2}月([0-9]{1,2}日)?|[0-9]{1,2}月[0-9]{1,2}日"
    r"|[0-9]{4}[-/.][0-9]{1,2}([-/.][0-9]{1,2})?|[0-9]{1,2}-[0-9]{1,2})"
)
_CLOCK = r"([01]?[0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?"
_UNTYPED_MAX = 200


def _symbol(char: str) -> bool:
    """Punctuation or a sign (Unicode P* or S*): not Chinese, a letter, a digit, a space
    or a control character."""
    return unicodedata.category(char)[0] in "PS"


def _time(value: str) -> bool:
    moment = f"({_DAY} )?{_CLOCK}"
    return _match_range(moment, value)


def _date(value: str) -> bool:
    moment = f"{_DAY}( {_CLOCK})?"
    return _match_range(moment, value)


def _match_range(moment: str, value: str) -> bool:
    parts = value.split("~")
    pattern = re.compile(moment)
    return 1 <= len(parts) <= 2 and all(pattern.fullmatch(p.strip()) for p in parts)


def _name(value: str) -> bool:
    if any(c.isdigit() or not c.isprintable() for c in value):
        return False
    if _CHINESE.search(value):
        return len(value) <= 10
    return len(value) <= 20 and all(c.isalpha() or c == " " or _symbol(c) for c in value)


def _short(limit: int) -> Callable[[str], bool]:
    return lambda value: len(value) <= limit


RULES: dict[str, Callable[[str], bool]] = {
    "thing": _short(20),
    "number": lambda v: len(v) <= 32 and _NUMBER.fullmatch(v) is not None,
    "letter": lambda v: len(v) <= 32 and _LETTERS.fullmatch(v) is not None,
    "symbol": lambda v: len(v) <= 5 and all(_symbol(c) for c in v),
    "character_string": lambda v: (
        len(v) <= 32
        and all(c in "0123456789" or (c.isascii() and c.isalpha()) or _symbol(c) for c in v)
    ),
    "phrase": lambda v: len(v) <= 5 and _PURE_CHINESE.fullmatch(v) is not None,
    "name": _name,
    "amount": lambda v: _AMOUNT.fullmatch(v) is not None,
    "time": _time,
    "date": _date,
    "phone_number": lambda v: len(v) <= 17 and all(c in "0123456789" or _symbol(c) for c in v),
    "car_number": lambda v: len(v) <= 8 and _CAR.fullmatch(v) is not None,
}


def field_type(key: str) -> str:
    return key.rstrip("0123456789")


def data_problem(data: Any) -> str | None:
    """None when ``data`` is ``{key: {"value": str}}`` and every value keeps its rule,
    else WeChat's 47003 message naming the key."""
    if not isinstance(data, dict) or not data:
        return "argument invalid! data is empty or not an object"
    for key, item in data.items():
        value = item.get("value") if isinstance(item, dict) else None
        if not isinstance(value, str) or not value.strip():
            return f"argument invalid! data.{key}.value is empty"
        rule = RULES.get(field_type(key))
        fits = rule(value) if rule is not None else len(value) <= _UNTYPED_MAX
        if not fits:
            return f"argument invalid! data.{key}.value invalid"
    return None
