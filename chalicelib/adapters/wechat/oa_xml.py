"""The XML of official-account message push: reading pushes, writing passive replies.

Pushes come from the internet before anything is trusted (the signature covers the
body only in safe mode), so the parser refuses what could make it expensive or leaky:
DTDs and entity declarations (entity expansion), oversized bodies, other roots.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

from .errors import NotificationRejected

MAX_PUSH_BYTES = 64 * 1024
_DECLARATIONS = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _root(xml_text: str) -> ElementTree.Element:
    """The ``<xml>`` root, once the text has passed every safety rule."""
    if len(xml_text.encode("utf-8", errors="replace")) > MAX_PUSH_BYTES:
        raise NotificationRejected("too large")
    if _DECLARATIONS.search(xml_text):
        raise NotificationRejected("declarations are not allowed")
    try:
        root = ElementTree.fromstring(xml_text)
    except ElementTree.ParseError:
        raise NotificationRejected("malformed") from None
    if root.tag != "xml":
        raise NotificationRejected("malformed")
    return root


def _flat(element: ElementTree.Element) -> dict[str, str]:
    return {child.tag: (child.text or "").strip() for child in element}


def parse_push(xml_text: str) -> dict[str, str]:
    """The root's children as ``{tag: text}`` (nested elements are not needed: flat)."""
    return _flat(_root(xml_text))


def parse_push_list(xml_text: str, container: str) -> list[dict[str, str]]:
    """The repeated ``<List>`` entries under the root's ``<container>``, each flat.

    The mini-program push reports one popup with several templates this way
    (``<SubscribeMsgPopupEvent><List>…</List><List>…</List></SubscribeMsgPopupEvent>``);
    a missing container is an empty list, as a push without entries grants nothing.
    """
    found = _root(xml_text).find(container)
    if found is None:
        return []
    return [_flat(entry) for entry in found.findall("List")]


def cdata(value: str) -> str:
    """A CDATA section holding ``value`` exactly, even when it contains ``]]>``."""
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_reply_xml(to_user: str, from_user: str, create_time: int, content: str) -> str:
    """A passive text reply: to the sender (FromUserName of the push), from the account."""
    return (
        f"<xml><ToUserName>{cdata(to_user)}</ToUserName>"
        f"<FromUserName>{cdata(from_user)}</FromUserName>"
        f"<CreateTime>{int(create_time)}</CreateTime>"
        f"<MsgType>{cdata('text')}</MsgType>"
        f"<Content>{cdata(content)}</Content></xml>"
    )
