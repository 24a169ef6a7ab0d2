"""The control API for tests and people: ``/simulator/...`` (a sub-application)."""

from __future__ import annotations

from aiohttp import web

from ..api.models.common import Wire
from ..api.render import error_body, platform_body, price_body, status_body
from ..api.request import account_of, read_json, read_query
from ..api.responses import wire_response
from ..api.subscriptions import subscriptions_key
from ..api.timefmt import epoch_of, infobip_time
from ..api.tracking import message_links
from ..domain.errors import InvalidRequest, NotFound, Violation
from ..domain.messages import BinaryContent, Message
from ..domain.outbound import LogQuery
from ..domain.statuses import StatusGroup
from ..keys import (
    clock_key,
    conversions_key,
    faults_key,
    inbound_key,
    notifier_key,
    outbound_key,
    outbox_key,
    rate_limiter_key,
    scenario_book_key,
    scheduler_key,
)
from .catcher import setup_catcher
from .inbound import setup_inbound_routes
from .models import (
    AdvanceRequest,
    AdvanceResponse,
    ClockBody,
    MessageBody,
    MessageList,
    ResetRequest,
    ResetResponse,
    TransitionBody,
)
from .scenarios import setup_scenario_routes
from .wait import setup_wait_routes
from .webhooks import setup_webhook_routes


class MessageFilter(Wire):
    to: str | None = None
    sender: str | None = None
    bulk_id: str | None = None
    status: str | None = None
    text: str | None = None
    limit: int = 100


def _clock_fields(request: web.Request) -> dict[str, object]:
    scheduler = request.config_dict[scheduler_key]
    clock = scheduler.clock
    now = clock.now()
    due = scheduler.next_due()
    return {
        "mode": str(clock.spec),
        "now": infobip_time(now),
        "now_epoch_ms": round(now * 1000),
        "pending_events": scheduler.pending(),
        "next_event_at": infobip_time(due) if due is not None else None,
    }


def clock_body(request: web.Request) -> ClockBody:
    return ClockBody.model_validate(_clock_fields(request))


async def get_clock(request: web.Request) -> web.Response:
    return wire_response(clock_body(request))


async def advance_clock(request: web.Request) -> web.Response:
    """Move a manual clock and run everything that falls due; answers once state is settled."""
    body = await read_json(request, AdvanceRequest)
    scheduler = request.config_dict[scheduler_key]
    if request.config_dict[clock_key].mode != "manual":
        raise InvalidRequest(violations=[Violation("clock", "only a manual clock can advance")])
    if body.next:
        result = await scheduler.advance_to_next()
    elif body.to is not None:
        result = await scheduler.advance(max(0.0, epoch_of(body.to) - scheduler.clock.now()))
    else:
        result = await scheduler.advance(body.seconds or 0.0)
    return wire_response(AdvanceResponse(events_run=result.ran, **_clock_fields(request)))


def message_body(message: Message, request: web.Request) -> MessageBody:
    spec = message.spec
    carrier = request.config_dict[outbound_key].carrier
    content = spec.content
    return MessageBody(
        message_id=message.id,
        bulk_id=message.bulk_id,
        to=message.to,
        sender=spec.sender,
        api=spec.family,
        text=spec.text,
        hex=content.hex if isinstance(content, BinaryContent) else None,
        message_count=spec.message_count,
        status=status_body(message.status),
        error=error_body(message.error, spec.family),
        sent_at=infobip_time(message.sent_at),
        done_at=infobip_time(message.done_at) if message.done_at is not None else None,
        mcc_mnc=message.mcc_mnc,
        price=price_body(message, carrier),
        callback_data=spec.callback_data,
        platform=platform_body(message),
        campaign_reference_id=spec.campaign_reference_id,
        history=[
            TransitionBody(at=infobip_time(t.at), status=status_body(t.status))
            for t in message.history
        ],
    )


def _status_group(name: str | None) -> StatusGroup | None:
    if name is None:
        return None
    try:
        return StatusGroup[name.upper()]
    except KeyError:
        valid = ", ".join(g.name for g in StatusGroup)
        raise InvalidRequest(violations=[Violation("status", f"must be one of {valid}")]) from None


async def list_messages(request: web.Request) -> web.Response:
    """Messages of the caller's account, newest first, with their histories."""
    wanted = read_query(request, MessageFilter)
    query = LogQuery(
        destination=wanted.to,
        sender=wanted.sender,
        bulk_ids=frozenset({wanted.bulk_id}) if wanted.bulk_id else frozenset(),
        general_status=_status_group(wanted.status),
        text=wanted.text,
        limit=wanted.limit,
    )
    page = request.config_dict[outbound_key].logs(account_of(request), query)
    return wire_response(MessageList(results=[message_body(m, request) for m in page.messages]))


async def get_message(request: web.Request) -> web.Response:
    outbound = request.config_dict[outbound_key]
    message = outbound.message(account_of(request), request.match_info["message_id"])
    if message is None:
        raise NotFound("Message not found")
    return wire_response(message_body(message, request))


async def reset(request: web.Request) -> web.Response:
    """Forget the caller's account (or, with ``{"all": true}``, every account)."""
    body = await read_json(request, ResetRequest) if request.can_read_body else ResetRequest()
    account = None if body.all else account_of(request)
    config = request.config_dict
    for part in (
        outbound_key,
        outbox_key,
        notifier_key,
        rate_limiter_key,
        subscriptions_key,
        scenario_book_key,
        faults_key,
        inbound_key,
        conversions_key,
    ):
        config[part].reset(account)
    return wire_response(ResetResponse(reset="all" if account is None else "account"))


def create_control_app() -> web.Application:
    control = web.Application()
    control.router.add_get("/clock", get_clock)
    control.router.add_post("/clock/advance", advance_clock)
    control.router.add_get("/messages", list_messages)
    control.router.add_get("/messages/{message_id}", get_message)
    control.router.add_get("/messages/{message_id}/links", message_links)
    control.router.add_post("/reset", reset)
    setup_webhook_routes(control)
    setup_catcher(control)
    setup_inbound_routes(control)
    setup_scenario_routes(control)
    setup_wait_routes(control, message_body)
    return control
