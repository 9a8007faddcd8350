"""JSON responses and the one place where errors become HTTP statuses.

Every error is `{code, message, details}`; nothing a caller sends yields a 500.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable
from typing import Any

from chalice.app import BadRequestError, Response
from eventsourcing.persistence import OperationalError
from pydantic import ValidationError

from ..adapters.wechat import WeChatError, WeChatUnavailable
from ..application.errors import Busy, InvalidInput, NotFound
from ..domain.errors import DomainError

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


def validation_details(error: ValidationError) -> list[dict[str, str]]:
    return [
        {"field": ".".join(str(p) for p in e["loc"]) or "body", "message": e["msg"]}
        for e in error.errors()
    ]


def _translate(error: Exception) -> Response:
    if isinstance(error, ApiError):
        return error_response(error.status, error.code, error.message, error.details)
    if isinstance(error, ValidationError):
        fields = validation_details(error)
        message = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
        return error_response(400, "invalid_request", message, {"errors": fields})
    if isinstance(error, InvalidInput):
        details = {"errors": [{"field": error.field, "message": error.message}]}
        return error_response(400, "invalid_request", f"{error.field}: {error.message}", details)
    if isinstance(error, BadRequestError):
        return error_response(400, "invalid_json", "the request body is not valid JSON")
    if isinstance(error, NotFound):
        return error_response(404, "not_found", str(error))
    if isinstance(error, DomainError):
        return error_response(409, error.code, error.message, error.details)
    if isinstance(error, Busy):
        return error_response(409, "busy", "too many concurrent changes; try again")
    if isinstance(error, WeChatError):
        return error_response(502, "wechat_error", str(error))
    if isinstance(error, WeChatUnavailable):
        return error_response(503, "wechat_unavailable", str(error))
    if isinstance(error, OperationalError):
        return error_response(503, "storage_unavailable", "the store is busy; try again")
    raise error


HANDLED = (
    ApiError,
    ValidationError,
    InvalidInput,
    BadRequestError,
    NotFound,
    DomainError,
    Busy,
    WeChatError,
    WeChatUnavailable,
    OperationalError,
)


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
        except HANDLED as error:
            return _translate(error)
        except _storage_errors() as error:
            log.warning("storage error: %s", error)
            return error_response(503, "storage_unavailable", "the store is busy; try again")

    return wrapper
