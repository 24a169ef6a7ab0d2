"""``POST /ct/1/log/end/{messageId}``: confirm a conversion of one of the account's messages."""

from __future__ import annotations

from aiohttp import web
from pydantic import Field

from ..domain.errors import NotFound
from ..keys import clock_key, conversions_key, outbound_key
from .models.common import Wire
from .request import account_of
from .responses import wire_response


class EndTagResponse(Wire):
    process_key: str = Field(pattern=r"^[0-9A-F]{32}$")


async def log_end(request: web.Request) -> web.Response:
    """404 (ApiException) unless the message is one of the caller's of the last 48 hours."""
    account = account_of(request)
    message_id = request.match_info["message_id"]
    if request.app[outbound_key].message(account, message_id) is None:
        raise NotFound("Message not found")
    now = request.app[clock_key].now()
    conversion = request.app[conversions_key].record(account, message_id, now)
    return wire_response(EndTagResponse(process_key=conversion.process_key))
