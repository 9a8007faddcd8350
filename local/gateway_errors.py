"""The answers API Gateway makes on its own, made by the local server in the
documented `{code, message, details}` shape, as infra/api.tf's gateway
responses make them on AWS: a path no route has is 404 `not_found` (Chalice's
local gateway, like API Gateway's default, says 403 "Missing Authentication
Token"), and a body over API Gateway's payload limit is 413 `too_large`,
refused before it is read. The app's own answers (405, 415, and every view's)
are shaped by chalicelib/api/responses.py.

A request line with raw UTF-8 in it (`curl 'localhost:8000/products?q=龙'`)
reads as UTF-8, as API Gateway reads it: Python's HTTP server decodes the line
as Latin-1, so its bytes above 127 are percent-encoded again before Chalice
parses the query, which it unquotes as UTF-8."""

from __future__ import annotations

import json

from chalice.local import ChaliceRequestHandler, ForbiddenError, LocalGatewayException

from chalicelib.api.responses import code_for

MAX_PAYLOAD_BYTES = 10 * 1024 * 1024
"""API Gateway's payload limit; each route's own limit is lower (api/inputs.py)."""


def raw_bytes_percent_encoded(path: str) -> str:
    """The request target with every byte above 127 as %XX (the server decoded
    the request line as Latin-1: one character a byte)."""
    return "".join(f"%{ord(c):02X}" if ord(c) > 127 else c for c in path)


class DocumentedErrorsHandler(ChaliceRequestHandler):
    path: str  # the request target, as the HTTP server read it

    def _documented_error(self, status: int, message: str, close: bool = False) -> None:
        body = {"code": code_for(status), "message": message, "details": {}}
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if close:  # the body was not read: the connection cannot carry another request
            headers["Connection"] = "close"
            self.close_connection = True
        self._send_http_response(status, headers, json.dumps(body))

    def _handle_within_limit(self) -> None:
        length = self.headers.get("content-length", "0").strip()
        if not length.isdigit():
            self._documented_error(400, "Content-Length must be a whole number", close=True)
        elif int(length) > MAX_PAYLOAD_BYTES:
            message = f"the request body is over {MAX_PAYLOAD_BYTES} bytes"
            self._documented_error(413, message, close=True)
        else:
            self.path = raw_bytes_percent_encoded(self.path)
            self._generic_handle()

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _handle_within_limit

    def _send_error_response(self, error: LocalGatewayException) -> None:
        if isinstance(error, ForbiddenError):  # the app has no authorizers: no route matched
            path = self.path.split("?", 1)[0]
            self._documented_error(404, f"nothing at {self.command} {path}")
        else:
            self._documented_error(error.CODE, "refused by the gateway")
