"""WeChat and WeChat Pay adapters: HTTP clients and the v3 signature / envelope crypto."""

from .errors import NotificationRejected, WeChatError, WeChatUnavailable
from .http import HttpClient, HttpResponse
from .mp_client import PhoneNumber, Session, WeChatClient
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

__all__ = [
    "HttpClient",
    "HttpResponse",
    "NotificationRejected",
    "PayNotification",
    "PhoneNumber",
    "Session",
    "WeChatClient",
    "WeChatError",
    "WeChatPayClient",
    "WeChatUnavailable",
    "authorization_header",
    "decrypt_resource",
    "encrypt_resource",
    "header_value",
    "load_private_key",
    "load_public_key",
    "parse_authorization",
    "parse_notification",
    "pay_sign",
    "random_nonce",
    "rfc3339_china",
    "sign_message",
    "verify_authorization",
    "verify_notification_signature",
]
