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


class WeChatOutcomeUnknown(WeChatUnavailable):
    """The request may have reached WeChat and been acted on, but no answer came back
    (a timeout or a dropped connection after it was sent, a 5xx): sending it again
    could do it twice. Callers that do not care treat it as WeChatUnavailable."""


class NotificationRejected(Exception):
    """An inbound signed message (notification, response, request) failed verification."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)
