"""Schemathesis fuzzes every operation of ``/simulator/openapi.json`` against a running simulator.

The document is the one the simulator serves (built from code, so it is loaded without a
request); the requests go to a real simulator on 127.0.0.1 (manual clock). Every operation gets
its examples, coverage cases (boundaries, wrong types, missing fields) and a bounded number of
generated cases, valid and invalid, on a fixed seed. Checked on every answer: no 5xx, a
documented status and content type, a body valid against the document, and every error in
Infobip's shape of the endpoint's family.

Kept away from the fuzzing: ``/simulator/events`` (a live stream that never ends); the waits and
the catcher's scripted delays are capped to a few milliseconds of wall time; webhook pushes
(the fuzzer may register any URL and move the clock) never leave 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import schemathesis
from aiohttp import web
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from simulator.app import create_app
from simulator.control.openapi import document
from simulator.domain.clock import ClockSpec
from simulator.domain.outbox import Outcome, Push
from simulator.keys import outbox_key
from simulator.settings import Settings

ACCOUNT = "fuzz-main-account"
FAULTS_ACCOUNT = "fuzz-faults-account"
"""Faults added by the fuzzer fail the Infobip API of their account on purpose: that account is
used for nothing else."""
NAMED_ACCOUNT = "fuzz-named-account"
"""``/simulator/accounts/{key}/...`` (scenario, export, import) answers only the caller's own
key: these operations name and use this account, so an assigned scenario stays there."""
WALL_CAP = 0.02
"""Seconds: the most a wait or a scripted catcher delay may block one fuzzed request."""

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 7,
        "generation": {"deterministic": True, "database": "none", "max-examples": 8},
        "phases": {"stateful": {"enabled": False}},
    }
)
schema = schemathesis.openapi.from_dict(document(), config=CONFIG).exclude(path="/simulator/events")


class LoopbackOnly:
    """The outbox's sender for this simulator: pushes to 127.0.0.1 go out, others fail."""

    def __init__(self, real: Any) -> None:
        self.real = real

    async def send(self, push: Push) -> Outcome:
        if urlsplit(push.url).hostname == "127.0.0.1":
            result: Outcome = await self.real.send(push)
            return result
        return Outcome(None, "not sent: the fuzzing test pushes only to 127.0.0.1", 0.0, "", False)


class FuzzServer:
    """A simulator (manual clock) serving from a background thread, pushing only locally."""

    def __init__(self) -> None:
        self.url = ""
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=asyncio.run, args=(self._serve(),), daemon=True)

    def start(self) -> str:
        self._thread.start()
        assert self._ready.wait(30), "the simulator did not start"
        return self.url

    def stop(self) -> None:
        assert self._loop is not None and self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)

    async def _serve(self) -> None:
        app = create_app(Settings(clock=ClockSpec("manual"), seed=7))
        app[outbox_key].sender = LoopbackOnly(app[outbox_key].sender)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self._ready.set()
        try:
            await self._stop.wait()
        finally:
            await runner.cleanup()


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    server = FuzzServer()
    yield server.start()
    server.stop()


def infobip_error_shape(ctx: Any, response: Any, case: Any) -> bool | None:
    """A 4xx/5xx answer is ``ApiError`` on ``/sms/3/*`` and ``ApiException`` elsewhere."""
    if response.status_code < 400:
        return None
    path = urlsplit(response.request.url).path
    body = json.loads(response.content)
    status = response.status_code
    if path.startswith("/sms/3/"):
        assert set(body) == {"errorCode", "description", "action", "violations", "resources"}
        assert body["errorCode"] == f"E{status}", body
        assert all(set(v) == {"property", "violation"} for v in body["violations"]), body
    else:
        extra = {"seen"} if path.startswith("/simulator/wait/") and status == 408 else set()
        assert set(body) - extra == {"requestError"}, body
        exception = body["requestError"]["serviceException"]
        assert {"messageId", "text"} <= set(exception) <= {"messageId", "text", "validationErrors"}
        assert isinstance(exception["messageId"], str) and exception["messageId"], body
        assert isinstance(exception["text"], str), body
    return True


def _cap(values: dict[str, Any], name: str, default_blocks: bool) -> None:
    """Lower a wall-clock duration the fuzzer chose (valid numbers only; bad ones stay bad)."""
    value = values.get(name)
    if value is None:
        if default_blocks:
            values[name] = WALL_CAP
        return
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return
    if not isinstance(value, bool) and seconds > WALL_CAP:
        values[name] = WALL_CAP


def _tame(case: Any) -> str:
    """Bound what may block, keep scripted catcher answers, faults and scenarios away from the
    other operations; the API key to call with."""
    path: str = case.path
    if path.startswith("/simulator/wait/") and isinstance(case.query, dict):
        _cap(case.query, "timeout", default_blocks=True)
    if path == "/simulator/catcher/{name}/respond":
        if isinstance(case.body, dict):
            _cap(case.body, "delaySeconds", default_blocks=False)
        case.path_parameters["name"] = f"scripted-{case.path_parameters.get('name')}"
    if "{key}" in path:
        case.path_parameters["key"] = NAMED_ACCOUNT
        return NAMED_ACCOUNT
    return FAULTS_ACCOUNT if path.startswith("/simulator/faults") else ACCOUNT


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    infobip_error_shape,
]


@schema.parametrize()
@settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_survives_fuzzing(case: Any, base_url: str) -> None:
    key = _tame(case)
    response = case.call(base_url=base_url, headers={"Authorization": f"App {key}"}, timeout=10)
    case.validate_response(response, checks=CHECKS)
