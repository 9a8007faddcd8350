"""The answers API Gateway makes on its own, made by the local server in the
documented `{code, message, details}` shape, as infra/api.tf's gateway
responses make them on AWS: a path no route has is 404 `not_found` (Chalice's
local gateway, like API Gateway's default, says 403 "Missing Authentication
Token"), and a body over API Gateway's payload limit is 413 `too_large`,
refused before it is read. The app's own answers (405, 415, and every view's)
are shaped by chalicelib/api/responses.py."""

from __future__ import annotations

import json

from chalice.local import ChaliceRequestHandler, ForbiddenError, LocalGatewayException

from chalicelib.api.responses import code_for

MAX_PAYLOAD_BYTES = 10 * 1024 * 1024
"""API Gateway's payload limit; each route's own limit is lower (api/inputs.py)."""


class DocumentedErrorsHandler(ChaliceRequestHandler):
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
            self._generic_handle()

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = do_OPTIONS = _handle_within_limit

    def _send_error_response(self, error: LocalGatewayException) -> None:
        if isinstance(error, ForbiddenError):  # the app has no authorizers: no route matched
            path = self.path.split("?", 1)[0]
            self._documented_error(404, f"nothing at {self.command} {path}")
        else:
            self._documented_error(error.CODE, "refused by the gateway")
