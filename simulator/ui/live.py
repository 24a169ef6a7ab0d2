"""``GET /simulator/events``: what happens to the caller's account, as server-sent events.

The page reads it with ``fetch`` (not ``EventSource``, which cannot send headers), so the stream
authenticates like every other request: ``Authorization: App <key>``. Events: ``message`` (a
message as ``GET /simulator/messages/{id}`` renders it), ``webhook`` (an outbox entry as
``GET /simulator/webhooks`` renders it) and ``clock`` (at the start, then every few seconds,
which also tells a dead connection apart). Several changes to one message or entry between two
writes are sent once, in their latest state.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from aiohttp import web
from pydantic import BaseModel

from ..api.inbound import mo_report
from ..api.request import account_of
from ..control.routes import clock_body, message_body
from ..control.webhooks import entry_body
from ..domain.messages import Message
from ..domain.outbox import OutboxEntry
from ..events import Event, events_key
from ..keys import outbound_key

HEARTBEAT_SECONDS = 5.0


@dataclass(eq=False)
class _Stream:
    """Events waiting to be written to one connection, latest state per subject."""

    pending: dict[tuple[str, str], Event] = field(default_factory=dict)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    closed: bool = False

    def add(self, event: Event) -> None:
        self.pending[(event.kind, event.subject.id)] = event
        self.ready.set()

    def close(self) -> None:
        self.closed = True
        self.ready.set()

    def take(self) -> list[Event]:
        events = list(self.pending.values())
        self.pending.clear()
        self.ready.clear()
        return events


@dataclass
class Streams:
    """Open streams of an application, closed when it shuts down (an open stream would
    otherwise hold a graceful shutdown until its timeout)."""

    open: set[_Stream] = field(default_factory=set)

    async def close_all(self, _app: web.Application) -> None:
        for stream in self.open:
            stream.close()


streams_key = web.AppKey("streams", Streams)


def _frame(kind: str, body: BaseModel) -> bytes:
    data = body.model_dump_json(by_alias=True, exclude_none=True)
    return f"event: {kind}\ndata: {data}\n\n".encode()


def _render(event: Event, request: web.Request) -> bytes:
    subject = event.subject
    if isinstance(subject, Message):
        return _frame("message", message_body(subject, request))
    if isinstance(subject, OutboxEntry):
        return _frame("webhook", entry_body(subject))
    currency = request.config_dict[outbound_key].carrier.currency
    return _frame("inbound", mo_report(subject, currency))


async def events(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
    )
    await response.prepare(request)
    stream = _Stream()
    streams = request.config_dict[streams_key]
    streams.open.add(stream)
    unsubscribe = request.config_dict[events_key].subscribe(account_of(request), stream.add)
    try:
        await _pump(stream, response, request)
    except ConnectionError:
        pass  # the page went away
    finally:
        unsubscribe()
        streams.open.discard(stream)
    return response


async def _pump(stream: _Stream, response: web.StreamResponse, request: web.Request) -> None:
    await response.write(_frame("clock", clock_body(request)))
    while not stream.closed:
        try:
            async with asyncio.timeout(HEARTBEAT_SECONDS):
                await stream.ready.wait()
        except TimeoutError:
            await response.write(_frame("clock", clock_body(request)))
            continue
        for event in stream.take():
            await response.write(_render(event, request))
