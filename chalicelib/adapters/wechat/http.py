"""A tiny HTTP client over urllib: per-call timeout, retries with exponential backoff.

A failure before the request was handed over whole (no connection, refused, name
not resolved: urllib raises URLError from `connect`/`send`) proves WeChat never saw
it. A failure after that (a timeout or a reset while waiting for the answer, a 5xx)
does not: WeChat may have acted on it. Idempotent requests are retried after
either; a non-idempotent one (subscribe/send) only after the first kind, and
otherwise ends with WeChatOutcomeUnknown instead of being sent blindly again.
"""

from __future__ import annotations

import http.client
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from typing import NamedTuple

from .errors import WeChatOutcomeUnknown, WeChatUnavailable

logger = logging.getLogger(__name__)

HeaderFactory = Callable[[], Mapping[str, str]]


class HttpResponse(NamedTuple):
    status: int
    headers: dict[str, str]
    body: bytes


class HttpClient:
    """Sends a request, retrying network errors, timeouts and 5xx answers.

    4xx answers are returned, not raised.  After the last retry a network error
    or a 5xx raises ``WeChatUnavailable``; ``WeChatOutcomeUnknown`` when some
    attempt may have reached WeChat.  ``idempotent=False`` stops at the first
    attempt that may have reached it.
    """

    def __init__(
        self,
        *,
        timeout: float = 5.0,
        retries: int = 2,
        backoff: float = 0.2,
        sleep: Callable[[float], None] = time.sleep,
        opener: urllib.request.OpenerDirector | None = None,
    ) -> None:
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self._sleep = sleep
        self._opener = opener or urllib.request.build_opener()

    def request(
        self,
        method: str,
        url: str,
        *,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        header_factory: HeaderFactory | None = None,
        timeout: float | None = None,
        idempotent: bool = True,
    ) -> HttpResponse:
        """``header_factory`` is called before every attempt (fresh request signatures)."""
        attempts = self.retries + 1
        failure, maybe_delivered = "", False
        for attempt in range(attempts):
            if attempt:
                self._sleep(self.backoff * 2 ** (attempt - 1))
            all_headers = dict(headers or {})
            if header_factory is not None:
                all_headers.update(header_factory())
            try:
                response = self._send(method, url, body, all_headers, timeout or self.timeout)
            except (OSError, http.client.HTTPException) as exc:
                failure = f"{type(exc).__name__}: {exc}"
                maybe_delivered = maybe_delivered or not _unsent(exc)
            else:
                if response.status < 500:
                    return response
                failure, maybe_delivered = f"HTTP {response.status}", True
            logger.warning(
                "%s %s failed (%s), attempt %d/%d",
                method,
                _without_query(url),
                failure,
                attempt + 1,
                attempts,
            )
            if maybe_delivered and not idempotent:
                break
        what = f"{method} {_without_query(url)}: {failure}"
        raise WeChatOutcomeUnknown(what) if maybe_delivered else WeChatUnavailable(what)

    def _send(
        self, method: str, url: str, body: bytes | None, headers: dict[str, str], timeout: float
    ) -> HttpResponse:
        req = urllib.request.Request(url, data=body, headers=headers, method=method)
        try:
            with self._opener.open(req, timeout=timeout) as resp:
                return HttpResponse(resp.status, dict(resp.headers.items()), resp.read())
        except urllib.error.HTTPError as err:
            with err:
                return HttpResponse(err.code, dict(err.headers.items()), err.read())


def _unsent(exc: BaseException) -> bool:
    """urllib raises URLError (not HTTPError, an answer) only from connecting and
    sending: the request was not handed over whole, so WeChat cannot have acted on it."""
    return isinstance(exc, urllib.error.URLError) and not isinstance(exc, urllib.error.HTTPError)


def _without_query(url: str) -> str:
    """Query strings may carry secrets (appid/secret, access_token): keep them out of logs."""
    return url.split("?", 1)[0]
