"""Logs: ``GET /sms/3/logs`` (cursor paging) and ``GET /sms/1/logs``; 120 requests a minute."""

from __future__ import annotations

import base64
import binascii

from aiohttp import web

from ..domain.errors import InvalidRequest, Violation
from ..domain.outbound import LogPage, LogQuery
from ..domain.statuses import StatusGroup
from ..keys import outbound_key, rate_limiter_key
from .models.logs import CursorBody, LogQueryBase, LogQueryV1, LogQueryV3, LogsV1, LogsV3
from .render import log_v1, log_v3
from .request import account_of, read_query
from .responses import wire_response
from .timefmt import epoch_of

LOGS_PER_MINUTE = 120
_LISTS = frozenset({"bulkId", "messageId", "campaignReferenceId"})


def _domain_query(query: LogQueryBase, sender: str | None, destination: str | None) -> LogQuery:
    if query.mnc is not None and query.mcc is None:
        raise InvalidRequest(violations=[Violation("mnc", "mnc requires mcc")])
    return LogQuery(
        sender=sender,
        destination=destination,
        bulk_ids=frozenset(query.bulk_id),
        message_ids=frozenset(query.message_id),
        general_status=StatusGroup[query.general_status] if query.general_status else None,
        sent_since=epoch_of(query.sent_since) if query.sent_since else None,
        sent_until=epoch_of(query.sent_until) if query.sent_until else None,
        mcc=query.mcc,
        mnc=query.mnc,
        entity_id=query.entity_id,
        application_id=query.application_id,
        campaign_reference_ids=frozenset(query.campaign_reference_id),
        limit=query.limit,
    )


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"seq:{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        name, _, seq = text.partition(":")
        if name == "seq" and seq.isascii() and seq.isdigit() and len(seq) <= 18:
            return int(seq)
    except (binascii.Error, UnicodeDecodeError):
        pass
    raise InvalidRequest(violations=[Violation("cursor", "is not a cursor this API returned")])


def _page(request: web.Request, query: LogQuery, before_seq: int | None = None) -> LogPage:
    account = account_of(request)
    request.app[rate_limiter_key].check(account, request.path, LOGS_PER_MINUTE)
    return request.app[outbound_key].logs(account, query, before_seq)


async def logs_v3(request: web.Request) -> web.Response:
    query = read_query(request, LogQueryV3, _LISTS)
    before = decode_cursor(query.cursor) if query.cursor else None
    page = _page(request, _domain_query(query, query.sender, query.destination), before)
    carrier = request.app[outbound_key].carrier
    cursor = None
    if query.use_cursor:
        following = encode_cursor(page.next_before_seq) if page.next_before_seq else None
        cursor = CursorBody(limit=query.limit, next_cursor=following)
    results = [log_v3(m, carrier) for m in page.messages]
    return wire_response(LogsV3(results=results, cursor=cursor))


async def logs_v1(request: web.Request) -> web.Response:
    query = read_query(request, LogQueryV1, _LISTS)
    page = _page(request, _domain_query(query, query.from_, query.to))
    carrier = request.app[outbound_key].carrier
    return wire_response(LogsV1(results=[log_v1(m, carrier) for m in page.messages]))
