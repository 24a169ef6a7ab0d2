"""The pytest plugin (entry point ``pytest11``): an Infobip SMS simulator for a test suite.

One simulator per test session, started on a free port in a background thread with its own
event loop, so the code under test can call it from synchronous or asynchronous code alike; a
manual clock by default. Each test gets the ``infobip_simulator`` fixture: its own API key (its
own isolated account, forgotten after the test) and helpers over the control API. With
``INFOBIP_SIM_URL`` set, the fixtures use that simulator instead (e.g. a CI service container)
and start nothing.

Helpers are synchronous (plain ``urllib``). In an ``async`` test, a helper that waits
(``wait_for_status``, ...) blocks the test's event loop: when the code that should make the
condition true runs on that same loop, call the helper through ``asyncio.to_thread``.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from .domain.clock import ClockSpec
from .settings import Settings

URL_VARIABLE = "INFOBIP_SIM_URL"
START_TIMEOUT = 30.0


class SimulatorError(Exception):
    """The simulator answered something else than expected."""

    def __init__(self, method: str, path: str, status: int, body: Any) -> None:
        super().__init__(f"{method} {path} answered {status}: {json.dumps(body)}")
        self.status = status
        self.body = body


class SimulatorTimeout(AssertionError):
    """A wait ran out of time; the message says what the simulator saw."""


class ServerThread:
    """A simulator serving from a background thread with its own event loop."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.url = ""
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="infobip-simulator", daemon=True)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._error: BaseException | None = None

    def start(self) -> str:
        """Start serving; the base URL once it listens (the failure to start, raised here)."""
        self._thread.start()
        if not self._ready.wait(START_TIMEOUT):
            raise RuntimeError(f"the simulator did not start within {START_TIMEOUT:g} s")
        if self._error is not None:
            raise RuntimeError(f"the simulator could not start: {self._error}") from self._error
        return self.url

    def stop(self) -> None:
        if self._loop is not None and self._stopping is not None:
            self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(START_TIMEOUT)

    def _run(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        from aiohttp import web  # imported late: a suite that never uses the plugin pays nothing

        from .app import create_app

        runner: web.AppRunner | None = None
        try:
            runner = web.AppRunner(create_app(self.settings), access_log=None)
            await runner.setup()
            await web.TCPSite(runner, self.settings.host, self.settings.port).start()
        except Exception as exc:  # a bad setting or a taken port: raised by start()
            self._error = exc
            self._ready.set()
            if runner is not None:
                await runner.cleanup()
            return
        port = runner.addresses[0][1]
        self.url = f"http://{self.settings.host}:{port}"
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        self._ready.set()
        try:
            await self._stopping.wait()
        finally:
            await runner.cleanup()


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


class Client:
    """JSON over HTTP to one simulator, as one account."""

    def __init__(self, base_url: str, api_key: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key

    @property
    def headers(self) -> dict[str, str]:
        """The header every Infobip client sends: ``Authorization: App <key>``."""
        return {"Authorization": f"App {self.api_key}"}

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        params: Mapping[str, Any] | None = None,
        timeout: float = 30.0,
    ) -> Any:
        """Make a request; its JSON answer, or SimulatorError for any status but 2xx."""
        query = {_camel(k): _text(v) for k, v in (params or {}).items() if v is not None}
        url = self.base_url + path + (f"?{urllib.parse.urlencode(query)}" if query else "")
        data = None if body is None else json.dumps(body).encode()
        headers = {**self.headers, "Content-Type": "application/json"}
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            answer = exc.read()
            exc.close()
            raise SimulatorError(method, path, exc.code, _decoded(answer)) from None


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _decoded(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


class CatcherHelper:
    """The built-in webhook catcher, with hook names kept apart per test (prefixed by the key)."""

    def __init__(self, client: Client) -> None:
        self._client = client
        self._used: set[str] = set()

    def _name(self, name: str) -> str:
        full = f"{self._client.api_key}-{name}"
        self._used.add(full)
        return urllib.parse.quote(full, safe="")

    def url(self, name: str = "default") -> str:
        """A URL to give as a webhook (``notifyUrl``, ``webhooks.delivery.url``, a profile)."""
        return f"{self._client.base_url}/simulator/hooks/{self._name(name)}"

    def requests(self, name: str = "default") -> list[dict[str, Any]]:
        """What the hook received, oldest first: method, path, query, headers, body."""
        caught = self._client.call("GET", f"/simulator/catcher/{self._name(name)}")
        requests: list[dict[str, Any]] = caught["requests"]
        return requests

    def bodies(self, name: str = "default") -> list[Any]:
        """The JSON bodies the hook received (the text of any that is not JSON)."""
        return [_decoded(r["body"].encode()) for r in self.requests(name)]

    def respond(
        self, name: str = "default", status: int = 500, times: int = 1, delay: float = 0.0
    ) -> None:
        """Answer the hook's next ``times`` requests with ``status`` (after ``delay`` s)."""
        rule = {"status": status, "times": times, "delaySeconds": delay}
        self._client.call("POST", f"/simulator/catcher/{self._name(name)}/respond", rule)

    def clear(self) -> None:
        """Forget every hook this test used."""
        for name in self._used:
            self._client.call("DELETE", f"/simulator/catcher/{urllib.parse.quote(name, safe='')}")
        self._used.clear()


class InfobipSimulator(Client):
    """What a test gets: its own account on the session's simulator, and helpers."""

    def __init__(self, base_url: str, api_key: str) -> None:
        super().__init__(base_url, api_key)
        self.catcher = CatcherHelper(self)

    def clock(self) -> dict[str, Any]:
        """Mode, virtual ``now``, pending events and when the next one is due."""
        clock: dict[str, Any] = self.call("GET", "/simulator/clock")
        return clock

    def advance(
        self,
        seconds: float = 0.0,
        *,
        minutes: float = 0.0,
        hours: float = 0.0,
        to_next_event: bool = False,
    ) -> dict[str, Any]:
        """Move the manual clock (and run everything that falls due); the clock afterwards."""
        target: dict[str, Any] = (
            {"next": True} if to_next_event else {"seconds": seconds + 60 * minutes + 3600 * hours}
        )
        clock: dict[str, Any] = self.call("POST", "/simulator/clock/advance", target)
        return clock

    def messages(self, **filters: Any) -> list[dict[str, Any]]:
        """The account's messages, newest first, with histories; filters ``to``, ``sender``,
        ``bulk_id``, ``status`` (group), ``text``, ``limit``."""
        found: list[dict[str, Any]] = self.call("GET", "/simulator/messages", params=filters)[
            "results"
        ]
        return found

    def message(self, message_id: str) -> dict[str, Any]:
        found: dict[str, Any] = self.call("GET", f"/simulator/messages/{message_id}")
        return found

    def webhooks(self, message_id: str | None = None) -> list[dict[str, Any]]:
        """Webhook outbox entries with every attempt."""
        found: list[dict[str, Any]] = self.call(
            "GET", "/simulator/webhooks", params={"message_id": message_id}
        )["results"]
        return found

    def wait_for_status(
        self, message_id: str, status: str | None = None, timeout: float = 10.0
    ) -> dict[str, Any]:
        """Block until the message reaches ``status`` (a name like ``DELIVERED_TO_HANDSET`` or a
        group like ``DELIVERED``; None: any final status); the message, else SimulatorTimeout."""
        return self._wait(f"/simulator/wait/messages/{message_id}", timeout, status=status)

    def wait_for_webhook(self, message_id: str, timeout: float = 10.0) -> dict[str, Any]:
        """Block until a webhook carrying the message was acknowledged; the outbox entry."""
        return self._wait("/simulator/wait/webhooks", timeout, message_id=message_id)

    def latest_message(
        self, to: str, *, after: str | None = None, timeout: float = 10.0
    ) -> dict[str, Any]:
        """The newest message to ``to`` (waiting for one, or for one newer than ``after``)."""
        return self._wait("/simulator/wait/latest-message", timeout, to=to, after=after)

    def _wait(self, path: str, timeout: float, **params: Any) -> dict[str, Any]:
        try:
            found: dict[str, Any] = self.call(
                "GET", path, params={**params, "timeout": timeout}, timeout=timeout + 30
            )
        except SimulatorError as exc:
            if exc.status != 408:
                raise
            raise SimulatorTimeout(self._explain(exc.body)) from None
        return found

    def _explain(self, body: dict[str, Any]) -> str:
        text = body["requestError"]["serviceException"]["text"]
        seen = json.dumps(body.get("seen"), indent=2)
        hint = ""
        if self.clock()["mode"] == "manual":
            hint = "\nThe clock is manual: nothing moves until advance() is called."
        return f"{text}.\nSeen: {seen}{hint}"

    def inject_inbound(self, **fields: Any) -> Any:
        """An SMS "from a phone" (``POST /simulator/inbound``); left-out fields are made up."""
        return self.call("POST", "/simulator/inbound", {_camel(k): v for k, v in fields.items()})

    def use_scenario(self, scenario: str | Mapping[str, Any]) -> dict[str, Any]:
        """Run the account on a scenario: a name (``flaky-carrier``), a file, or a definition."""
        choice = {"name": scenario} if isinstance(scenario, str) else {"scenario": dict(scenario)}
        path = f"/simulator/accounts/{urllib.parse.quote(self.api_key, safe='')}/scenario"
        assigned: dict[str, Any] = self.call("PUT", path, choice)
        return assigned

    def fault(
        self,
        status: int | None = None,
        *,
        drop: bool = False,
        delay_ms: int | None = None,
        count: int | None = None,
        ratio: float | None = None,
        path: str | None = None,
    ) -> dict[str, Any]:
        """Make the account's next Infobip API requests fail: answer ``status`` or ``drop`` the
        connection, after ``delay_ms``; ``count`` times, for a ``ratio`` of them, or (neither)
        until the test ends; only on ``path`` if given."""
        wanted: dict[str, Any] = {"status": status, "drop": drop, "delayMs": delay_ms}
        wanted |= {"count": count, "ratio": ratio, "path": path}
        fault: dict[str, Any] = self.call(
            "POST", "/simulator/faults", {k: v for k, v in wanted.items() if v is not None}
        )
        return fault

    def clear_faults(self) -> None:
        self.call("DELETE", "/simulator/faults")

    def reset(self) -> None:
        """Forget everything of this account (messages, reports, webhooks, scenario, faults)."""
        self.call("POST", "/simulator/reset", {})


@pytest.fixture(scope="session")
def infobip_simulator_settings() -> Settings:
    """Settings of the session's simulator; override this fixture to change them."""
    return Settings(port=0, clock=ClockSpec("manual"))


@pytest.fixture(scope="session")
def infobip_simulator_url(infobip_simulator_settings: Settings) -> Iterator[str]:
    """The base URL of the session's simulator: ``INFOBIP_SIM_URL`` if set, else one started
    here (once per session)."""
    external = os.environ.get(URL_VARIABLE)
    if external:
        yield external.rstrip("/")
        return
    server = ServerThread(infobip_simulator_settings)
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture
def infobip_simulator_api_key(infobip_simulator_settings: Settings) -> str:
    """This test's API key: a fresh one (its own account) on an open simulator; on a strict one
    (``api_keys`` in the settings) the first configured key, the tests taking turns with its
    account (forgotten after each test). Override it for a strict ``INFOBIP_SIM_URL``."""
    if infobip_simulator_settings.api_keys:
        return infobip_simulator_settings.api_keys[0]
    return f"pytest-{uuid.uuid4().hex[:16]}"


@pytest.fixture
def infobip_simulator(
    infobip_simulator_url: str, infobip_simulator_api_key: str
) -> Iterator[InfobipSimulator]:
    """This test's own account on the session's simulator; forgotten after the test."""
    simulator = InfobipSimulator(infobip_simulator_url, infobip_simulator_api_key)
    yield simulator
    simulator.catcher.clear()
    simulator.reset()
