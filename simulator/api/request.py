"""Reading requests: the caller's account, JSON bodies and query strings into pydantic models."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from aiohttp import web
from pydantic import BaseModel

from ..domain.errors import DomainError

M = TypeVar("M", bound=BaseModel)

ACCOUNT = web.RequestKey("account", str)
"""Where the auth middleware leaves the caller's account on the request."""

_JSON_TYPES = frozenset({"application/json", "text/json"})


class UnsupportedMediaType(DomainError):
    http_status = 415
    error_code = "E415"
    message_id = "UNSUPPORTED_MEDIA_TYPE"
    text = "Unsupported media type"


def account_of(request: web.Request) -> str:
    return request[ACCOUNT]


async def read_json(request: web.Request, model: type[M]) -> M:
    """Parse a JSON body into ``model``; 415 for other content types (XML is not supported)."""
    declared = request.headers.get("Content-Type")
    # An exact "application/json" needs no parsing (the common case, on every send).
    if declared is not None and declared not in _JSON_TYPES and not _is_json(request.content_type):
        raise UnsupportedMediaType()
    body = await request.read()
    # What model_validate_json does, without its Python wrapper: this runs on every request.
    return cast(M, model.__pydantic_validator__.validate_json(body))


def _is_json(content_type: str) -> bool:
    return content_type in _JSON_TYPES or content_type.endswith("+json")


def read_query(request: web.Request, model: type[M], lists: frozenset[str] = frozenset()) -> M:
    """Parse the query string into ``model``.

    Names in ``lists`` are arrays, accepted both comma-separated and repeated
    (``bulkId=a,b`` and ``bulkId=a&bulkId=b``); any other name takes its last value.
    """
    data: dict[str, Any] = {}
    for name in request.query:
        values = request.query.getall(name)
        if name in lists:
            data[name] = [item for v in values for item in v.split(",") if item]
        else:
            data[name] = values[-1]
    return model.model_validate(data)
