"""The mini-program message push's nested entries (subscribe_msg_popup_event and
subscribe_msg_change_event) and the verified XML text they are read from."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from chalicelib.adapters.wechat import NotificationRejected, PushCrypto
from chalicelib.adapters.wechat.oa_crypto import open_push, open_push_xml
from chalicelib.adapters.wechat.oa_xml import parse_push, parse_push_list

TOKEN = "mpPushToken2026"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APPID = "wx0000000000sandbox"
NOW = datetime.fromtimestamp(1620973046, UTC)

# Laid out as the push documentation shows it: indented, CDATA, PopupScene a number.
POPUP = """<xml>
    <ToUserName><![CDATA[gh_123456789abc]]></ToUserName>
    <FromUserName><![CDATA[o7esq5OI1Uej6Xixw1lA2H7XDVbc]]></FromUserName>
    <CreateTime>1620973045</CreateTime>
    <MsgType><![CDATA[event]]></MsgType>
    <Event><![CDATA[subscribe_msg_popup_event]]></Event>
    <SubscribeMsgPopupEvent>
        <List>
            <TemplateId><![CDATA[hD-ixGOhYmUfjOnI8MCzQMPshzGVeux_2vBgAAAAAAA]]></TemplateId>
            <SubscribeStatusString><![CDATA[accept]]></SubscribeStatusString>
            <PopupScene>2</PopupScene>
        </List>
        <List>
            <TemplateId><![CDATA[hD-ixGOhYmUfjOnI8MCzQMPshzGVeux_2vBgBBBBBBB]]></TemplateId>
            <SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString>
            <PopupScene>2</PopupScene>
        </List>
    </SubscribeMsgPopupEvent>
</xml>"""

CHANGE = """<xml>
    <ToUserName><![CDATA[gh_123456789abc]]></ToUserName>
    <FromUserName><![CDATA[o7esq5OI1Uej6Xixw1lA2H7XDVbc]]></FromUserName>
    <CreateTime>1620963428</CreateTime>
    <MsgType><![CDATA[event]]></MsgType>
    <Event><![CDATA[subscribe_msg_change_event]]></Event>
    <SubscribeMsgChangeEvent>
        <List>
            <TemplateId><![CDATA[hD-ixGOhYmUfjOnI8MCzQMPshzGVeux_2vBgAAAAAAA]]></TemplateId>
            <SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString>
        </List>
    </SubscribeMsgChangeEvent>
</xml>"""


def test_the_popup_entries_in_order() -> None:
    assert parse_push_list(POPUP, "SubscribeMsgPopupEvent") == [
        {
            "TemplateId": "hD-ixGOhYmUfjOnI8MCzQMPshzGVeux_2vBgAAAAAAA",
            "SubscribeStatusString": "accept",
            "PopupScene": "2",
        },
        {
            "TemplateId": "hD-ixGOhYmUfjOnI8MCzQMPshzGVeux_2vBgBBBBBBB",
            "SubscribeStatusString": "reject",
            "PopupScene": "2",
        },
    ]
    message = parse_push(POPUP)
    assert (message["Event"], message["CreateTime"]) == ("subscribe_msg_popup_event", "1620973045")


def test_the_change_entries() -> None:
    assert parse_push_list(CHANGE, "SubscribeMsgChangeEvent") == [
        {
            "TemplateId": "hD-ixGOhYmUfjOnI8MCzQMPshzGVeux_2vBgAAAAAAA",
            "SubscribeStatusString": "reject",
        }
    ]


def test_a_push_without_the_container_has_no_entries() -> None:
    assert parse_push_list(CHANGE, "SubscribeMsgPopupEvent") == []
    assert parse_push_list("<xml><SubscribeMsgPopupEvent/></xml>", "SubscribeMsgPopupEvent") == []


@pytest.mark.parametrize(
    "xml",
    [
        '<!DOCTYPE xml [<!ENTITY a "b">]><xml><SubscribeMsgPopupEvent/></xml>',
        "<other><SubscribeMsgPopupEvent><List/></SubscribeMsgPopupEvent></other>",
        "<xml><SubscribeMsgPopupEvent><List>",
        "<xml><SubscribeMsgPopupEvent>"
        + "<List><TemplateId>x</TemplateId></List>" * 3000
        + "</SubscribeMsgPopupEvent></xml>",
    ],
)
def test_the_safety_rules_of_parse_push_hold(xml: str) -> None:
    with pytest.raises(NotificationRejected):
        parse_push_list(xml, "SubscribeMsgPopupEvent")


def _sha1_sorted(*values: str) -> str:
    return hashlib.sha1("".join(sorted(values)).encode()).hexdigest()


def _signed(timestamp: str = "1620973046", nonce: str = "8791") -> dict[str, str]:
    return {
        "signature": _sha1_sorted(TOKEN, timestamp, nonce),
        "timestamp": timestamp,
        "nonce": nonce,
    }


def test_a_plain_push_gives_back_its_text() -> None:
    query = _signed()
    text, safe = open_push_xml(query=query, body=POPUP.encode(), token=TOKEN, crypto=None, now=NOW)
    assert (text, safe) == (POPUP, False)
    assert open_push(query=query, body=POPUP.encode(), token=TOKEN, crypto=None, now=NOW) == (
        parse_push(POPUP),
        False,
    )


def test_a_plain_push_is_refused_once_safe_mode_is_configured() -> None:
    crypto = PushCrypto(TOKEN, AES_KEY, APPID)
    with pytest.raises(NotificationRejected, match="plain mode refused"):
        open_push_xml(query=_signed(), body=POPUP.encode(), token=TOKEN, crypto=crypto, now=NOW)


def test_a_safe_push_gives_back_the_decrypted_text() -> None:
    crypto = PushCrypto(TOKEN, AES_KEY, APPID)
    encrypted = crypto.encrypt(POPUP)
    query = _signed()
    query.update(
        encrypt_type="aes",
        msg_signature=_sha1_sorted(TOKEN, query["timestamp"], query["nonce"], encrypted),
    )
    body = f"<xml><ToUserName>gh_123456789abc</ToUserName><Encrypt>{encrypted}</Encrypt></xml>"
    text, safe = open_push_xml(query=query, body=body.encode(), token=TOKEN, crypto=crypto, now=NOW)
    assert safe and text == POPUP
    assert len(parse_push_list(text, "SubscribeMsgPopupEvent")) == 2


@pytest.mark.parametrize("tamper", ["signature", "msg_signature", "appid"])
def test_a_safe_push_not_ours_is_refused(tamper: str) -> None:
    crypto = PushCrypto(TOKEN, AES_KEY, APPID)
    sealer = PushCrypto(TOKEN, AES_KEY, "wx-another-app") if tamper == "appid" else crypto
    encrypted = sealer.encrypt(POPUP)
    query = _signed()
    query.update(
        encrypt_type="aes",
        msg_signature=_sha1_sorted(TOKEN, query["timestamp"], query["nonce"], encrypted),
    )
    if tamper != "appid":
        query[tamper] = "0" * 40
    body = f"<xml><Encrypt>{encrypted}</Encrypt></xml>".encode()
    with pytest.raises(NotificationRejected):
        open_push_xml(query=query, body=body, token=TOKEN, crypto=crypto, now=NOW)


def test_a_decrypted_push_must_be_safe_xml_too() -> None:
    crypto = PushCrypto(TOKEN, AES_KEY, APPID)
    encrypted = crypto.encrypt('<!DOCTYPE x [<!ENTITY e "e">]><xml/>')
    query = _signed()
    query.update(
        encrypt_type="aes",
        msg_signature=_sha1_sorted(TOKEN, query["timestamp"], query["nonce"], encrypted),
    )
    body = f"<xml><Encrypt>{encrypted}</Encrypt></xml>".encode()
    with pytest.raises(NotificationRejected):
        open_push_xml(query=query, body=body, token=TOKEN, crypto=crypto, now=NOW)
