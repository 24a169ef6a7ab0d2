"""Strict mode (configured API keys) covers the control API, unless ``--open-control`` opens it.

Every ``/simulator/...`` route the application serves is tried (enumerated from the router, so
a new one is covered at once): in strict mode a wrong or missing key gets 401 on all of them
but the few public ones (the catcher receiving pushes, the API description and its page); a
configured key gets through. With ``--open-control`` any key names its own account on the
control API, as in open mode, while the Infobip API stays strict and a key that names a
configured account must still be right.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from aiohttp.web_urldispatcher import StaticResource

from simulator.app import create_app
from simulator.domain.clock import ClockSpec
from simulator.settings import Settings, load_settings

pytest_plugins = ["pytester"]

Client = TestClient[web.Request, web.Application]
KEYS = ("good-key", "user:pass")
PUBLIC_CONTROL = {
    ("*", "/simulator/hooks/{name}"),
    ("GET", "/simulator/openapi.json"),
    ("GET", "/simulator/docs"),
}
"""The control routes that need no key: the catcher receives the simulator's own pushes (they
carry no API key), and the API's description is the same for everybody."""
SEND = {"messages": [{"destinations": [{"to": "41793026727"}], "content": {"text": "Hi"}}]}


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def app_key(key: str) -> dict[str, str]:
    return {"Authorization": f"App {key}"}


def control_routes(app: web.Application) -> Iterator[tuple[str, str]]:
    """(method, pattern) of every route under /simulator/; HEAD comes with GET."""
    for resource in app.router.resources():
        sub = getattr(resource, "_app", None)
        if sub is not None:
            yield from control_routes(sub)
        elif not isinstance(resource, StaticResource) and resource.canonical.startswith(
            "/simulator/"
        ):
            for route in resource:
                if route.method != "HEAD":
                    yield route.method, resource.canonical


ROUTES = sorted(set(control_routes(create_app(Settings()))))


def concrete(method: str, pattern: str, key: str = "good-key") -> tuple[str, str]:
    """A request for the route: ``{key}`` is the caller's, other parameters made up; waits
    give up at once."""
    path = re.sub(r"\{(\w+)\}", lambda m: key if m[1] == "key" else "x", pattern)
    if path.startswith("/simulator/wait/"):
        path += "?timeout=0.01&messageId=x&to=41793026727"
    return ("POST" if method == "*" else method), path


async def status_of(
    client: Client, method: str, pattern: str, headers: dict[str, str], key: str = "x"
) -> int:
    verb, path = concrete(method, pattern, key)
    async with client.request(verb, path, headers=headers) as response:
        return response.status  # the event stream is left at its headers


def strict_app(open_control: bool = False) -> web.Application:
    return create_app(Settings(clock=ClockSpec("manual"), api_keys=KEYS, open_control=open_control))


@pytest.fixture
async def strict(aiohttp_client: Any) -> Client:
    client: Client = await aiohttp_client(strict_app())
    return client


@pytest.fixture
async def opened(aiohttp_client: Any) -> Client:
    client: Client = await aiohttp_client(strict_app(open_control=True))
    return client


def test_the_routes_are_enumerated() -> None:
    assert len(ROUTES) > 30
    assert set(ROUTES) >= PUBLIC_CONTROL
    assert ("POST", "/simulator/clock/advance") in ROUTES


@pytest.mark.parametrize(
    "headers",
    [
        {},
        app_key("wrong"),
        {"Authorization": "Bearer wrong"},
        {"Authorization": basic("user", "x")},
    ],
    ids=["no key", "wrong App key", "wrong token", "wrong password"],
)
async def test_strict_mode_answers_401_on_every_control_route(
    strict: Client, headers: dict[str, str]
) -> None:
    let_through = set()
    for method, pattern in ROUTES:
        status = await status_of(strict, method, pattern, headers)
        if status != 401:
            let_through.add((method, pattern))
    assert let_through == PUBLIC_CONTROL


async def test_a_401_of_the_control_api_is_an_api_exception(strict: Client) -> None:
    response = await strict.get("/simulator/messages", headers=app_key("wrong"))
    assert response.status == 401
    assert await response.json() == {
        "requestError": {"serviceException": {"messageId": "UNAUTHORIZED", "text": "Unauthorized"}}
    }


@pytest.mark.parametrize(
    "authorization",
    ["App good-key", "Bearer good-key", "IBSSO good-key", basic("user", "pass")],
)
async def test_configured_keys_reach_every_control_route(
    strict: Client, authorization: str
) -> None:
    headers = {"Authorization": authorization}
    account = "user" if authorization.startswith("Basic") else "good-key"
    refused = [r for r in ROUTES if await status_of(strict, *r, headers, account) in (401, 403)]
    assert refused == []


async def test_global_routes_need_a_configured_key(strict: Client) -> None:
    advance = {"seconds": 60}
    for headers in ({}, app_key("wrong")):
        assert (
            await strict.post("/simulator/clock/advance", json=advance, headers=headers)
        ).status == 401
        assert (
            await strict.post("/simulator/reset", json={"all": True}, headers=headers)
        ).status == 401
    sent = await strict.post("/sms/3/messages", json=SEND, headers=app_key("good-key"))
    assert sent.status == 200
    moved = await strict.post("/simulator/clock/advance", json=advance, headers=app_key("good-key"))
    assert (moved.status, (await moved.json())["eventsRun"] > 0) == (200, True)
    reset = await strict.post(
        "/simulator/reset", json={"all": True}, headers={"Authorization": basic("user", "pass")}
    )
    assert (reset.status, await reset.json()) == (200, {"reset": "all"})
    listed = await strict.get("/simulator/messages", headers=app_key("good-key"))
    assert (await listed.json())["results"] == []


async def test_public_control_routes_need_no_key(strict: Client) -> None:
    caught = await strict.post("/simulator/hooks/ci", json={"results": []})
    assert (caught.status, await caught.json()) == (200, {"received": True})
    assert (await strict.get("/simulator/openapi.json")).status == 200
    assert (await strict.get("/simulator/docs")).status == 200
    read = await strict.get("/simulator/catcher/ci", headers=app_key("good-key"))
    assert (await read.json())["count"] == 1


async def test_a_path_naming_another_account_is_403(strict: Client) -> None:
    path = "/simulator/accounts/{}/scenario"
    mine = await strict.get(path.format("good-key"), headers=app_key("good-key"))
    assert (mine.status, (await mine.json())["account"]) == (200, "good-key")
    theirs = await strict.put(
        path.format("user"), json={"name": "all-fail"}, headers=app_key("good-key")
    )
    assert theirs.status == 403
    assert (await theirs.json())["requestError"]["serviceException"]["messageId"] == "FORBIDDEN"
    user = await strict.get(path.format("user"), headers={"Authorization": basic("user", "pass")})
    assert (user.status, (await user.json())["name"]) == (200, "default")


# --open-control


async def test_open_control_lets_any_key_in_as_its_own_account(opened: Client) -> None:
    visitor = app_key("visitor")
    refused = [r for r in ROUTES if await status_of(opened, *r, visitor, "visitor") in (401, 403)]
    assert refused == []
    assert (await opened.post("/sms/3/messages", json=SEND, headers=visitor)).status == 401
    assert (await opened.get("/sms/3/logs", headers=visitor)).status == 401
    assert (await opened.get("/simulator/messages")).status == 401  # still a key, any key


async def test_open_control_keeps_accounts_apart(opened: Client) -> None:
    good, visitor = app_key("good-key"), app_key("visitor")
    assert (await opened.post("/sms/3/messages", json=SEND, headers=good)).status == 200
    mine = await opened.get("/simulator/messages", headers=good)
    assert len((await mine.json())["results"]) == 1
    theirs = await opened.get("/simulator/messages", headers=visitor)
    assert (await theirs.json())["results"] == []
    export = await opened.get("/simulator/accounts/good-key/export", headers=visitor)
    assert export.status == 403


@pytest.mark.parametrize(
    "authorization",
    [basic("user", "wrong"), "App user", "App good-key-not", basic("good-key", "x")],
    ids=["wrong password", "a user's name as key", "unknown key", "a key as a Basic user"],
)
async def test_open_control_still_checks_keys_that_name_configured_accounts(
    opened: Client, authorization: str
) -> None:
    response = await opened.get("/simulator/messages", headers={"Authorization": authorization})
    expected = 200 if authorization == "App good-key-not" else 401
    assert response.status == expected


async def test_open_control_opens_the_global_routes(opened: Client) -> None:
    moved = await opened.post(
        "/simulator/clock/advance", json={"seconds": 1}, headers=app_key("ci-harness")
    )
    assert moved.status == 200


# Health, settings, the page


@pytest.mark.parametrize(
    ("settings", "modes"),
    [
        (Settings(), ("open", "open")),
        (Settings(api_keys=KEYS), ("strict", "strict")),
        (Settings(api_keys=KEYS, open_control=True), ("strict", "open")),
        (Settings(open_control=True), ("open", "open")),
    ],
)
async def test_health_reports_both_modes(
    aiohttp_client: Any, settings: Settings, modes: tuple[str, str]
) -> None:
    client: Client = await aiohttp_client(create_app(settings))
    body = await (await client.get("/healthz")).json()
    assert (body["mode"], body["controlMode"]) == modes


@pytest.mark.parametrize(
    ("argv", "env", "expected"),
    [
        ([], {}, False),
        (["--open-control"], {}, True),
        (["--open-control", "false"], {"INFOBIP_SIM_OPEN_CONTROL": "true"}, False),
        ([], {"INFOBIP_SIM_OPEN_CONTROL": "true"}, True),
        ([], {"INFOBIP_SIM_OPEN_CONTROL": "off"}, False),
    ],
)
def test_the_open_control_flag_and_variable(
    argv: list[str], env: dict[str, str], expected: bool
) -> None:
    assert load_settings(argv, env=env).open_control is expected


@pytest.mark.parametrize(
    ("argv", "env"),
    [(["--open-control", "maybe"], {}), ([], {"INFOBIP_SIM_OPEN_CONTROL": "sometimes"})],
)
def test_a_bad_open_control_value_is_a_usage_error(argv: list[str], env: dict[str, str]) -> None:
    with pytest.raises(SystemExit) as exited:
        load_settings(argv, env=env)
    assert exited.value.code == 2


PAGE_CALLS = [
    ("GET", "/simulator/clock"),
    ("GET", "/simulator/messages?limit=200"),
    ("GET", "/simulator/accounts/{key}/scenario"),
    ("GET", "/simulator/catcher"),
    ("POST", "/simulator/clock/advance"),
    ("POST", "/simulator/reset"),
]
"""What the web page (simulator/ui/static/app.js) asks with the key it was given."""


@pytest.mark.parametrize("open_control", [False, True])
async def test_the_web_page_works_with_a_configured_key(
    aiohttp_client: Any, open_control: bool
) -> None:
    client: Client = await aiohttp_client(strict_app(open_control))
    for path in ("/", "/ui/app.js"):
        assert (await client.get(path)).status == 200  # no key yet
    for key, allowed in (("good-key", True), ("wrong", open_control)):
        bodies = {"/simulator/clock/advance": {"seconds": 1}, "/simulator/reset": {}}
        for method, pattern in PAGE_CALLS:
            path = pattern.format(key=key)
            answer = await client.request(method, path, json=bodies.get(path), headers=app_key(key))
            assert (answer.status == 200) is allowed, (key, path, answer.status)
        async with client.get("/simulator/events", headers=app_key(key)) as stream:
            assert (stream.status == 200) is allowed


STRICT_SUITE = """
import json
import urllib.error
import urllib.request

import pytest
from simulator.domain.clock import ClockSpec
from simulator.settings import Settings


@pytest.fixture(scope="session")
def infobip_simulator_settings():
    return Settings(port=0, clock=ClockSpec("manual"), api_keys=("ci-key", "other"))


def send(sim, key):
    body = {"messages": [{"destinations": [{"to": "41793026727"}], "content": {"text": "Hi"}}]}
    request = urllib.request.Request(
        sim.base_url + "/sms/3/messages", data=json.dumps(body).encode(),
        headers={"Authorization": f"App {key}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        return json.load(response)["messages"][0]["messageId"]


def test_the_first_configured_key_is_used(infobip_simulator):
    assert infobip_simulator.api_key == "ci-key"
    message_id = send(infobip_simulator, infobip_simulator.api_key)
    infobip_simulator.use_scenario("slow-delivery")
    infobip_simulator.advance(seconds=60)
    assert infobip_simulator.message(message_id)["to"] == "41793026727"
    assert infobip_simulator.clock()["mode"] == "manual"


def test_the_account_was_reset_after_the_previous_test(infobip_simulator):
    assert infobip_simulator.messages() == []


def test_a_wrong_key_is_refused(infobip_simulator):
    with pytest.raises(urllib.error.HTTPError) as refused:
        send(infobip_simulator, "wrong")
    assert refused.value.code == 401
"""


def test_the_pytest_plugin_runs_on_a_strict_simulator(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_strict=STRICT_SUITE)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)
