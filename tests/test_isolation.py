"""Accounts are isolated: no route lets one API key read or change another key's data.

Alice (one key) builds up some of everything an account can own: messages (one scheduled in a
bulk, one with a short link, a click and a conversion), a queued delivery report, a webhook
outbox entry, an inbound message in the inbox, a keyword, subscriptions, profiles and security,
an assigned scenario and a fault. Then Bob (another key) calls one route, with Alice's ids
wherever the route takes one. Every case checks that

- Bob's answer has the expected status and names none of Alice's data (her ids, texts, numbers
  and credentials, unless Bob's own request carried them);
- Alice's account reads exactly as before (every read-only view of the control and Infobip
  APIs, the export included), her fetch-once inbox and reports still hold exactly her items, and
  a send of hers is not hit by anything Bob set up.

Every route the application serves is either a case here or in ``NO_ACCOUNT`` with the reason
it holds no account's data: a new route fails ``test_every_route_is_covered`` until it is one.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from conftest import app_routes

from simulator.app import create_app
from simulator.domain.clock import ClockSpec
from simulator.settings import Settings

ALICE, BOB = "alice", "bob"
PHONE = "41793026727"
NUMBER = "385921004026"  # Alice's receiving number, with her keyword
SUBSCRIBER = "385916242493"
WAIT = "0.05"  # wall seconds a wait of Bob's may take before its 408

NO_ACCOUNT: dict[tuple[str, str], str] = {
    ("GET", "/healthz"): "health: status, clock and mode only",
    ("GET", "/livez"): "health: status, clock and mode only",
    ("GET", "/readyz"): "health: status, clock and mode only",
    ("GET", "/metrics"): "counters summed over every account, no account label",
    ("GET", "/"): "the web page's static HTML",
    ("GET", "/ui/{filename}"): "the web page's static files",
    ("GET", "/simulator/docs"): "the static API reference page",
    ("GET", "/simulator/openapi.json"): "the API description, the same for everybody",
    ("GET", "/t/{code}"): "a short link opened by a phone (no key): a redirect; the click "
    "lands in the link's own account",
    ("GET", "/simulator/clock"): "one clock serves every account",
    ("POST", "/simulator/clock/advance"): "one clock serves every account",
    ("*", "/simulator/hooks/{name}"): "the catcher: hooks are named by whoever uses them and "
    "belong to no account (pushes carry no API key)",
    ("GET", "/simulator/catcher"): "the catcher's hook names (no account's)",
    ("GET", "/simulator/catcher/{name}"): "the catcher: a hook belongs to no account",
    ("DELETE", "/simulator/catcher/{name}"): "the catcher: a hook belongs to no account",
    ("POST", "/simulator/catcher/{name}/respond"): "the catcher: a hook belongs to no account",
}
"""Routes that hold no account's data, and why. ``POST /simulator/reset {"all": true}`` is
global on purpose (it forgets every account); its account form is a case below."""


@dataclass(frozen=True)
class Case:
    """Bob calls ``method path`` (``{...}`` filled from Alice's world) and gets ``status``."""

    method: str
    path: str
    route: str = ""
    """The route's pattern when ``path`` is more concrete (ids, a query string)."""
    json: Any = None
    status: int = 200
    results: bool = False
    """The answer has a ``results`` list, which must be empty."""

    @property
    def key(self) -> tuple[str, str]:
        return self.method, self.route or self.path.partition("?")[0]

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}"


SMS, PROFILES, SECURITY = (
    "/subscriptions/1/subscription/SMS",
    "/subscriptions/1/profiles",
    "/subscriptions/1/security",
)
SUB_ROUTE = "/subscriptions/1/subscription/{channel}/{subscriptionId}"
BOB_HOOK = "http://127.0.0.1:9/bob"
BOB_CREDENTIALS = {"username": "b", "password": "b"}
V3_SEND = {
    "messages": [
        {
            "destinations": [{"to": PHONE, "messageId": "a-msg-1"}],
            "content": {"text": "bob text"},
        }
    ],
    "options": {"schedule": {"bulkId": "a-bulk-1"}},
}
V2_DESTINATIONS = [{"to": PHONE, "messageId": "a-msg-1"}]
BULK = "/sms/1/bulks?bulkId=a-sched"
BULK_STATUS = "/sms/1/bulks/status?bulkId=a-sched"

CASES = [
    # sending: Bob may reuse Alice's message and bulk ids; they are his own then
    Case("POST", "/sms/3/messages", json=V3_SEND),
    Case("GET", f"/sms/3/text/query?to={PHONE}&text=bob&bulkId=a-bulk-1"),
    Case(
        "POST",
        "/sms/2/text/advanced",
        json={"bulkId": "a-bulk-1", "messages": [{"destinations": V2_DESTINATIONS, "text": "b"}]},
    ),
    Case(  # Alice has a fault on this path: it must not fire for Bob
        "POST",
        "/sms/2/binary/advanced",
        json={"messages": [{"destinations": V2_DESTINATIONS, "binary": {"hex": "48 69"}}]},
    ),
    Case("GET", f"/sms/1/text/query?username={BOB}&password=pw&to={PHONE}&text=b"),
    Case("POST", "/sms/1/text/single", json={"to": PHONE, "text": "bob"}),
    Case("POST", "/sms/2/text/single", json={"to": PHONE, "text": "bob"}),
    Case("POST", "/sms/1/text/multi", json={"messages": [{"to": PHONE, "text": "bob"}]}),
    Case("POST", "/sms/1/preview", json={"text": "bob"}),
    # reading what was sent
    Case("GET", "/sms/3/reports", results=True),
    Case("GET", "/sms/1/reports", results=True),
    Case("GET", "/sms/3/reports?messageId=a-msg-3", results=True),
    Case("GET", "/sms/3/logs", results=True),
    Case("GET", "/sms/3/logs?messageId=a-msg-1", results=True),
    Case("GET", "/sms/1/logs", results=True),
    Case("GET", "/sms/1/inbox/reports", results=True),
    Case("POST", "/ct/1/log/end/a-msg-1", route="/ct/1/log/end/{message_id}", status=404),
    # scheduled bulks
    Case("GET", BULK, status=404),
    Case("PUT", BULK, json={"sendAt": "{later}"}, status=404),
    Case("GET", BULK_STATUS, status=404),
    Case("PUT", BULK_STATUS, json={"status": "CANCELED"}, status=404),
    Case("PUT", BULK_STATUS, json={"status": "PAUSED"}, status=404),
    # subscriptions, profiles, security: Bob may reuse Alice's ids for his own
    Case("GET", SMS, route="/subscriptions/1/subscription/{channel}", results=True),
    Case(
        "POST",
        SMS,
        route="/subscriptions/1/subscription/{channel}",
        json={
            "subscriptionId": "a-sub",
            "events": ["DELIVERY"],
            "profile": {"profileId": "a-prof", "webhook": {"notifyUrl": BOB_HOOK}},
        },
        status=201,
    ),
    Case("GET", f"{SMS}/a-sub", route=SUB_ROUTE, status=404),
    Case(
        "PUT",
        f"{SMS}/a-sub",
        route=SUB_ROUTE,
        json={"events": ["DELIVERY"], "profile": {"profileId": "a-prof"}},
        status=404,
    ),
    Case("DELETE", f"{SMS}/a-sub", route=SUB_ROUTE, status=404),
    Case("GET", PROFILES, results=True),
    Case(
        "POST",
        PROFILES,
        json={"profileId": "a-prof", "webhook": {"notifyUrl": BOB_HOOK}},
        status=201,
    ),
    Case("GET", f"{PROFILES}/a-prof", route=f"{PROFILES}/{{profileId}}", status=404),
    Case(
        "PUT",
        f"{PROFILES}/a-prof",
        route=f"{PROFILES}/{{profileId}}",
        json={"webhook": {"notifyUrl": BOB_HOOK}},
        status=404,
    ),
    Case("DELETE", f"{PROFILES}/a-prof", route=f"{PROFILES}/{{profileId}}", status=404),
    Case("GET", SECURITY, results=True),
    Case(
        "POST",
        SECURITY,
        json={"authId": "a-sec", "type": "BASIC", "credentials": BOB_CREDENTIALS},
        status=201,
    ),
    Case("GET", f"{SECURITY}/a-sec", route=f"{SECURITY}/{{authId}}", status=404),
    Case(
        "PUT",
        f"{SECURITY}/a-sec",
        route=f"{SECURITY}/{{authId}}",
        json={"type": "BASIC", "credentials": BOB_CREDENTIALS},
        status=404,
    ),
    Case("DELETE", f"{SECURITY}/a-sec", route=f"{SECURITY}/{{authId}}", status=404),
    # the control API: messages, links, conversions
    Case("GET", "/simulator/messages", results=True),
    Case("GET", f"/simulator/messages?to={PHONE}", results=True),
    Case("GET", "/simulator/messages/a-msg-1", route="/simulator/messages/{message_id}",
         status=404),
    Case(
        "GET",
        "/simulator/messages/a-msg-1/links",
        route="/simulator/messages/{message_id}/links",
        results=True,
    ),
    Case(
        "GET",
        "/simulator/messages/a-msg-1/conversions",
        route="/simulator/messages/{message_id}/conversions",
        status=404,
    ),
    Case("POST", "/simulator/reset", json={}),
    # webhooks
    Case("GET", "/simulator/webhooks", results=True),
    Case("GET", "/simulator/webhooks?messageId=a-msg-1", results=True),
    Case(
        "POST",
        "/simulator/webhooks/{entry}/redeliver",
        route="/simulator/webhooks/{entry_id}/redeliver",
        status=404,
    ),
    # inbound and keywords: Bob's SMS to Alice's number and keyword is his own
    Case(
        "POST",
        "/simulator/inbound",
        json={"from": SUBSCRIBER, "to": NUMBER, "text": "ALICEWORD from bob"},
        status=201,
    ),
    Case("GET", "/simulator/keywords", results=True),
    Case("POST", "/simulator/keywords", json={"number": NUMBER, "keyword": "ALICEWORD"},
         status=201),
    Case(
        "DELETE",
        f"/simulator/keywords/{NUMBER}/ALICEWORD",
        route="/simulator/keywords/{number}/{keyword}",
        status=404,
    ),
    # scenario, export, import: a path naming Alice's account is hers only
    Case("GET", "/simulator/accounts/alice/scenario", route="/simulator/accounts/{key}/scenario",
         status=403),
    Case("PUT", "/simulator/accounts/alice/scenario", route="/simulator/accounts/{key}/scenario",
         json={"name": "all-fail"}, status=403),
    Case("DELETE", "/simulator/accounts/alice/scenario",
         route="/simulator/accounts/{key}/scenario", status=403),
    Case("GET", "/simulator/accounts/bob/scenario", route="/simulator/accounts/{key}/scenario"),
    Case("GET", "/simulator/accounts/alice/export", route="/simulator/accounts/{key}/export",
         status=403),
    Case("POST", "/simulator/accounts/alice/import", route="/simulator/accounts/{key}/import",
         json={"account": "bob"}, status=403),
    # faults
    Case("GET", "/simulator/faults", results=True),
    Case("POST", "/simulator/faults", json={"status": 503, "path": "/sms/3/messages"}),
    Case("DELETE", "/simulator/faults"),
    Case("DELETE", "/simulator/faults/{fault}", route="/simulator/faults/{fault_id}", status=404),
    # waits end in 408: Alice's message, webhook, number and inbound are not Bob's
    Case("GET", f"/simulator/wait/messages/a-msg-1?timeout={WAIT}",
         route="/simulator/wait/messages/{message_id}", status=408),
    Case("GET", f"/simulator/wait/webhooks?messageId=a-msg-1&timeout={WAIT}", status=408),
    Case("GET", f"/simulator/wait/latest-message?to={PHONE}&timeout={WAIT}", status=408),
    Case("GET", f"/simulator/wait/inbound?count=1&timeout={WAIT}", status=408),
]  # fmt: skip
ELSEWHERE = {("GET", "/simulator/events"): "test_the_live_stream_carries_only_the_callers_events"}


# The world


@dataclass
class World:
    client: TestClient[web.Request, web.Application]
    ids: dict[str, str] = field(default_factory=dict)
    """Alice's generated ids, by name: ``entry`` (webhook), ``fault``, ``code`` (short link),
    and ``later`` (a time for a reschedule)."""

    async def call(
        self, key: str, method: str, path: str, json: Any = None, expect: int | None = 200
    ) -> tuple[int, str]:
        response = await self.client.request(
            method, path, json=json, headers={"Authorization": f"App {key}"}
        )
        text = await response.text()
        if expect is not None:
            assert response.status == expect, (method, path, response.status, text)
        return response.status, text

    async def alice(self, method: str, path: str, json: Any = None, expect: int = 200) -> Any:
        _, text = await self.call(ALICE, method, path, json, expect)
        return _loads(text)

    @property
    def canaries(self) -> list[str]:
        """Strings only Alice's data holds."""
        fixed = [
            "a-msg-1", "a-msg-2", "a-msg-3", "a-bulk-1", "a-sched", "a-sub", "a-prof", "a-sec",
            "a-app", "alice-canary", "alice-inbound", "alice-user", "alice-pw", "alice-hook",
            "ALICEWORD", PHONE, NUMBER, SUBSCRIBER,
        ]  # fmt: skip
        return [*fixed, self.ids["entry"], self.ids["code"]]


def _loads(text: str) -> Any:
    return json.loads(text) if text else None


def _at(epoch_ms: int, plus: timedelta) -> str:
    moment = datetime.fromtimestamp(epoch_ms / 1000, UTC) + plus
    return moment.isoformat(timespec="milliseconds")


async def alice_world(client: TestClient[web.Request, web.Application]) -> World:
    world = World(client)
    a = world.alice
    hook = str(client.make_url("/simulator/hooks/alice-hook"))
    await a("POST", SECURITY, {"authId": "a-sec", "type": "BASIC",
            "credentials": {"username": "alice-user", "password": "alice-pw"}}, 201)  # fmt: skip
    profile = {
        "profileId": "a-prof",
        "webhook": {"notifyUrl": hook},
        "security": {"authId": "a-sec"},
    }
    await a("POST", PROFILES, profile, 201)
    subscription = {
        "subscriptionId": "a-sub",
        "events": ["DELIVERY"],
        "criteria": [{"applicationId": "a-app"}],  # none of her messages: reports stay queued
        "profile": {"profileId": "a-prof"},
    }
    await a("POST", SMS, subscription, 201)
    await a("POST", "/simulator/keywords", {"number": NUMBER, "keyword": "ALICEWORD"}, 201)
    await a("PUT", "/simulator/accounts/alice/scenario", {"name": "default"})
    fault = await a("POST", "/simulator/faults", {"status": 500, "path": "/sms/2/binary/advanced"})
    world.ids["fault"] = str(fault["id"])
    now_ms = (await a("GET", "/simulator/clock"))["nowEpochMs"]
    world.ids["later"] = _at(now_ms, timedelta(days=2))
    await a("POST", "/sms/3/messages", {
        "messages": [{
            "destinations": [{"to": PHONE, "messageId": "a-msg-1"}],
            "content": {"text": "alice-canary https://example.com/alice-canary-page"},
            "webhooks": {"delivery": {"url": hook}},
        }],
        "options": {"schedule": {"bulkId": "a-bulk-1"}, "tracking": {"shortenUrl": True}},
    })  # fmt: skip
    await a("POST", "/sms/3/messages", {
        "messages": [{"destinations": [{"to": PHONE, "messageId": "a-msg-3"}],
                      "content": {"text": "alice-canary pulled"}}],
    })  # fmt: skip
    await a("POST", "/sms/3/messages", {
        "messages": [{"destinations": [{"to": PHONE, "messageId": "a-msg-2"}],
                      "content": {"text": "alice-canary later"}}],
        "options": {"schedule": {"bulkId": "a-sched", "sendAt": _at(now_ms, timedelta(days=1))}},
    })  # fmt: skip
    await a("POST", "/simulator/clock/advance", {"seconds": 5})
    entry = await a("GET", "/simulator/wait/webhooks?messageId=a-msg-1&timeout=10")
    world.ids["entry"] = entry["id"]
    await a("POST", "/ct/1/log/end/a-msg-1")
    (link,) = (await a("GET", "/simulator/messages/a-msg-1/links"))["results"]
    code = link["shortUrl"].rsplit("/", 1)[1]
    world.ids["code"] = code
    clicked = await client.get(f"/t/{code}", allow_redirects=False)
    assert clicked.status == 302
    text = "ALICEWORD alice-inbound"
    inbound = {"from": SUBSCRIBER, "to": NUMBER, "text": text}
    await a("POST", "/simulator/inbound", inbound, 201)
    return world


SNAPSHOT = [
    "/simulator/messages",
    "/simulator/messages/a-msg-1",
    "/simulator/messages/a-msg-1/links",
    "/simulator/messages/a-msg-1/conversions",
    "/simulator/webhooks",
    "/simulator/keywords",
    "/simulator/faults",
    "/simulator/accounts/alice/scenario",
    "/simulator/accounts/alice/export",
    "/simulator/wait/inbound?count=1&timeout=1",
    BULK,
    BULK_STATUS,
    SMS,
    f"{SMS}/a-sub",
    PROFILES,
    f"{PROFILES}/a-prof",
    SECURITY,
    f"{SECURITY}/a-sec",
]
"""Every read-only view of Alice's account (the export holds her queued reports)."""


async def snapshot(world: World) -> dict[str, Any]:
    views = {path: await world.alice("GET", path) for path in SNAPSHOT}
    views["/simulator/accounts/alice/export"].pop("clock")  # one clock serves every account
    return views


async def assert_alice_intact(world: World, before: dict[str, Any]) -> None:
    assert await snapshot(world) == before
    (report,) = (await world.alice("GET", "/sms/3/reports"))["results"]
    assert report["messageId"] == "a-msg-3"
    (inbound,) = (await world.alice("GET", "/sms/1/inbox/reports"))["results"]
    assert inbound["text"] == "ALICEWORD alice-inbound"
    send = {"messages": [{"destinations": [{"to": PHONE}], "content": {"text": "again"}}]}
    await world.alice("POST", "/sms/3/messages", send)  # no fault of Bob's fires


@pytest.fixture
async def world(aiohttp_client: Any) -> World:
    settings = Settings(clock=ClockSpec("manual"), seed=7)
    return await alice_world(await aiohttp_client(create_app(settings)))


def _fill(value: Any, ids: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return value.format_map(ids) if "{" in value else value
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_another_key_cannot_reach_the_account(world: World, case: Case) -> None:
    before = await snapshot(world)
    path, body = _fill(case.path, world.ids), _fill(case.json, world.ids)
    _, text = await world.call(BOB, case.method, path, body, expect=case.status)
    asked = path + json.dumps(body)
    leaked = [c for c in world.canaries if c in text and c not in asked]
    assert leaked == [], text
    if case.results:
        assert _loads(text)["results"] == []
    await assert_alice_intact(world, before)


async def test_the_live_stream_carries_only_the_callers_events(world: World) -> None:
    headers = {"Authorization": f"App {BOB}"}
    async with world.client.get("/simulator/events", headers=headers) as stream:
        assert stream.status == 200
        seen = [(await stream.content.readuntil(b"\n\n")).decode()]  # the clock, at first
        await world.alice("POST", "/sms/3/messages", {
            "messages": [{"destinations": [{"to": PHONE, "messageId": "a-msg-4"}],
                          "content": {"text": "alice-canary live"}}]})  # fmt: skip
        await world.alice("POST", "/simulator/inbound", {"to": NUMBER, "text": "alice-canary"}, 201)
        sent = {"messages": [{"destinations": [{"to": "41793000001"}], "content": {"text": "b"}}]}
        _, text = await world.call(BOB, "POST", "/sms/3/messages", sent)
        bobs = json.loads(text)["messages"][0]["messageId"]
        async with asyncio.timeout(5):
            while bobs not in seen[-1]:
                seen.append((await stream.content.readuntil(b"\n\n")).decode())
    frames = "".join(seen)
    assert [c for c in [*world.canaries, "a-msg-4"] if c in frames] == []
    assert "event: message" in seen[-1]
    assert (await world.alice("GET", "/simulator/messages/a-msg-4"))["to"] == PHONE


# Every route is covered


def test_every_route_is_covered() -> None:
    served = set(app_routes(create_app(Settings(clock=ClockSpec("manual")))))
    cases = {c.key for c in CASES}
    assert sorted(served - cases - NO_ACCOUNT.keys() - ELSEWHERE.keys()) == []
    assert sorted((cases | NO_ACCOUNT.keys() | ELSEWHERE.keys()) - served) == []
    assert not cases & NO_ACCOUNT.keys()


async def test_alices_own_views_hold_every_canary(world: World) -> None:
    """The leak check is not vacuous: each canary is in something Alice can read."""
    views = [json.dumps(await snapshot(world))]
    for path in ("/sms/3/reports", "/sms/1/inbox/reports"):
        views.append(json.dumps(await world.alice("GET", path)))
    seen = "".join(views)
    assert [c for c in world.canaries if c not in seen] == []
