"""Property-based: whatever JSON (or query string) arrives, the answer is never a 5xx, every
error is in Infobip's shape of the endpoint's family, and what was accepted before stays intact.

Bodies are either arbitrary JSON or a valid request with parts replaced by arbitrary values,
nulls, huge numbers, odd digits ('²', Arabic-Indic), lone surrogates, or removed; sent as ASCII
JSON (surrogates escaped) or as raw UTF-8 (surrogates become invalid UTF-8). One simulator (one
account, manual clock, rate limits off) takes every example of a test, so damage would
accumulate: after each example a message sent at the start must still read the same.

Bounded and deterministic: derandomized, a fixed number of examples, no example database.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest
from aiohttp import web
from conftest import Sim
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.app import create_app
from simulator.domain.clock import ClockSpec
from simulator.settings import Settings

SENTINEL_ID = "sentinel-message-1"
SOON = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
"""A valid ``sendAt`` (at most 180 days ahead of the simulator's clock, which starts now)."""
EXAMPLES = 400

SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    # One simulator for every example is the point: damage would show in the next one.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

ODD_TEXT = [
    "",
    " ",
    "\x00",
    "\ud800",
    "\udfff\ud800",
    "+",
    "²²²²²²²",
    "+²41793026727",
    "٤١٧٩٣٠٢٦٧٢٧",
    "41793026727",
    "+41793026727",
    "9" * 5000,
    "1e999",
    "NaN",
    "null",
    "0001-01-01T00:00:00.000+0000",
    "9999-12-31T23:59:59.999+0000",
    "2024-02-30T25:61:00Z",
    "http://127.0.0.1:9/never",
    "GSM7 ÄÖÜ € 😀",
    SENTINEL_ID,
]
HUGE = [2**63, -(2**63) - 1, 10**40, -(10**40), 1e308, -1e308, 5e-324, -0.0]

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from(HUGE)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(ODD_TEXT)
)
any_json = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=12) | st.sampled_from(ODD_TEXT), children, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def mutated(draw: st.DrawFn, value: Any) -> Any:
    """``value`` with some parts replaced, set to null, dropped or extended; strings often
    become odd text."""
    action = draw(st.sampled_from(["keep"] * 17 + ["replace", "null", "scalar"]))
    if action == "replace":
        return draw(any_json)
    if action == "null":
        return None
    if action == "scalar":
        return draw(scalars)
    if isinstance(value, str):
        kind = draw(st.sampled_from(["keep", "keep", "odd", "odd", "text"]))
        if kind == "odd":
            return draw(st.sampled_from(ODD_TEXT))
        return draw(st.text(max_size=30)) if kind == "text" else value
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if draw(st.integers(0, 9)) != 0:  # one key in ten goes missing
                result[key] = draw(mutated(item))
        if draw(st.integers(0, 4)) == 0:
            result[draw(st.sampled_from(ODD_TEXT))] = draw(any_json)
        return result
    if isinstance(value, list):
        items = [draw(mutated(item)) for item in value]
        return items * draw(st.sampled_from([1, 1, 1, 0, 3]))
    return value


def body_bytes(value: Any, ascii_only: bool) -> bytes:
    """JSON text; with raw UTF-8, lone surrogates turn into invalid UTF-8 bytes."""
    return json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")


def assert_infobip_answer(path: str, status: int, raw: bytes) -> Any:
    """No 5xx; JSON; an error is ApiError on /sms/3/* and ApiException elsewhere."""
    assert status < 500, (path, status, raw[:500])
    body = json.loads(raw)
    if status < 400:
        return body
    if path.startswith("/sms/3/"):
        assert set(body) == {"errorCode", "description", "action", "violations", "resources"}
        assert body["errorCode"] == f"E{status}", body
        for violation in body["violations"]:
            assert set(violation) == {"property", "violation"}, body
            assert all(isinstance(v, str) for v in violation.values()), body
    else:
        assert set(body) == {"requestError"}, body
        exception = body["requestError"]["serviceException"]
        assert {"messageId", "text"} <= set(exception) <= {"messageId", "text", "validationErrors"}
        assert isinstance(exception["messageId"], str) and exception["messageId"], body
        for messages in exception.get("validationErrors", {}).values():
            assert messages and all(isinstance(m, str) for m in messages), body
    return body


async def post_raw(sim: Sim, method: str, path: str, raw: bytes) -> tuple[int, Any]:
    headers = {**sim.auth, "Content-Type": "application/json"}
    response = await sim.client.request(method, path, data=raw, headers=headers)
    body = await response.read()
    return response.status, assert_infobip_answer(path, response.status, body)


@pytest.fixture
async def hostile(aiohttp_client: Any) -> Sim:
    """A simulator with a delivered message (custom id) and a subscription set up."""
    settings = Settings(clock=ClockSpec("manual"), seed=7, rate_limits=False)
    app: web.Application = create_app(settings)
    sim = Sim(await aiohttp_client(app), "property-account")
    message = {
        "destinations": [{"to": "41793026727", "messageId": SENTINEL_ID}],
        "content": {"text": "keep me"},
        "webhooks": {"callbackData": "cb"},
    }
    await sim.call("POST", "/sms/3/messages", json={"messages": [message]})
    await sim.advance(5)
    await sim.reports()  # the one report of the sentinel, pulled before anything else
    return sim


async def sentinel(sim: Sim) -> Any:
    return await sim.message(SENTINEL_ID)


SEND_TEMPLATES: dict[str, Any] = {
    "/sms/3/messages": {
        "messages": [
            {
                "sender": "InfoSMS",
                "destinations": [{"to": "41793026727", "messageId": "m-1"}],
                "content": {"text": "Hello", "transliteration": "TURKISH"},
                "options": {
                    "validityPeriod": {"amount": 10, "timeUnit": "MINUTES"},
                    "deliveryTimeWindow": {
                        "days": ["MONDAY"],
                        "from": {"hour": 9},
                        "to": {"hour": 17},
                    },
                },
                "webhooks": {"delivery": {"url": "http://127.0.0.1:9/dlr"}, "callbackData": "x"},
            }
        ],
        "options": {
            "schedule": {"bulkId": "b-1", "sendAt": SOON},
            "includeSmsCountInResponse": True,
        },
    },
    "/sms/2/text/advanced": {
        "bulkId": "b-2",
        "messages": [
            {
                "from": "InfoSMS",
                "destinations": [{"to": "41793026727", "messageId": "m-2"}],
                "text": "Hello",
                "validityPeriod": 60,
                "notifyUrl": "http://127.0.0.1:9/dlr",
                "sendAt": SOON,
                "language": {"languageCode": "TR"},
            }
        ],
        "sendingSpeedLimit": {"amount": 5, "timeUnit": "MINUTE"},
    },
    "/sms/2/binary/advanced": {
        "messages": [
            {
                "destinations": [{"to": "41793026727"}],
                "binary": {"hex": "0f c2 4a bf", "dataCoding": 8, "esmClass": 0},
            }
        ]
    },
    "/sms/1/text/single": {"from": "InfoSMS", "to": ["41793026727"], "text": "Hello"},
    "/sms/2/text/single": {"from": "InfoSMS", "to": "41793026727", "text": "Hello"},
    "/sms/1/text/multi": {"messages": [{"from": "InfoSMS", "to": "41793026727", "text": "Hi"}]},
    "/sms/1/preview": {"text": "Hello ÄÖÜ", "languageCode": "TR", "transliteration": "TURKISH"},
}


@SETTINGS
@given(
    path=st.sampled_from(sorted(SEND_TEMPLATES)),
    data=st.data(),
    ascii_only=st.booleans(),
    arbitrary=st.integers(0, 4),
)
async def test_send_and_preview_bodies(
    hostile: Sim, path: str, data: st.DataObject, ascii_only: bool, arbitrary: int
) -> None:
    before = await sentinel(hostile)
    value = data.draw(any_json if arbitrary == 0 else mutated(SEND_TEMPLATES[path]))
    status, body = await post_raw(hostile, "POST", path, body_bytes(value, ascii_only))
    if status == 200 and path != "/sms/1/preview":
        assert body["messages"], body
        assert all(m["messageId"] != SENTINEL_ID or m["status"]["groupName"] == "REJECTED"
                   for m in body["messages"]), body  # fmt: skip
    assert await sentinel(hostile) == before


SUBSCRIPTION_TEMPLATES: dict[str, Any] = {
    "/subscriptions/1/subscription/SMS": {
        "subscriptionId": "sub-1",
        "name": "reports",
        "events": ["DELIVERY"],
        "profile": {"profileId": "prof-1", "webhook": {"notifyUrl": "http://127.0.0.1:9/x"}},
        "criteria": [{"sender": "InfoSMS"}],
    },
    "/subscriptions/1/profiles": {
        "profileId": "prof-2",
        "webhook": {"notifyUrl": "http://127.0.0.1:9/x", "contentType": "application/json"},
        "security": {
            "authId": "auth-1",
            "type": "BASIC",
            "credentials": {"username": "u", "password": "p"},
        },
        "rateLimit": 10,
    },
    "/subscriptions/1/security": {
        "authId": "auth-2",
        "type": "HMAC",
        "credentials": {"algorithm": "HMAC_SHA_256", "secretKey": "s"},
    },
}


@SETTINGS
@given(
    target=st.sampled_from(sorted(SUBSCRIPTION_TEMPLATES)),
    method=st.sampled_from(["POST", "PUT"]),
    data=st.data(),
    ascii_only=st.booleans(),
    arbitrary=st.integers(0, 4),
)
async def test_subscription_bodies(
    hostile: Sim, target: str, method: str, data: st.DataObject, ascii_only: bool, arbitrary: int
) -> None:
    before = await sentinel(hostile)
    path = target if method == "POST" else f"{target}/{data.draw(st.sampled_from(ODD_TEXT[8:]))}"
    value = data.draw(any_json if arbitrary == 0 else mutated(SUBSCRIPTION_TEMPLATES[target]))
    await post_raw(hostile, method, quote(path, safe="/"), body_bytes(value, ascii_only))
    assert await sentinel(hostile) == before


QUERY_PATHS = [
    "/sms/3/reports",
    "/sms/1/reports",
    "/sms/3/logs",
    "/sms/1/logs",
    "/sms/3/text/query",
    "/sms/1/text/query",
    "/sms/1/inbox/reports",
    "/sms/1/bulks",
    "/sms/1/bulks/status",
]
QUERY_NAMES = [
    "to",
    "text",
    "from",
    "limit",
    "messageId",
    "bulkId",
    "sentSince",
    "sentUntil",
    "generalStatus",
    "cursor",
    "useCursor",
    "validityPeriod",
    "sendAt",
    "username",
    "password",
    "flash",
    "mcc",
]


@st.composite
def query_strings(draw: st.DrawFn) -> str:
    """A raw query string: known and odd names, values as text, raw bytes or %-escapes."""
    pairs = []
    for _ in range(draw(st.integers(0, 5))):
        name = draw(st.sampled_from(QUERY_NAMES) | st.text(max_size=8))
        value = draw(
            st.sampled_from(ODD_TEXT).map(lambda t: t.encode("utf-8", "surrogatepass"))
            | st.binary(max_size=20)
            | st.integers().map(lambda n: str(n).encode())
        )
        raw_name = quote(name.encode("utf-8", "surrogatepass"), safe="")
        pairs.append(f"{raw_name}={quote(value, safe='')}")
    return "&".join(pairs)


@SETTINGS
@given(path=st.sampled_from(QUERY_PATHS), query=query_strings())
async def test_query_strings(hostile: Sim, path: str, query: str) -> None:
    before = await sentinel(hostile)
    response = await hostile.client.get(f"{path}?{query}", headers=hostile.auth)
    assert_infobip_answer(path, response.status, await response.read())
    assert await sentinel(hostile) == before


async def test_after_hostile_requests_the_account_still_works(hostile: Sim) -> None:
    """A control for the properties above: they run against a simulator that does work."""
    for path, template in SEND_TEMPLATES.items():
        status, _ = await post_raw(hostile, "POST", path, body_bytes(template, True))
        assert status == 200, path
    for path, template in SUBSCRIPTION_TEMPLATES.items():
        status, _ = await post_raw(hostile, "POST", path, body_bytes(template, True))
        assert status == 201, path
    logs = await hostile.call("GET", "/sms/3/logs", params={"messageId": SENTINEL_ID})
    [log] = logs["results"]
    assert log["status"]["name"] == "DELIVERED_TO_HANDSET"
    again = {
        "destinations": [{"to": "41793026727", "messageId": SENTINEL_ID}],
        "content": {"text": "again"},
    }
    duplicate = await hostile.call("POST", "/sms/3/messages", json={"messages": [again]})
    assert duplicate["messages"][0]["status"]["name"] == "REJECTED_DUPLICATE_MESSAGE_ID"
    assert (await sentinel(hostile))["text"] == "keep me"
