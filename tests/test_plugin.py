"""The pytest plugin, used as a user's suite would: pytest run in a sandbox project (pytester),
the plugin found through its ``pytest11`` entry point, nothing configured."""

from __future__ import annotations

import re
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from simulator.domain.clock import ClockSpec
from simulator.pytest_plugin import ServerThread
from simulator.settings import Settings

pytest_plugins = ["pytester"]

DOCS = Path(__file__).resolve().parents[1] / "docs" / "pytest-plugin.md"


def documented_example() -> str:
    """The complete example of docs/pytest-plugin.md (the block that starts ``# test_otp.py``)."""
    blocks = re.findall(r"```python\n(# test_otp\.py\n.*?)```", DOCS.read_text(), re.DOTALL)
    assert len(blocks) == 1
    return str(blocks[0])


def test_the_plugin_is_installed_as_a_pytest11_entry_point() -> None:
    plugins = {e.value for e in entry_points(group="pytest11")}
    assert "simulator.pytest_plugin" in plugins


def test_the_documented_sdk_example_passes(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_otp=documented_example())
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)


SYNC_SUITE = """
import json
import urllib.request

import pytest
from simulator.pytest_plugin import SimulatorTimeout

seen = {}


def send(sim, to, text="Hi"):
    body = json.dumps({"messages": [{"destinations": [{"to": to}], "content": {"text": text}}]})
    request = urllib.request.Request(
        sim.base_url + "/sms/3/messages", data=body.encode(),
        headers={**sim.headers, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        return json.load(response)["messages"][0]["messageId"]


@pytest.mark.parametrize("n", [1, 2])
def test_each_test_has_its_own_account_on_one_server(infobip_simulator, n):
    seen.setdefault("urls", set()).add(infobip_simulator.base_url)
    seen.setdefault("keys", set()).add(infobip_simulator.api_key)
    assert infobip_simulator.messages() == []
    send(infobip_simulator, "41793026727", text=f"test {n}")
    assert [m["text"] for m in infobip_simulator.messages()] == [f"test {n}"]
    assert infobip_simulator.clock()["mode"] == "manual"


def test_one_server_and_distinct_keys():
    assert len(seen["urls"]) == 1 and len(seen["keys"]) == 2


def test_advance_and_wait(infobip_simulator):
    message_id = send(infobip_simulator, "41793026727")
    with pytest.raises(SimulatorTimeout, match="(?s)PENDING_ACCEPTED.*clock is manual"):
        infobip_simulator.wait_for_status(message_id, "DELIVERED", timeout=0.1)
    clock = infobip_simulator.advance(minutes=1)
    assert clock["eventsRun"] >= 2
    delivered = infobip_simulator.wait_for_status(message_id, "DELIVERED_TO_HANDSET", timeout=1)
    assert [t["status"]["name"] for t in delivered["history"]][-1] == "DELIVERED_TO_HANDSET"
    infobip_simulator.advance(to_next_event=True)


def test_catcher_scenario_and_fault(infobip_simulator):
    infobip_simulator.catcher.respond("x", status=500, times=1)
    assert infobip_simulator.catcher.url("x").endswith(f"{infobip_simulator.api_key}-x")
    assert infobip_simulator.catcher.requests("x") == []
    assert infobip_simulator.use_scenario("all-fail")["name"] == "all-fail"
    message_id = send(infobip_simulator, "41793026727")
    infobip_simulator.advance(hours=1)
    assert infobip_simulator.message(message_id)["status"]["groupName"] != "DELIVERED"
    fault = infobip_simulator.fault(429, count=1)
    assert fault["remaining"] == 1
    with pytest.raises(Exception, match="429"):
        send(infobip_simulator, "41793026727")
    infobip_simulator.clear_faults()


def test_inbound_reaches_the_inbox(infobip_simulator):
    sent = infobip_simulator.inject_inbound(from_="41793026727", to="447491163443", text="hi")
    inbox = infobip_simulator.call("GET", "/sms/1/inbox/reports")
    assert [m["messageId"] for m in inbox["results"]] == [sent["messageId"]]
"""


def test_a_synchronous_suite(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_sync=SYNC_SUITE)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=6)


ASYNC_SUITE = """
import asyncio

import aiohttp


async def test_asyncio_code_talks_to_the_simulator(infobip_simulator):
    payload = {"messages": [{"destinations": [{"to": "41793026727"}],
                             "content": {"text": "Your code is 424242"}}]}
    async with aiohttp.ClientSession(headers=infobip_simulator.headers) as session:
        url = infobip_simulator.base_url + "/sms/3/messages"
        async with session.post(url, json=payload) as response:
            assert response.status == 200
    latest = await asyncio.to_thread(infobip_simulator.latest_message, "41793026727")
    assert latest["text"] == "Your code is 424242"
"""


def test_an_asyncio_suite(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_mode = auto\n")
    pytester.makepyfile(test_async=ASYNC_SUITE)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_settings_can_be_overridden(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
import pytest
from simulator.domain.clock import ClockSpec
from simulator.settings import Settings


@pytest.fixture(scope="session")
def infobip_simulator_settings():
    return Settings(port=0, clock=ClockSpec("scaled", 50.0))
"""
    )
    pytester.makepyfile(
        test_scaled="""
def test_scaled(infobip_simulator):
    assert infobip_simulator.clock()["mode"] == "scaled:50"
"""
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_infobip_sim_url_points_the_fixture_at_a_running_simulator(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = ServerThread(Settings(port=0, clock=ClockSpec("manual")))
    url = server.start()
    try:
        monkeypatch.setenv("INFOBIP_SIM_URL", url + "/")
        pytester.makepyfile(
            test_remote=f"""
def test_remote(infobip_simulator):
    assert infobip_simulator.base_url == {url!r}
    assert infobip_simulator.messages() == []
"""
        )
        pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)
    finally:
        server.stop()


def test_a_server_that_cannot_start_says_why() -> None:
    with pytest.raises(RuntimeError, match="could not start"):
        ServerThread(Settings(host="203.0.113.1", port=0)).start()


def test_a_database_that_cannot_be_opened_says_why_at_once(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-directory" / "simulator.db"
    with pytest.raises(RuntimeError, match="could not start: unable to open database"):
        ServerThread(Settings(db=str(missing))).start()
