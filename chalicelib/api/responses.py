"""JSON responses and the one place where errors become HTTP statuses.

Every error is `{code, message, details}`; nothing a caller sends yields a 500.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalice.app import BadRequestError, Request, Response

if TYPE_CHECKING:
    from pydantic import ValidationError

    from ..application.errors import InvalidInput

log = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


def json_response(body: Any, status: int = 200) -> Response:
    return Response(
        body=json.dumps(body, ensure_ascii=False),
        status_code=status,
        headers={"Content-Type": "application/json; charset=utf-8"},
    )


def error_response(status: int, code: str, message: str, details: Any = None) -> Response:
    return json_response({"code": code, "message": message, "details": details or {}}, status)


CODES = {
    400: "invalid_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    500: "internal_error",
    502: "bad_gateway",
    503: "unavailable",
    504: "timeout",
}
"""The `code` of an answer the app's own views did not make (Chalice's, the
local server's), by HTTP status."""


def code_for(status: int) -> str:
    return CODES.get(status, "error")


def in_documented_shape(request: Request, get_response: Callable[[Request], Response]) -> Response:
    """HTTP middleware: Chalice's own answers, made before or around our views
    (405 for a method the path lacks, 415 for a body that is not JSON, 500 for
    an unhandled error), become `{code, message, details}` like every other."""
    response = get_response(request)
    chalice_body = response.body
    if not isinstance(chalice_body, dict) or set(chalice_body) != {"Code", "Message"}:
        return response
    status = response.status_code
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-type"}
    details: dict[str, Any] = {}
    message = str(chalice_body["Message"])
    if status == 405:
        allowed = [m.strip() for m in str(headers.get("Allow", "")).split(",") if m.strip()]
        message = f"{request.method} is not allowed here; use {', '.join(allowed)}"
        details = {"allowed": allowed}
    elif status == 415:
        given = request.headers.get("content-type", "")
        message = f"Content-Type {given!r} is not accepted here; JSON bodies are application/json"
    answer = error_response(status, code_for(status), message, details)
    answer.headers.update(headers)
    return answer


def field_path(loc: tuple[int | str, ...]) -> str:
    """A pydantic location as the API names fields: `lines[0].quantity`
    (`body` for the body as a whole)."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path or "body"


def validation_details(error: ValidationError) -> list[dict[str, str]]:
    return [{"field": field_path(e["loc"]), "message": e["msg"]} for e in error.errors()]


Answer = Callable[[Any], Response]
_NOT_JSON = "the request body is not valid JSON"
_BUSY = "too many concurrent changes; try again"
_STORE_BUSY = "the store is busy; try again"


def _invalid_fields(error: ValidationError) -> Response:
    fields = validation_details(error)
    message = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
    return error_response(400, "invalid_request", message, {"errors": fields})


def _invalid_input(error: InvalidInput) -> Response:
    details = {"errors": [{"field": error.field, "message": error.message}]}
    return error_response(400, "invalid_request", f"{error.field}: {error.message}", details)


@functools.cache
def _answers() -> dict[type[Exception], Answer]:
    """How each error that a view lets out is answered, the first class the
    error is an instance of deciding. Built when the first error is raised,
    not with the app: each comes from a module that only some routes use (the
    WeChat clients, pydantic's models, the event store)."""
    from eventsourcing.persistence import OperationalError
    from pydantic import ValidationError

    from ..adapters.wechat import WeChatError, WeChatUnavailable
    from ..application.errors import Busy, InvalidInput, NotFound
    from ..domain.errors import DomainError

    return {
        ApiError: lambda e: error_response(e.status, e.code, e.message, e.details),
        ValidationError: _invalid_fields,
        InvalidInput: _invalid_input,
        BadRequestError: lambda e: error_response(400, "invalid_json", _NOT_JSON),
        NotFound: lambda e: error_response(404, "not_found", str(e)),
        DomainError: lambda e: error_response(409, e.code, e.message, e.details),
        Busy: lambda e: error_response(409, "busy", _BUSY),
        WeChatError: lambda e: error_response(502, "wechat_error", str(e)),
        WeChatUnavailable: lambda e: error_response(503, "wechat_unavailable", str(e)),
        OperationalError: lambda e: error_response(503, "storage_unavailable", _STORE_BUSY),
    }


def handled_errors() -> tuple[type[Exception], ...]:
    """The errors `_translate` answers."""
    return tuple(_answers())


def _translate(error: Exception) -> Response:
    for cls, answer in _answers().items():
        if isinstance(error, cls):
            return answer(error)
    raise error


def _storage_errors() -> tuple[type[Exception], ...]:
    """AWS SDK errors that outlived the SDK's own retries (the store is overloaded
    or unreachable). botocore is only loaded by the AWS runtime; the embedded
    default never imports it for this."""
    aws = sys.modules.get("botocore.exceptions")
    if aws is None:
        return ()
    return (aws.BotoCoreError, aws.ClientError)


def handles_errors(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except handled_errors() as error:
            return _translate(error)
        except _storage_errors() as error:
            log.warning("storage error: %s", error)
            return error_response(503, "storage_unavailable", _STORE_BUSY)

    return wrapper
