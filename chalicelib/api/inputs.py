"""Reading requests: JSON bodies validated by pydantic, path ids, the caller."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from chalice.app import Blueprint

from ..bootstrap import container
from .responses import ApiError

if TYPE_CHECKING:
    from pydantic import BaseModel

M = TypeVar("M", bound="BaseModel")

BODY_LIMIT = 64 * 1024
"""Bytes a JSON body may have; a route that needs more passes its own `limit`."""
MAX_DEPTH = 64
"""Levels of nested arrays and objects a JSON body may have (ours use 3)."""
_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"?|[\[\]{}]', re.DOTALL)
"""A string (to its closing quote or the end, so a match never backtracks) or a bracket."""


def body(bp: Blueprint, model: type[M], limit: int = BODY_LIMIT) -> M:
    """The request body as `model`. Read from the raw bytes, never Chalice's
    `json_body`: over `limit` bytes is a 413 and nesting deeper than MAX_DEPTH a
    400, both before the JSON parser (whose recursion a deep body would exhaust)
    or any model sees it."""
    raw = bp.current_request.raw_body or b""
    data = raw.encode() if isinstance(raw, str) else raw
    if len(data) > limit:
        raise ApiError(
            413, "too_large", f"the request body is over {limit} bytes", limit_bytes=limit
        )
    parsed = parse_json(data) if data.strip() else {}
    if not isinstance(parsed, dict):
        raise ApiError(400, "invalid_request", "the request body must be a JSON object")
    return model.model_validate(parsed)


def parse_json(data: bytes) -> Any:
    if nesting_depth(data) > MAX_DEPTH:
        raise ApiError(
            400, "invalid_json", f"the request body nests deeper than {MAX_DEPTH} levels"
        )
    try:
        return json.loads(data.decode("utf-8"))
    except ValueError:  # also bad UTF-8 and integers too long to convert
        raise ApiError(400, "invalid_json", "the request body is not valid JSON") from None


def nesting_depth(data: bytes) -> int:
    """How deep arrays and objects nest, counted outside strings; stops counting
    once past MAX_DEPTH. Linear in the body's size, without recursion."""
    depth = deepest = 0
    for token in _TOKEN.finditer(data):
        first = token.group()[:1]
        if first in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                break
        elif first in (b"]", b"}"):
            depth -= 1
    return deepest


def path_id(value: str, what: str = "order") -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise ApiError(404, "not_found", f"{what} not found") from None


def current_member(bp: Blueprint) -> UUID:
    from ..adapters.tokens import InvalidToken

    header = bp.current_request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise ApiError(401, "unauthenticated", "log in first: Authorization: Bearer <token>")
    c = container()
    try:
        member_id = c.tokens.verify(token.strip(), c.now())
    except InvalidToken as error:
        raise ApiError(401, "unauthenticated", str(error)) from None
    if c.shop.accounts.is_closed(member_id):  # one read of the member's latest event
        raise ApiError(401, "unauthenticated", "this account is closed: log in again")
    return member_id


def require_admin(bp: Blueprint) -> None:
    import hmac

    given = bp.current_request.headers.get("x-admin-token", "")
    if not given:
        raise ApiError(401, "unauthenticated", "admin endpoints need the X-Admin-Token header")
    expected = container().settings.admin_token
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise ApiError(403, "forbidden", "that admin token is not valid")


def query_param(bp: Blueprint, name: str) -> str | None:
    params = bp.current_request.query_params
    value = params.get(name) if params else None
    return str(value) if value is not None else None


def choice_param(bp: Blueprint, name: str, choices: Sequence[str]) -> str | None:
    """A query parameter that must be one of `choices` when given (400 naming it)."""
    from ..application.errors import InvalidInput

    value = query_param(bp, name)
    if value is not None and value not in choices:
        raise InvalidInput(name, f"one of {', '.join(choices)}")
    return value
