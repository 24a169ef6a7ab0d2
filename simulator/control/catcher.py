"""The built-in webhook catcher: a receiver for local use and tests, no online hook tool needed.

``/simulator/hooks/{name}`` accepts any request and records it (no API key: the simulator's own
pushes carry none). ``GET /simulator/catcher/{name}`` lists what a hook caught, ``DELETE``
forgets it, and ``POST /simulator/catcher/{name}/respond`` makes it answer the next N requests
with a given status (and optional delay), to exercise retries. Hooks are named, not owned by an
account: pick unique names (e.g. the test's API key) to keep tests apart.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field

from aiohttp import web
from pydantic import Field

from ..api.models.common import Wire
from ..api.request import read_json
from ..api.responses import wire_response
from ..api.timefmt import infobip_time
from ..keys import clock_key

MAX_CAUGHT = 1000
"""Requests kept per hook (oldest dropped first)."""
MAX_BODY_CHARS = 1_000_000


class CaughtRequest(Wire):
    received_at: str
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: str


class CaughtList(Wire):
    name: str
    count: int
    requests: list[CaughtRequest]


class RespondRequest(Wire):
    status: int = Field(ge=100, le=599)
    times: int = Field(default=1, ge=1)
    delay_seconds: float = Field(default=0.0, ge=0, le=600)
    body: str = ""


@dataclass
class _Rule:
    status: int
    remaining: int
    delay: float
    body: str


@dataclass
class _Hook:
    caught: deque[CaughtRequest] = field(default_factory=lambda: deque(maxlen=MAX_CAUGHT))
    rules: deque[_Rule] = field(default_factory=deque)

    def next_answer(self) -> _Rule | None:
        """The scripted answer for this request, if any (each rule answers ``times`` requests)."""
        if not self.rules:
            return None
        rule = self.rules[0]
        rule.remaining -= 1
        if rule.remaining == 0:
            self.rules.popleft()
        return rule


@dataclass
class Catcher:
    hooks: dict[str, _Hook] = field(default_factory=dict)

    def hook(self, name: str) -> _Hook:
        return self.hooks.setdefault(name, _Hook())


catcher_key = web.AppKey("catcher", Catcher)


async def receive(request: web.Request) -> web.Response:
    """Any method on /simulator/hooks/{name}: record it, answer as scripted (else 200)."""
    hook = request.config_dict[catcher_key].hook(request.match_info["name"])
    body = await request.read()
    hook.caught.append(
        CaughtRequest(
            received_at=infobip_time(request.config_dict[clock_key].now()),
            method=request.method,
            path=request.path,
            query=request.query_string,
            headers=dict(request.headers),
            body=body.decode("utf-8", "replace")[:MAX_BODY_CHARS],
        )
    )
    rule = hook.next_answer()
    if rule is None:
        return web.json_response({"received": True})
    if rule.delay:
        await asyncio.sleep(rule.delay)  # a slow receiver, in real time on purpose
    return web.Response(status=rule.status, text=rule.body)


async def caught(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    hook = request.config_dict[catcher_key].hook(name)
    requests = list(hook.caught)
    return wire_response(CaughtList(name=name, count=len(requests), requests=requests))


async def forget(request: web.Request) -> web.Response:
    request.config_dict[catcher_key].hooks.pop(request.match_info["name"], None)
    return web.json_response({"cleared": True})


async def respond(request: web.Request) -> web.Response:
    body = await read_json(request, RespondRequest)
    hook = request.config_dict[catcher_key].hook(request.match_info["name"])
    hook.rules.append(_Rule(body.status, body.times, body.delay_seconds, body.body))
    return web.json_response({"scripted": len(hook.rules)})


def setup_catcher(control: web.Application) -> None:
    control.router.add_route("*", "/hooks/{name}", receive)
    control.router.add_get("/catcher/{name}", caught)
    control.router.add_delete("/catcher/{name}", forget)
    control.router.add_post("/catcher/{name}/respond", respond)
