"""Scheduled messages: ``GET/PUT /sms/1/bulks`` and ``GET/PUT /sms/1/bulks/status``."""

from __future__ import annotations

from aiohttp import web

from ..domain.bulks import Bulk
from ..keys import outbound_key
from .models.bulks import (
    BulkQuery,
    BulkRequest,
    BulkResponse,
    BulkStatusResponse,
    UpdateStatusRequest,
)
from .request import account_of, read_json, read_query
from .responses import wire_response
from .submissions import check_send_at
from .timefmt import infobip_time


def _bulk_id(request: web.Request) -> str:
    return read_query(request, BulkQuery).bulk_id


def _schedule(bulk: Bulk) -> web.Response:
    return wire_response(BulkResponse(bulk_id=bulk.id, send_at=infobip_time(bulk.send_at)))


def _status(bulk: Bulk) -> web.Response:
    return wire_response(BulkStatusResponse(bulk_id=bulk.id, status=bulk.status))


async def get_bulk(request: web.Request) -> web.Response:
    """GET /sms/1/bulks"""
    bulks = request.app[outbound_key].bulks
    return _schedule(bulks.get(account_of(request), _bulk_id(request)))


async def reschedule_bulk(request: web.Request) -> web.Response:
    """PUT /sms/1/bulks"""
    bulk_id = _bulk_id(request)
    outbound = request.app[outbound_key]
    outbound.bulks.get(account_of(request), bulk_id)  # 404 before the body is judged
    body = await read_json(request, BulkRequest)
    send_at = check_send_at(body.send_at, "sendAt", outbound.scheduler.clock.now())
    return _schedule(outbound.bulks.reschedule(account_of(request), bulk_id, send_at))


async def get_bulk_status(request: web.Request) -> web.Response:
    """GET /sms/1/bulks/status"""
    bulks = request.app[outbound_key].bulks
    return _status(bulks.get(account_of(request), _bulk_id(request)))


async def update_bulk_status(request: web.Request) -> web.Response:
    """PUT /sms/1/bulks/status"""
    bulk_id = _bulk_id(request)
    bulks = request.app[outbound_key].bulks
    bulks.get(account_of(request), bulk_id)
    body = await read_json(request, UpdateStatusRequest)
    return _status(bulks.set_status(account_of(request), bulk_id, body.status))
