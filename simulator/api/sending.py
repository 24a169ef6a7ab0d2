"""Send endpoints. Every flavour parses its own shape and goes through ``Outbound.submit``."""

from __future__ import annotations

from functools import partial

from aiohttp import web

from ..domain.outbound import Accepted, Submission
from ..keys import authenticator_key, clock_key, outbound_key
from . import submissions
from .models.send_v2 import (
    BinaryRequestV2,
    MultiTextRequest,
    QuerySendV1,
    SendResponseV2,
    SingleTextRequest,
    TextRequestV2,
)
from .models.send_v3 import QuerySendV3, SendRequestV3
from .render import send_response_v3, sent_v2
from .request import account_of, read_json, read_query
from .responses import wire_response

_TO = frozenset({"to"})


def _submit(request: web.Request, submission: Submission, account: str | None = None) -> Accepted:
    outbound = request.app[outbound_key]
    return outbound.submit(account or account_of(request), submission)


def _now(request: web.Request) -> float:
    return request.app[clock_key].now()


def _base(request: web.Request) -> str:
    """Where the caller reached the simulator: short links start here."""
    return f"{request.scheme}://{request.host}"


def _v3(accepted: Accepted, with_count: bool) -> web.Response:
    return wire_response(send_response_v3(accepted, with_count))


def _v2(accepted: Accepted, with_count: bool) -> web.Response:
    messages = [sent_v2(m, with_count) for m in accepted.messages]
    return wire_response(SendResponseV2(bulk_id=accepted.bulk_id, messages=messages))


async def send_v3(request: web.Request) -> web.Response:
    """POST /sms/3/messages"""
    body = await read_json(request, SendRequestV3)
    accepted = _submit(request, submissions.from_v3(body, _now(request), partial(_base, request)))
    options = body.options
    return _v3(accepted, bool(options and options.include_sms_count_in_response))


async def send_query_v3(request: web.Request) -> web.Response:
    """GET /sms/3/text/query"""
    query = read_query(request, QuerySendV3, _TO)
    accepted = _submit(request, submissions.from_query(query, "v3", _now(request)))
    return _v3(accepted, query.include_sms_count_in_response)


async def send_text_v2(request: web.Request) -> web.Response:
    """POST /sms/2/text/advanced"""
    body = await read_json(request, TextRequestV2)
    accepted = _submit(
        request, submissions.from_v2_text(body, _now(request), partial(_base, request))
    )
    return _v2(accepted, body.include_sms_count_in_response)


async def send_binary_v2(request: web.Request) -> web.Response:
    """POST /sms/2/binary/advanced"""
    body = await read_json(request, BinaryRequestV2)
    accepted = _submit(request, submissions.from_v2_binary(body, _now(request)))
    return _v2(accepted, body.include_sms_count_in_response)


async def send_query_v1(request: web.Request) -> web.Response:
    """GET /sms/1/text/query: authenticated by ``username``/``password`` query parameters."""
    query = read_query(request, QuerySendV1, _TO)
    authenticator = request.app[authenticator_key]
    account = authenticator.from_user_password(query.username, query.password)
    accepted = _submit(request, submissions.from_query(query, "v2", _now(request)), account)
    return _v2(accepted, True)


async def send_single(request: web.Request) -> web.Response:
    """Legacy POST /sms/1/text/single and /sms/2/text/single."""
    body = await read_json(request, SingleTextRequest)
    return _v2(_submit(request, submissions.from_single(body)), True)


async def send_multi(request: web.Request) -> web.Response:
    """Legacy POST /sms/1/text/multi."""
    body = await read_json(request, MultiTextRequest)
    return _v2(_submit(request, submissions.from_multi(body)), True)
