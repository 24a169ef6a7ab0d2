"""Control API for what subscribers do: send an inbound SMS (``POST /simulator/inbound``), with
the keywords registered per receiving number (``/simulator/keywords``); and the conversions
confirmed for a message (``GET /simulator/messages/{id}/conversions``)."""

from __future__ import annotations

from aiohttp import web

from ..api.inbound import mo_report
from ..api.models.inbound import (
    ConversionBody,
    ConversionList,
    InjectedBody,
    InjectRequest,
    KeywordBody,
    KeywordList,
)
from ..api.request import account_of, read_json
from ..api.responses import wire_response
from ..api.timefmt import epoch_of, infobip_time
from ..domain.errors import NotFound
from ..domain.inbound import InboundSpec, normalized
from ..keys import clock_key, conversions_key, inbound_key, outbound_key

DEFAULT_TO = "447491163443"
"""The receiving number when ``to`` is left out (a number of the account, as on Infobip)."""


async def inject(request: web.Request) -> web.Response:
    """Receive an inbound SMS now (or at ``receivedAt``); left-out fields are made up."""
    body = await read_json(request, InjectRequest)
    inbound = request.config_dict[inbound_key]
    fakes = inbound.fakes
    now = request.config_dict[clock_key].now()
    spec = InboundSpec(
        sender=normalized(body.from_) if body.from_ else fakes.mobile_number(),
        to=normalized(body.to) if body.to else DEFAULT_TO,
        text=body.text if body.text is not None else fakes.sentence(),
        received_at=epoch_of(body.received_at) if body.received_at else now,
        keyword=body.keyword,
        application_id=body.application_id,
        entity_id=body.entity_id,
        campaign_reference_id=body.campaign_reference_id,
        callback_data=body.callback_data,
    )
    message = inbound.receive(account_of(request), spec)
    report = mo_report(message, request.config_dict[outbound_key].carrier.currency)
    return wire_response(InjectedBody(**dict(report), pushed=message.pushed), status=201)


async def list_keywords(request: web.Request) -> web.Response:
    pairs = request.config_dict[inbound_key].keywords.all(account_of(request))
    return wire_response(KeywordList(results=[KeywordBody(number=n, keyword=k) for n, k in pairs]))


async def add_keyword(request: web.Request) -> web.Response:
    body = await read_json(request, KeywordBody)
    number = normalized(body.number)
    request.config_dict[inbound_key].keywords.add(account_of(request), number, body.keyword)
    return wire_response(KeywordBody(number=number, keyword=body.keyword.upper()), status=201)


async def remove_keyword(request: web.Request) -> web.Response:
    number, keyword = normalized(request.match_info["number"]), request.match_info["keyword"]
    if not request.config_dict[inbound_key].keywords.remove(account_of(request), number, keyword):
        raise NotFound("Keyword not found")
    return wire_response(KeywordBody(number=number, keyword=keyword.upper()))


async def list_conversions(request: web.Request) -> web.Response:
    account, message_id = account_of(request), request.match_info["message_id"]
    if request.config_dict[outbound_key].message(account, message_id) is None:
        raise NotFound("Message not found")
    conversions = request.config_dict[conversions_key].of(account, message_id)
    results = [
        ConversionBody(process_key=c.process_key, at=infobip_time(c.at)) for c in conversions
    ]
    return wire_response(ConversionList(results=results))


def setup_inbound_routes(control: web.Application) -> None:
    control.router.add_post("/inbound", inject)
    control.router.add_get("/keywords", list_keywords)
    control.router.add_post("/keywords", add_keyword)
    control.router.add_delete("/keywords/{number}/{keyword}", remove_keyword)
    control.router.add_get("/messages/{message_id}/conversions", list_conversions)
