from __future__ import annotations

import pytest

from chalicelib.adapters.wechat import WeChatClient, WeChatError
from chalicelib.clock import FixedClock
from sandbox import Keyring, Sandbox

from .conftest import post_json


def test_code2session_success(sandbox: Sandbox, wechat: WeChatClient) -> None:
    minted = sandbox.mint_login_code("alice")
    session = wechat.code2session(minted["code"])
    assert session.openid == minted["openid"]
    assert session.unionid == minted["unionid"]
    assert session.unionid is not None
    assert len(session.session_key) == 24
    assert sandbox.mint_login_code("alice")["openid"] == session.openid
    assert sandbox.mint_login_code("bob")["openid"] != session.openid


def test_code2session_without_unionid(sandbox: Sandbox, wechat: WeChatClient) -> None:
    minted = sandbox.mint_login_code("carol", unionid=False)
    assert minted["unionid"] is None
    assert wechat.code2session(minted["code"]).unionid is None


def test_code_is_single_use(sandbox: Sandbox, wechat: WeChatClient) -> None:
    code = sandbox.mint_login_code("alice")["code"]
    wechat.code2session(code)
    with pytest.raises(WeChatError) as err:
        wechat.code2session(code)
    assert (err.value.errcode, err.value.errmsg) == (40029, "invalid code")


def test_unknown_code(wechat: WeChatClient) -> None:
    with pytest.raises(WeChatError) as err:
        wechat.code2session("081abcdefNOTMINTED")
    assert err.value.errcode == 40029


def test_code_expires_after_five_minutes(
    sandbox: Sandbox, wechat: WeChatClient, clock: FixedClock
) -> None:
    fresh = sandbox.mint_login_code("alice")["code"]
    stale = sandbox.mint_login_code("alice")["code"]
    clock.advance(minutes=4, seconds=59)
    wechat.code2session(fresh)
    clock.advance(seconds=1)
    with pytest.raises(WeChatError) as err:
        wechat.code2session(stale)
    assert err.value.errcode == 40029


@pytest.mark.parametrize(
    ("appid", "secret", "errcode"),
    [("wxWRONG", None, 40013), (None, "wrong-secret", 40125)],
)
def test_wrong_credentials(
    sandbox: Sandbox,
    keyring: Keyring,
    clock: FixedClock,
    appid: str | None,
    secret: str | None,
    errcode: int,
) -> None:
    client = WeChatClient(
        sandbox.base_url,
        appid=appid or keyring.appid,
        secret=secret or keyring.app_secret,
        clock=clock,
    )
    with pytest.raises(WeChatError) as err:
        client.code2session(sandbox.mint_login_code("alice")["code"])
    assert err.value.errcode == errcode
    with pytest.raises(WeChatError) as err:
        client.access_token()
    assert err.value.errcode == errcode


def test_login_codes_control_endpoint(sandbox: Sandbox, wechat: WeChatClient) -> None:
    status, minted = post_json(sandbox.base_url + "/sandbox/login-codes", {"user": "dave"})
    assert status == 200
    assert wechat.code2session(minted["code"]).openid == minted["openid"]
    status, answer = post_json(sandbox.base_url + "/sandbox/login-codes", {"user": ""})
    assert (status, answer["code"]) == (400, "PARAM_ERROR")


def test_stable_token_is_cached(sandbox: Sandbox, wechat: WeChatClient, clock: FixedClock) -> None:
    token = wechat.access_token()
    assert token.startswith("SANDBOX_")
    assert wechat.access_token() == token
    clock.advance(seconds=7200 - 5 * 60 - 1)
    assert wechat.access_token() == token
    assert sandbox.snapshot()["token_requests"] == 1
    clock.advance(seconds=2)
    wechat.access_token()
    assert sandbox.snapshot()["token_requests"] == 2


def test_invalidated_token_is_fetched_again(sandbox: Sandbox, wechat: WeChatClient) -> None:
    wechat.access_token()
    wechat.invalidate_token()
    wechat.access_token()
    assert sandbox.snapshot()["token_requests"] == 2
