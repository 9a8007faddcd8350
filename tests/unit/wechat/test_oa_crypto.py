"""Official-account push crypto against values computed here with hashlib and raw AES-CBC."""

from __future__ import annotations

import base64
import hashlib
import struct
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from chalicelib.adapters.wechat import (
    NotificationRejected,
    PushCrypto,
    check_signature,
    encrypted_reply_xml,
    handshake_echo,
    open_push,
    parse_push,
    text_reply_xml,
)
from chalicelib.adapters.wechat.oa_crypto import signature

TOKEN = "miniloopToken2026"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APPID = "wx00000000oasandbox"
RANDOM16 = bytes(range(16))
NOW = datetime.fromtimestamp(1793412000, UTC)
XML = (
    "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[oUser]]>"
    "</FromUserName><CreateTime>1793412000</CreateTime><MsgType><![CDATA[text]]></MsgType>"
    "<Content><![CDATA[订单]]></Content><MsgId>42</MsgId></xml>"
)


def sha1_sorted(*values: str) -> str:
    return hashlib.sha1("".join(sorted(values)).encode()).hexdigest()


def raw_key() -> bytes:
    return base64.b64decode(AES_KEY + "=")


def aes(data: bytes, *, decrypt: bool = False) -> bytes:
    cipher = Cipher(algorithms.AES(raw_key()), modes.CBC(raw_key()[:16]))
    worker = cipher.decryptor() if decrypt else cipher.encryptor()
    return worker.update(data) + worker.finalize()


def seal(xml: str, appid: str = APPID, *, pad_override: bytes | None = None) -> str:
    """WeChat's safe-mode plaintext, built by hand: random16 + BE length + xml + appid + pad."""
    body = xml.encode()
    plain = RANDOM16 + struct.pack(">I", len(body)) + body + appid.encode()
    n = 32 - len(plain) % 32
    padding = pad_override if pad_override is not None else bytes([n]) * n
    return base64.b64encode(aes(plain + padding)).decode()


def crypto() -> PushCrypto:
    return PushCrypto(TOKEN, AES_KEY, APPID)


def test_signature_is_sha1_of_the_sorted_join() -> None:
    assert signature(TOKEN, "1793412000", "nonce42") == sha1_sorted(TOKEN, "1793412000", "nonce42")
    assert signature(TOKEN, "1", "2", "ENC") == sha1_sorted(TOKEN, "1", "2", "ENC")
    assert check_signature(sha1_sorted(TOKEN, "1", "2"), TOKEN, "1", "2")
    assert not check_signature(sha1_sorted("other", "1", "2"), TOKEN, "1", "2")
    assert not check_signature("", TOKEN, "1", "2")


def test_known_vector() -> None:
    """sorted(["token", "1409659813", "1372623149"]) joined and hashed (WeChat's doc example)."""
    expected = hashlib.sha1(b"13726231491409659813token").hexdigest()
    assert signature("token", "1409659813", "1372623149") == expected


def test_encrypt_matches_a_hand_built_envelope() -> None:
    assert crypto().encrypt(XML, random16=RANDOM16) == seal(XML)


def test_decrypt_opens_a_hand_built_envelope() -> None:
    assert crypto().decrypt(seal(XML)) == XML


def test_encrypt_pads_to_32_and_decrypts_by_hand() -> None:
    for size in range(0, 70, 7):
        xml = "<xml>" + "x" * size + "</xml>"
        sealed = base64.b64decode(crypto().encrypt(xml))
        assert len(sealed) % 32 == 0
        plain = aes(sealed, decrypt=True)
        pad = plain[-1]
        assert 1 <= pad <= 32 and plain[-pad:] == bytes([pad]) * pad
        length = struct.unpack(">I", plain[16:20])[0]
        assert plain[20 : 20 + length].decode() == xml
        assert plain[20 + length : -pad] == APPID.encode()


def test_random_prefix_differs_per_encryption() -> None:
    assert crypto().encrypt(XML) != crypto().encrypt(XML)


def test_wrong_appid_is_refused() -> None:
    with pytest.raises(NotificationRejected, match="wrong appid"):
        crypto().decrypt(seal(XML, appid="wxSOMEONEELSE"))


@pytest.mark.parametrize("pad", [b"\x00" * 32, b"\x21" * 33, b"\x04\x04\x04\x04\x05"])
def test_bad_padding_is_refused(pad: bytes) -> None:
    body = XML.encode()
    plain = RANDOM16 + struct.pack(">I", len(body)) + body + APPID.encode()
    filler = b"\x00" * ((32 - (len(plain) + len(pad)) % 32) % 32)
    sealed = base64.b64encode(aes(plain + filler + pad)).decode()
    with pytest.raises(NotificationRejected, match="bad padding"):
        crypto().decrypt(sealed)


@pytest.mark.parametrize("garbage", ["", "not base64!", base64.b64encode(b"short").decode()])
def test_malformed_ciphertext_is_refused(garbage: str) -> None:
    with pytest.raises(NotificationRejected):
        crypto().decrypt(garbage)


def test_a_key_of_the_wrong_size_is_a_configuration_error() -> None:
    with pytest.raises(ValueError):
        PushCrypto(TOKEN, AES_KEY[:-1], APPID)


def test_parse_push_reads_the_flat_children() -> None:
    assert parse_push(XML) == {
        "ToUserName": "gh_1",
        "FromUserName": "oUser",
        "CreateTime": "1793412000",
        "MsgType": "text",
        "Content": "订单",
        "MsgId": "42",
    }


@pytest.mark.parametrize(
    "text",
    [
        '<!DOCTYPE xml [<!ENTITY a "aaaa">]><xml><Content>&a;</Content></xml>',
        '<xml><!ENTITY x SYSTEM "file:///etc/passwd"></xml>',
        "<notxml><Content>hi</Content></notxml>",
        "<xml><Content>unclosed</xml>",
        "<xml><Content>" + "a" * 70_000 + "</Content></xml>",
    ],
)
def test_parse_push_refuses_dangerous_or_odd_xml(text: str) -> None:
    with pytest.raises(NotificationRejected):
        parse_push(text)


def test_text_reply_survives_a_cdata_terminator() -> None:
    xml = text_reply_xml("oUser", "gh_1", 1793412000, "a]]>b <tag>")
    assert parse_push(xml) == {
        "ToUserName": "oUser",
        "FromUserName": "gh_1",
        "CreateTime": "1793412000",
        "MsgType": "text",
        "Content": "a]]>b <tag>",
    }


def test_encrypted_reply_is_signed_and_opens_by_hand() -> None:
    reply = text_reply_xml("oUser", "gh_1", 1793412000, "你好")
    envelope = parse_push(encrypted_reply_xml(crypto(), reply, "1793412001", "n1"))
    assert envelope["TimeStamp"] == "1793412001" and envelope["Nonce"] == "n1"
    assert envelope["MsgSignature"] == sha1_sorted(TOKEN, "1793412001", "n1", envelope["Encrypt"])
    plain = aes(base64.b64decode(envelope["Encrypt"]), decrypt=True)
    length = struct.unpack(">I", plain[16:20])[0]
    assert plain[20 : 20 + length].decode() == reply


def plain_query(timestamp: str = "1793412000", nonce: str = "77") -> dict[str, str]:
    return {
        "signature": sha1_sorted(TOKEN, timestamp, nonce),
        "timestamp": timestamp,
        "nonce": nonce,
    }


def safe_request(xml: str = XML, appid: str = APPID) -> tuple[dict[str, str], bytes]:
    encrypted = seal(xml, appid)
    query = {
        **plain_query(),
        "encrypt_type": "aes",
        "msg_signature": sha1_sorted(TOKEN, "1793412000", "77", encrypted),
    }
    body = f"<xml><ToUserName>gh_1</ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    return query, body.encode()


def test_open_push_plain_mode() -> None:
    message, safe = open_push(
        query=plain_query(), body=XML.encode(), token=TOKEN, crypto=None, now=NOW
    )
    assert (message["Content"], safe) == ("订单", False)


def test_open_push_safe_mode() -> None:
    query, body = safe_request()
    message, safe = open_push(query=query, body=body, token=TOKEN, crypto=crypto(), now=NOW)
    assert (message["MsgId"], safe) == ("42", True)


def test_open_push_refuses_a_forged_signature() -> None:
    query = {**plain_query(), "signature": sha1_sorted("guess", "1793412000", "77")}
    with pytest.raises(NotificationRejected, match="bad signature"):
        open_push(query=query, body=XML.encode(), token=TOKEN, crypto=None, now=NOW)


def test_open_push_refuses_a_forged_msg_signature() -> None:
    query, body = safe_request()
    query["msg_signature"] = sha1_sorted(TOKEN, "1793412000", "77", "other ciphertext")
    with pytest.raises(NotificationRejected, match="bad msg_signature"):
        open_push(query=query, body=body, token=TOKEN, crypto=crypto(), now=NOW)


def test_open_push_refuses_a_push_for_another_account() -> None:
    query, body = safe_request(appid="wxSOMEONEELSE")
    with pytest.raises(NotificationRejected, match="wrong appid"):
        open_push(query=query, body=body, token=TOKEN, crypto=crypto(), now=NOW)


@pytest.mark.parametrize(
    "query",
    [
        {"timestamp": "1", "nonce": "2"},
        {**plain_query(), "encrypt_type": "rot13"},
        {**plain_query(), "encrypt_type": "aes"},
    ],
)
def test_open_push_refuses_incomplete_requests(query: dict[str, str]) -> None:
    with pytest.raises(NotificationRejected):
        open_push(query=query, body=XML.encode(), token=TOKEN, crypto=crypto(), now=NOW)


@pytest.mark.parametrize("skew", [timedelta(0), timedelta(minutes=5), timedelta(minutes=-5)])
def test_a_push_within_five_minutes_of_now_is_accepted(skew: timedelta) -> None:
    message, _ = open_push(
        query=plain_query(), body=XML.encode(), token=TOKEN, crypto=None, now=NOW + skew
    )
    assert message["MsgId"] == "42"


@pytest.mark.parametrize(
    "skew", [timedelta(minutes=5, seconds=1), timedelta(minutes=-6), timedelta(days=365)]
)
def test_a_push_signed_more_than_five_minutes_from_now_is_refused(skew: timedelta) -> None:
    """A year-old signed triple with any body: the attack the issue tried."""
    query, body = safe_request()
    for request, key in ((plain_query(), None), (query, crypto())):
        payload = XML.encode() if key is None else body
        with pytest.raises(NotificationRejected, match="stale timestamp"):
            open_push(query=request, body=payload, token=TOKEN, crypto=key, now=NOW + skew)


def test_a_plain_push_is_refused_when_an_encoding_aes_key_is_configured() -> None:
    """Plain mode signs no body: with safe mode set up, it is the forger's way in."""
    with pytest.raises(NotificationRejected, match="plain mode refused"):
        open_push(query=plain_query(), body=XML.encode(), token=TOKEN, crypto=crypto(), now=NOW)


def test_safe_mode_without_a_key_is_refused() -> None:
    query, body = safe_request()
    with pytest.raises(NotificationRejected, match="not configured"):
        open_push(query=query, body=body, token=TOKEN, crypto=None, now=NOW)


def test_handshake_echoes_only_a_signed_echostr() -> None:
    assert handshake_echo({**plain_query(), "echostr": "e42"}, TOKEN) == "e42"
    with pytest.raises(NotificationRejected):
        handshake_echo({**plain_query(), "echostr": "e42"}, "other-token")
    with pytest.raises(NotificationRejected):
        handshake_echo(plain_query(), TOKEN)
