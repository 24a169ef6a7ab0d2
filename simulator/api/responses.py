"""Writing wire models as JSON responses."""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel


def wire_response(model: BaseModel, status: int = 200) -> web.Response:
    """Camel-case JSON of ``model``; absent optional fields are left out, as Infobip does."""
    body = model.__pydantic_serializer__.to_json(model, by_alias=True, exclude_none=True)
    return web.Response(status=status, body=body, content_type="application/json")
