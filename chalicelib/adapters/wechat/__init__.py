"""WeChat and WeChat Pay adapters: HTTP clients, the v3 signature / envelope crypto, and the
official account's message push crypto."""

from .errors import NotificationRejected, WeChatError, WeChatOutcomeUnknown, WeChatUnavailable
from .http import HttpClient, HttpResponse
from .mp_client import PhoneNumber, Session, WeChatClient
from .oa_client import OfficialAccountClient
from .oa_crypto import (
    PushCrypto,
    check_signature,
    encrypted_reply_xml,
    handshake_echo,
    open_push,
    parse_push,
    text_reply_xml,
)
from .pay_client import WeChatPayClient, rfc3339_china
from .paysign import (
    PayNotification,
    authorization_header,
    decrypt_resource,
    encrypt_resource,
    header_value,
    load_private_key,
    load_public_key,
    parse_authorization,
    parse_notification,
    pay_sign,
    random_nonce,
    sign_message,
    verify_authorization,
    verify_notification_signature,
)
from .token_cache import TokenCache

__all__ = [
    "HttpClient",
    "HttpResponse",
    "NotificationRejected",
    "OfficialAccountClient",
    "PayNotification",
    "PhoneNumber",
    "PushCrypto",
    "Session",
    "TokenCache",
    "WeChatClient",
    "WeChatError",
    "WeChatOutcomeUnknown",
    "WeChatPayClient",
    "WeChatUnavailable",
    "authorization_header",
    "check_signature",
    "decrypt_resource",
    "encrypt_resource",
    "encrypted_reply_xml",
    "handshake_echo",
    "header_value",
    "load_private_key",
    "load_public_key",
    "open_push",
    "parse_authorization",
    "parse_notification",
    "parse_push",
    "pay_sign",
    "random_nonce",
    "rfc3339_china",
    "sign_message",
    "text_reply_xml",
    "verify_authorization",
    "verify_notification_signature",
]
