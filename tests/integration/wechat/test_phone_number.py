from __future__ import annotations

import json
import urllib.parse
from datetime import timedelta

import pytest

from chalicelib.adapters.wechat import PhoneNumber, WeChatClient, WeChatError
from chalicelib.clock import FixedClock
from sandbox import Keyring, Sandbox

from .conftest import START, post_json

PHONE_PATH = "/wxa/business/getuserphonenumber"


def raw_phone_call(sandbox: Sandbox, token: str, code: str) -> dict[str, object]:
    query = urllib.parse.urlencode({"access_token": token})
    status, answer = post_json(f"{sandbox.base_url}{PHONE_PATH}?{query}", {"code": code})
    assert status == 200
    return answer


def force_refresh(sandbox: Sandbox, keyring: Keyring) -> str:
    """Another holder of the app secret forces a new token: the cached one is stale."""
    body = {
        "grant_type": "client_credential",
        "appid": keyring.appid,
        "secret": keyring.app_secret,
        "force_refresh": True,
    }
    status, answer = post_json(sandbox.base_url + "/cgi-bin/stable_token", body)
    assert status == 200
    return str(answer["access_token"])


def test_user_phone_success(sandbox: Sandbox, wechat: WeChatClient) -> None:
    minted = sandbox.mint_phone_code("alice", "13800138000")
    phone = wechat.user_phone(minted["code"])
    assert phone == PhoneNumber("13800138000", "13800138000", "86")
    assert "13800138000" not in repr(phone)


def test_wire_format(sandbox: Sandbox, wechat: WeChatClient, keyring: Keyring) -> None:
    code = sandbox.mint_phone_code("alice", "13800138000")["code"]
    answer = raw_phone_call(sandbox, wechat.access_token(), code)
    assert answer == {
        "errcode": 0,
        "errmsg": "ok",
        "phone_info": {
            "phoneNumber": "13800138000",
            "purePhoneNumber": "13800138000",
            "countryCode": "86",
            "watermark": {"timestamp": int(START.timestamp()), "appid": keyring.appid},
        },
    }


def test_default_phone_is_stable_per_user(sandbox: Sandbox, wechat: WeChatClient) -> None:
    first = sandbox.mint_phone_code("bob")
    assert first["pure_phone_number"] == sandbox.mint_phone_code("bob")["pure_phone_number"]
    assert first["pure_phone_number"] != sandbox.mint_phone_code("carol")["pure_phone_number"]
    pure = wechat.user_phone(first["code"]).pure_phone_number
    assert pure == first["pure_phone_number"]
    assert len(pure) == 11
    assert pure.startswith("1")
    assert pure.isdigit()


def test_foreign_number_carries_its_country_code(sandbox: Sandbox, wechat: WeChatClient) -> None:
    code = sandbox.mint_phone_code("erin", "2025550100", "1")["code"]
    assert wechat.user_phone(code) == PhoneNumber("+1 2025550100", "2025550100", "1")


def test_code_is_single_use(sandbox: Sandbox, wechat: WeChatClient) -> None:
    code = sandbox.mint_phone_code("alice", "13800138000")["code"]
    wechat.user_phone(code)
    with pytest.raises(WeChatError) as err:
        wechat.user_phone(code)
    assert (err.value.errcode, err.value.errmsg) == (40029, "invalid code")


def test_login_code_is_not_a_phone_code(sandbox: Sandbox, wechat: WeChatClient) -> None:
    with pytest.raises(WeChatError) as err:
        wechat.user_phone(sandbox.mint_login_code("alice")["code"])
    assert err.value.errcode == 40029


def test_code_expires_after_five_minutes(
    sandbox: Sandbox, wechat: WeChatClient, clock: FixedClock
) -> None:
    fresh = sandbox.mint_phone_code("alice")["code"]
    stale = sandbox.mint_phone_code("alice")["code"]
    clock.advance(minutes=4, seconds=59)
    wechat.user_phone(fresh)
    clock.advance(seconds=1)
    with pytest.raises(WeChatError) as err:
        wechat.user_phone(stale)
    assert err.value.errcode == 40029


def test_stale_token_is_refreshed_and_the_call_retried_once(
    sandbox: Sandbox, wechat: WeChatClient, keyring: Keyring
) -> None:
    old = wechat.access_token()
    new = force_refresh(sandbox, keyring)
    code = sandbox.mint_phone_code("alice", "13800138000")["code"]
    assert wechat.user_phone(code).pure_phone_number == "13800138000"
    assert wechat.access_token() == new != old
    assert sandbox.snapshot()["token_requests"] == 3


def test_token_is_checked_before_the_code_is_spent(
    sandbox: Sandbox, wechat: WeChatClient, clock: FixedClock
) -> None:
    code = sandbox.mint_phone_code("alice")["code"]
    assert raw_phone_call(sandbox, "SANDBOX_unknown", code)["errcode"] == 40001
    token = wechat.access_token()
    clock.advance(seconds=7200)
    assert raw_phone_call(sandbox, token, code)["errcode"] == 42001
    assert raw_phone_call(sandbox, "", code)["errcode"] == 41001
    clock.set(START + timedelta(minutes=1))
    assert raw_phone_call(sandbox, token, code)["errcode"] == 0


def test_phone_codes_control_endpoint(sandbox: Sandbox, wechat: WeChatClient) -> None:
    url = sandbox.base_url + "/sandbox/phone-codes"
    status, minted = post_json(url, {"user": "dave", "phone": "13912345678"})
    assert status == 200
    assert minted["phone_number"] == "13912345678"
    assert wechat.user_phone(minted["code"]).phone_number == "13912345678"
    status, minted = post_json(url, {"user": "dave"})
    assert status == 200
    assert wechat.user_phone(minted["code"]).pure_phone_number == minted["pure_phone_number"]
    for bad in ({"user": ""}, {"user": "dave", "phone": "138-0013"}, {"user": "d", "phone": 138}):
        status, answer = post_json(url, bad)
        assert (status, answer["code"]) == (400, "PARAM_ERROR"), json.dumps(bad)
