"""The fault middleware: failures on demand and a scenario's API failures, on the wire.

It sits inside the error middleware and after authentication, so it knows the caller's account.
Faults touch only the Infobip API: never the control API (``/simulator/...``), health checks or
unknown paths. A request of an account without faults costs one dictionary lookup.
"""

from __future__ import annotations

import asyncio

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from ..domain.faults import Effect, FaultBook, SimulatedFailure
from .errors import error_response
from .request import ACCOUNT

EXEMPT_PREFIX = "/simulator/"


def fault_middleware(faults: FaultBook) -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if faults.active and _is_api(request):
            effect = faults.draw(_account(request), request.path)
            if effect is not None:
                await asyncio.sleep(effect.delay)
                if effect.ends_request:
                    return _end(request, effect)
        try:
            return await handler(request)
        except SimulatedFailure as failure:
            await asyncio.sleep(failure.effect.delay)
            return _end(request, failure.effect)

    return middleware


def _is_api(request: web.Request) -> bool:
    unmatched = request.match_info.http_exception is not None
    return not unmatched and not request.path.startswith(EXEMPT_PREFIX)


def _account(request: web.Request) -> str:
    """The authenticated account; ``/sms/1/text/query`` names it by its ``username``."""
    return request.get(ACCOUNT) or request.query.get("username", "")


def _end(request: web.Request, effect: Effect) -> web.StreamResponse:
    """Answer the effect's error in the endpoint's family, or drop the connection."""
    if effect.drop:
        if request.transport is not None:
            request.transport.close()
        return web.Response()  # never written: the connection is gone
    status = effect.status or 500
    retry = {"Retry-After": str(max(1, round(effect.retry_after)))} if status == 429 else None
    return error_response(request.path, status, headers=retry)
