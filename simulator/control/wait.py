"""Wait endpoints: block until something holds in the caller's account, or answer 408.

``GET /simulator/wait/messages/{messageId}?status=DELIVERED_TO_HANDSET``: the message reaches a
status (a status name or a group name such as ``DELIVERED``; without ``status``, any final
one). ``GET /simulator/wait/webhooks?messageId=...``: a webhook carrying the message was
acknowledged (2xx). ``GET /simulator/wait/latest-message?to=41793026727``: the newest message to
a number exists (``after=<messageId>``: one newer than that message), e.g. to read an OTP.
``GET /simulator/wait/inbound?count=3``: at least that many inbound messages arrived for the
account (pushed or waiting to be pulled) since its last reset.

``timeout`` is in wall seconds (default 10): on a real or scaled clock time moves by itself, on a
manual clock only ``POST /simulator/clock/advance`` moves it, and a webhook receiver answers in
wall time either way. On timeout the answer is 408 in the ``ApiException`` shape with a ``seen``
field: the message as it is, or the webhook entries with their attempts. Waiting is done on
events (:mod:`simulator.events`), never by polling.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiohttp import web
from pydantic import Field

from ..api.models.common import Wire
from ..api.models.errors import ApiException, RequestError, ServiceException
from ..api.request import account_of, read_query
from ..api.responses import wire_response
from ..domain.errors import InvalidRequest, Violation
from ..domain.messages import Message
from ..domain.outbound import LogQuery
from ..domain.outbox import OutboxEntry
from ..domain.statuses import STATUSES, StatusGroup
from ..events import Event, events_key
from ..keys import inbound_key, outbound_key, outbox_key
from .models import MessageBody
from .webhooks import EntryBody, entry_body

T = TypeVar("T")

MessageRenderer = Callable[[Message, web.Request], MessageBody]
"""``control.routes.message_body``, handed in to keep the import graph one-way."""

message_renderer_key: web.AppKey[MessageRenderer] = web.AppKey("message_renderer")


class WaitQuery(Wire):
    timeout: float = Field(default=10.0, gt=0, le=600)


class MessageWait(WaitQuery):
    status: str | None = None


class WebhookWait(WaitQuery):
    message_id: str


class LatestWait(WaitQuery):
    to: str
    after: str | None = None


class InboundWait(WaitQuery):
    count: int = Field(default=1, ge=1)


class InboundCount(Wire):
    count: int


class WaitTimeout(ApiException):
    """408: the ``ApiException`` body plus what the simulator saw when time ran out."""

    seen: MessageBody | list[EntryBody] | InboundCount | None = None


async def until(
    request: web.Request, check: Callable[[], T | None], relevant: Callable[[Event], bool]
) -> T:
    """``check()`` now and again after each relevant event of the caller's account, until it
    finds something."""
    found = check()
    if found is not None:
        return found
    changed = asyncio.Event()

    def poke(event: Event) -> None:
        if relevant(event):
            changed.set()

    unsubscribe = request.config_dict[events_key].subscribe(account_of(request), poke)
    try:
        while (found := check()) is None:
            changed.clear()
            await changed.wait()
        return found
    finally:
        unsubscribe()


async def within(seconds: float, waiting: Awaitable[T]) -> T | None:
    """What ``waiting`` gives, or None when ``seconds`` (wall time) pass first."""
    try:
        async with asyncio.timeout(seconds):
            return await waiting
    except TimeoutError:
        return None


def timed_out(text: str, seen: MessageBody | list[EntryBody] | InboundCount | None) -> web.Response:
    body = WaitTimeout(
        request_error=RequestError(
            service_exception=ServiceException(message_id="REQUEST_TIMEOUT", text=text)
        ),
        seen=seen,
    )
    return wire_response(body, status=408)


def status_matcher(wanted: str | None) -> Callable[[Message], bool]:
    """A status name, a group name, or (None) any final status; 400 for anything else."""
    if wanted is None:
        return lambda m: m.is_final
    name = wanted.upper()
    if name in STATUSES:
        return lambda m: m.status.name == name
    if name in StatusGroup.__members__:
        group = StatusGroup[name]
        return lambda m: m.status.group is group
    problem = "must be a status name (DELIVERED_TO_HANDSET) or a group name (DELIVERED)"
    raise InvalidRequest(violations=[Violation("status", problem)])


async def wait_message(request: web.Request) -> web.Response:
    wanted = read_query(request, MessageWait)
    reached = status_matcher(wanted.status)
    message_id = request.match_info["message_id"]
    outbound = request.config_dict[outbound_key]
    account = account_of(request)

    def check() -> Message | None:
        message = outbound.message(account, message_id)
        return message if message is not None and reached(message) else None

    def relevant(event: Event) -> bool:
        subject = event.subject
        return isinstance(subject, Message) and subject.id == message_id

    render = request.config_dict[message_renderer_key]
    found = await within(wanted.timeout, until(request, check, relevant))
    if found is not None:
        return wire_response(render(found, request))
    current = outbound.message(account, message_id)
    target = wanted.status or "a final status"
    return timed_out(
        f"Message {message_id} did not reach {target} within {wanted.timeout:g} s",
        render(current, request) if current is not None else None,
    )


async def wait_webhook(request: web.Request) -> web.Response:
    wanted = read_query(request, WebhookWait)
    outbox = request.config_dict[outbox_key]
    account = account_of(request)

    def check() -> OutboxEntry | None:
        return next(iter(outbox.entries(account, wanted.message_id, "succeeded")), None)

    def relevant(event: Event) -> bool:
        subject = event.subject
        return isinstance(subject, OutboxEntry) and wanted.message_id in subject.message_ids

    found = await within(wanted.timeout, until(request, check, relevant))
    if found is not None:
        return wire_response(entry_body(found))
    seen = [entry_body(e) for e in outbox.entries(account, wanted.message_id)]
    return timed_out(
        f"No webhook for message {wanted.message_id} was acknowledged within {wanted.timeout:g} s",
        seen,
    )


async def wait_latest(request: web.Request) -> web.Response:
    wanted = read_query(request, LatestWait)
    outbound = request.config_dict[outbound_key]
    account = account_of(request)
    to = wanted.to.strip().lstrip("+")
    after = outbound.message(account, wanted.after) if wanted.after else None
    newer_than = after.seq if after is not None else 0

    def check() -> Message | None:
        page = outbound.logs(account, LogQuery(destination=to, limit=1))
        latest = page.messages[0] if page.messages else None
        return latest if latest is not None and latest.seq > newer_than else None

    def relevant(event: Event) -> bool:
        subject = event.subject
        return isinstance(subject, Message) and subject.to == to

    render = request.config_dict[message_renderer_key]
    found = await within(wanted.timeout, until(request, check, relevant))
    if found is not None:
        return wire_response(render(found, request))
    newer = f" newer than {wanted.after}" if wanted.after else ""
    return timed_out(f"No message to {to}{newer} within {wanted.timeout:g} s", None)


async def wait_inbound(request: web.Request) -> web.Response:
    wanted = read_query(request, InboundWait)
    inbound = request.config_dict[inbound_key]
    account = account_of(request)

    def check() -> InboundCount | None:
        count = inbound.received(account)
        return InboundCount(count=count) if count >= wanted.count else None

    found = await within(wanted.timeout, until(request, check, lambda e: e.kind == "inbound"))
    if found is not None:
        return wire_response(found)
    seen = InboundCount(count=inbound.received(account))
    return timed_out(
        f"Fewer than {wanted.count} inbound messages arrived within {wanted.timeout:g} s", seen
    )


def setup_wait_routes(control: web.Application, render: MessageRenderer) -> None:
    control[message_renderer_key] = render
    control.router.add_get("/wait/messages/{message_id}", wait_message)
    control.router.add_get("/wait/webhooks", wait_webhook)
    control.router.add_get("/wait/latest-message", wait_latest)
    control.router.add_get("/wait/inbound", wait_inbound)
