"""Errors raised by the WeChat adapters."""

from __future__ import annotations


class WeChatError(Exception):
    """WeChat answered with a business error.

    Mini-program APIs report ``errcode``/``errmsg``.  WeChat Pay v3 answers 4xx
    with ``{"code": "PARAM_ERROR", "message": "..."}``: then ``errcode`` is the
    HTTP status, ``code`` the WeChat Pay code and ``errmsg`` the message.
    """

    def __init__(self, errcode: int, errmsg: str, *, code: str = "") -> None:
        self.errcode = errcode
        self.errmsg = errmsg
        self.code = code or str(errcode)
        super().__init__(f"{self.code}: {errmsg}")


class WeChatUnavailable(Exception):
    """WeChat could not be reached, kept failing (5xx) or sent an unverifiable answer."""


class NotificationRejected(Exception):
    """An inbound signed message (notification, response, request) failed verification."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)
