"""Settings: each value is checked, and every problem is named at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.settings import Settings, SettingsError


def test_environment_text_becomes_the_typed_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MINILOOP_UNPAID_TIMEOUT_MIN", "45")
    monkeypatch.setenv("MINILOOP_DATA_DIR", "/srv/shop")
    monkeypatch.setenv("miniloop_runtime", "embedded")  # names are case-insensitive
    settings = Settings()
    assert settings.unpaid_timeout_min == 45
    assert settings.data_dir == Path("/srv/shop")
    assert settings.wechatpay_private_key_file is None


def test_a_given_value_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MINILOOP_SHIPPING_FEE_FEN", "800")
    assert Settings(shipping_fee_fen=0).shipping_fee_fen == 0


@pytest.mark.parametrize(
    ("variable", "text", "problem"),
    [
        ("RUNTIME", "lambda", "Input should be 'embedded' or 'aws'"),
        ("UNPAID_TIMEOUT_MIN", "0", "greater than or equal to 1"),
        ("MAX_REDEEM_PERCENT", "101", "less than or equal to 100"),
        ("AUTO_RECEIVE_DAYS", "ten", "unable to parse string as an integer"),
        ("WECHATPAY_PLATFORM_KEYS", "[]", "must be a JSON object of serial -> PEM file"),
        ("OA_KEYWORD_REPLIES", '{"": "hi"}', "must be a JSON object of keyword -> reply text"),
        ("OA_AES_KEY", "short", "an EncodingAESKey has 43 characters"),
    ],
)
def test_a_bad_value_is_refused_naming_its_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, text: str, problem: str
) -> None:
    monkeypatch.setenv(f"MINILOOP_{variable}", text)
    with pytest.raises(SettingsError) as refused:
        Settings()
    [named] = refused.value.problems
    assert named.startswith(f"MINILOOP_{variable}: ")
    assert problem in named


def test_every_problem_is_reported_together() -> None:
    with pytest.raises(SettingsError) as refused:
        Settings(runtime="cloud", checkin_points=-1, data_dir=3)
    message = str(refused.value)
    assert message.startswith("3 invalid settings")
    for variable in ("MINILOOP_RUNTIME", "MINILOOP_CHECKIN_POINTS", "MINILOOP_DATA_DIR"):
        assert variable in message
