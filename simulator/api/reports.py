"""Delivery report pulls: ``GET /sms/3/reports`` and ``GET /sms/1/reports`` (fetch-once)."""

from __future__ import annotations

from aiohttp import web

from ..domain.reports import Report, ReportFilter
from ..keys import outbound_key
from .models.reports import DeliveryReportsV1, DeliveryReportsV3, ReportQuery
from .render import report_v1, report_v3
from .request import account_of, read_query
from .responses import wire_response


def _take(request: web.Request) -> list[Report]:
    query = read_query(request, ReportQuery)
    wanted = ReportFilter(
        bulk_id=query.bulk_id,
        message_id=query.message_id,
        entity_id=query.entity_id,
        application_id=query.application_id,
        campaign_reference_id=query.campaign_reference_id,
    )
    return request.app[outbound_key].take_reports(account_of(request), wanted, query.limit)


async def reports_v3(request: web.Request) -> web.Response:
    carrier = request.app[outbound_key].carrier
    results = [report_v3(r, carrier) for r in _take(request)]
    return wire_response(DeliveryReportsV3(results=results))


async def reports_v1(request: web.Request) -> web.Response:
    carrier = request.app[outbound_key].carrier
    results = [report_v1(r, carrier) for r in _take(request)]
    return wire_response(DeliveryReportsV1(results=results))
