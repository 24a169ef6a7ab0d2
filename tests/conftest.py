"""Shared fixtures: a simulator app on a manual clock, and a small client that speaks to it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from simulator.app import create_app
from simulator.domain.clock import ClockSpec
from simulator.settings import Settings


class Sim:
    """A test client bound to one API key (one account), with helpers for common calls."""

    def __init__(self, client: TestClient[web.Request, web.Application], key: str) -> None:
        self.client = client
        self.key = key

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"App {self.key}"}

    def as_key(self, key: str) -> Sim:
        return Sim(self.client, key)

    async def call(
        self,
        method: str,
        path: str,
        json: Any = None,
        params: Mapping[str, str] | list[tuple[str, str]] | None = None,
        headers: Mapping[str, str] | None = None,
        expect: int = 200,
    ) -> Any:
        """Make a request and return its JSON body, asserting the status code."""
        response = await self.client.request(
            method, path, json=json, params=params, headers={**self.auth, **(headers or {})}
        )
        body = await response.json()
        assert response.status == expect, (response.status, body)
        return body

    async def send(self, *destinations: str, text: str = "Hello", **message: Any) -> Any:
        """POST /sms/3/messages with one message to ``destinations``."""
        payload = {
            "messages": [
                {
                    "destinations": [{"to": to} for to in destinations],
                    "content": {"text": text},
                    **message,
                }
            ]
        }
        return await self.call("POST", "/sms/3/messages", json=payload)

    async def advance(self, seconds: float) -> Any:
        return await self.call("POST", "/simulator/clock/advance", json={"seconds": seconds})

    async def reports(self, version: int = 3, **params: str) -> list[Any]:
        body = await self.call("GET", f"/sms/{version}/reports", params=params)
        results: list[Any] = body["results"]
        return results

    async def message(self, message_id: str) -> Any:
        return await self.call("GET", f"/simulator/messages/{message_id}")


def app_routes(app: web.Application) -> Iterator[tuple[str, str]]:
    """(method, path pattern) of every route, sub-applications included; HEAD comes with GET
    and is left out; a route for any method has the method ``*``."""
    for resource in app.router.resources():
        sub = getattr(resource, "_app", None)
        if sub is not None:
            yield from app_routes(sub)
            continue
        for route in resource:
            if route.method != "HEAD":
                yield route.method, resource.canonical


@pytest.fixture
def settings() -> Settings:
    return Settings(clock=ClockSpec("manual"), seed=7)


@pytest.fixture
async def sim(aiohttp_client: Any, settings: Settings) -> Sim:
    client = await aiohttp_client(create_app(settings))
    return Sim(client, f"test-{uuid.uuid4().hex[:8]}")
