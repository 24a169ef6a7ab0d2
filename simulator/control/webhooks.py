"""Control API for pushes: every outbox entry with every attempt, and redelivery."""

from __future__ import annotations

from typing import Literal

from aiohttp import web

from ..api.models.common import Wire
from ..api.request import account_of, read_query
from ..api.responses import wire_response
from ..api.timefmt import infobip_time
from ..domain.errors import NotFound
from ..domain.outbox import OutboxEntry
from ..keys import outbox_key


class AttemptBody(Wire):
    number: int
    at: str
    status_code: int | None = None
    error: str | None = None
    latency_ms: float
    response: str
    succeeded: bool


class EntryBody(Wire):
    id: str
    event: str
    url: str
    state: str
    message_ids: list[str]
    subscription_id: str | None = None
    created_at: str
    next_attempt_at: str | None = None
    retries: int
    headers: dict[str, str]
    body: str
    attempts: list[AttemptBody]


class EntryList(Wire):
    results: list[EntryBody]


class EntryFilter(Wire):
    message_id: str | None = None
    state: Literal["pending", "succeeded", "dead"] | None = None


def entry_body(entry: OutboxEntry) -> EntryBody:
    push = entry.push
    return EntryBody(
        id=entry.id,
        event=entry.event,
        url=push.url,
        state=entry.state,
        message_ids=list(entry.message_ids),
        subscription_id=entry.subscription_id,
        created_at=infobip_time(entry.created_at),
        next_attempt_at=infobip_time(entry.next_attempt_at) if entry.next_attempt_at else None,
        retries=entry.retries,
        headers=dict(push.headers),
        body=push.body.decode("utf-8", "replace"),
        attempts=[
            AttemptBody(
                number=a.number,
                at=infobip_time(a.at),
                status_code=a.outcome.status,
                error=a.outcome.error,
                latency_ms=a.outcome.latency_ms,
                response=a.outcome.response,
                succeeded=a.outcome.succeeded,
            )
            for a in entry.attempts
        ],
    )


async def list_webhooks(request: web.Request) -> web.Response:
    wanted = read_query(request, EntryFilter)
    entries = request.config_dict[outbox_key].entries(
        account_of(request), wanted.message_id, wanted.state
    )
    return wire_response(EntryList(results=[entry_body(e) for e in entries]))


async def redeliver(request: web.Request) -> web.Response:
    entry = request.config_dict[outbox_key].redeliver(
        account_of(request), request.match_info["entry_id"]
    )
    if entry is None:
        raise NotFound("Webhook entry not found")
    return wire_response(entry_body(entry))


def setup_webhook_routes(control: web.Application) -> None:
    control.router.add_get("/webhooks", list_webhooks)
    control.router.add_post("/webhooks/{entry_id}/redeliver", redeliver)
