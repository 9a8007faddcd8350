"""Reading requests: JSON bodies validated by pydantic, path ids, the caller."""

from __future__ import annotations

import hmac
from typing import Any, TypeVar
from uuid import UUID

from chalice.app import Blueprint
from pydantic import BaseModel

from ..adapters.tokens import InvalidToken
from ..bootstrap import container
from .responses import ApiError

M = TypeVar("M", bound=BaseModel)


def body(bp: Blueprint, model: type[M]) -> M:
    raw: Any = bp.current_request.json_body
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ApiError(400, "invalid_request", "the request body must be a JSON object")
    return model.model_validate(raw)


def path_id(value: str, what: str = "order") -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise ApiError(404, "not_found", f"{what} not found") from None


def current_member(bp: Blueprint) -> UUID:
    header = bp.current_request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise ApiError(401, "unauthenticated", "log in first: Authorization: Bearer <token>")
    c = container()
    try:
        return c.tokens.verify(token.strip(), c.now())
    except InvalidToken as error:
        raise ApiError(401, "unauthenticated", str(error)) from None


def require_admin(bp: Blueprint) -> None:
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
