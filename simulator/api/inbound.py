"""``GET /sms/1/inbox/reports``: inbound messages, fetch-once; and their push bodies."""

from __future__ import annotations

from aiohttp import web

from ..domain.inbound import InboundMessage, InboxFilter
from ..keys import inbound_key, outbound_key
from ..webhooks.bodies import XML, to_xml
from .models.inbound import InboxQuery, MoPriceBody, SmsMoReport, SmsMoReportResponse
from .request import account_of, read_query
from .responses import wire_response
from .timefmt import infobip_time

XML_ROOT = "reportResponse"
"""The root of the official XML example of ``SmsMoReportResponse``."""


def mo_report(message: InboundMessage, currency: str) -> SmsMoReport:
    spec = message.spec
    return SmsMoReport(
        application_id=spec.application_id,
        message_id=message.id,
        from_=spec.sender,
        to=spec.to,
        text=spec.text,
        clean_text=message.clean_text,
        keyword=message.keyword,
        received_at=infobip_time(spec.received_at),
        sms_count=message.sms_count,
        price=MoPriceBody(price_per_message=0, currency=currency),
        callback_data=spec.callback_data,
        entity_id=spec.entity_id,
        campaign_reference_id=spec.campaign_reference_id,
    )


def mo_response(messages: list[InboundMessage], pending: int, currency: str) -> SmsMoReportResponse:
    return SmsMoReportResponse(
        results=[mo_report(m, currency) for m in messages],
        message_count=len(messages),
        pending_message_count=pending,
    )


def mo_body(
    messages: list[InboundMessage], pending: int, content_type: str, currency: str
) -> bytes:
    """A push body: the same ``SmsMoReportResponse`` as the pull, in JSON or XML."""
    model = mo_response(messages, pending, currency)
    if content_type == XML:
        return to_xml(XML_ROOT, model.model_dump(mode="json", by_alias=True, exclude_none=True))
    return model.model_dump_json(by_alias=True, exclude_none=True).encode()


async def inbox_reports(request: web.Request) -> web.Response:
    query = read_query(request, InboxQuery)
    wanted = InboxFilter(query.application_id, query.entity_id, query.campaign_reference_id)
    page = request.app[inbound_key].take(account_of(request), wanted, query.limit)
    currency = request.app[outbound_key].carrier.currency
    return wire_response(mo_response(page.messages, page.pending, currency))
