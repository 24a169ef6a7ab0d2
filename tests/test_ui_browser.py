"""The web page in a real headless Chromium (Debian's ``chromium``, driven by Playwright).

A missing browser is a failure, not a skip: ``.ci/run`` installs it. The simulator runs in a
background thread (the pytest plugin's server) on a manual clock; the tests send over HTTP as
any client would and watch the page change without reloading it.
"""

from __future__ import annotations

import http.client
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from simulator.domain.clock import ClockSpec
from simulator.pytest_plugin import InfobipSimulator, ServerThread
from simulator.settings import Settings

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
TO = "41793026727"


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    server = ServerThread(Settings(port=0, clock=ClockSpec("manual")))
    yield server.start()
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def sim(base_url: str) -> Iterator[InfobipSimulator]:
    account = InfobipSimulator(base_url, f"ui-{uuid.uuid4().hex[:10]}")
    yield account
    account.catcher.clear()
    account.reset()


def open_page(browser: Browser, sim: InfobipSimulator) -> Page:
    """A fresh browser context on the page, with the key typed in and the stream live."""
    page = browser.new_context(viewport={"width": 1400, "height": 860}).new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(sim.base_url + "/")
    page.fill("#api-key", sim.api_key)
    page.click("#key-form button")
    expect(page.locator("#live")).to_have_text("live")
    return page


def send(sim: InfobipSimulator, to: str = TO, text: str = "Hello", **message: Any) -> str:
    body = {"messages": [{"destinations": [{"to": to}], "content": {"text": text}, **message}]}
    message_id: str = sim.call("POST", "/sms/3/messages", body)["messages"][0]["messageId"]
    return message_id


def row(page: Page, message_id: str) -> Any:
    return page.locator(f'#messages tr[data-id="{message_id}"]')


def test_a_sent_message_appears_and_changes_status_live(
    browser: Browser, sim: InfobipSimulator
) -> None:
    page = open_page(browser, sim)
    expect(page.locator("#no-messages")).to_be_visible()
    message_id = send(sim, text="Your code is 493817")
    expect(row(page, message_id)).to_contain_text("PENDING_ACCEPTED")
    expect(row(page, message_id)).to_contain_text("Your code is 493817")
    sim.advance(seconds=5)  # the clock moves through the API: the page is told, not reloaded
    expect(row(page, message_id)).to_contain_text("DELIVERED_TO_HANDSET")
    page.close()


def test_the_clock_buttons_move_the_manual_clock(browser: Browser, sim: InfobipSimulator) -> None:
    page = open_page(browser, sim)
    expect(page.locator("#clock-mode")).to_have_text("manual")
    message_id = send(sim)
    before = sim.clock()
    with page.expect_response("**/simulator/clock/advance") as advanced:
        page.click("[data-advance='next']")
    assert advanced.value.json()["now"] == before["nextEventAt"]
    page.click("[data-advance='60']")
    expect(row(page, message_id)).to_contain_text("DELIVERED_TO_HANDSET")
    assert sim.clock()["nowEpochMs"] - before["nowEpochMs"] >= 60_000
    page.close()


def test_the_message_page_has_the_timeline_report_and_webhook_attempts(
    browser: Browser, sim: InfobipSimulator
) -> None:
    sim.catcher.respond("dlr", status=503, times=1)
    message_id = send(sim, webhooks={"delivery": {"url": sim.catcher.url("dlr")}})
    sim.advance(seconds=5)
    page = open_page(browser, sim)
    row(page, message_id).click()
    timeline = page.locator("#timeline li")
    expect(timeline).to_have_count(3)
    expect(timeline.nth(0)).to_contain_text("PENDING_ACCEPTED")
    expect(timeline.nth(2)).to_contain_text("DELIVERED_TO_HANDSET")
    expect(timeline.nth(2).locator("time")).to_have_text(_time_of(sim, message_id, 2))
    expect(page.locator("#report")).to_contain_text("NO_ERROR")
    attempts = page.locator("#attempts")
    expect(attempts).to_contain_text("pending")
    expect(attempts).to_contain_text("next retry")
    expect(attempts.locator("tbody tr")).to_have_count(1)
    expect(attempts.locator("tbody tr").first).to_contain_text("503")
    sim.advance(minutes=2)  # the retry succeeds; the open page follows
    expect(attempts.locator("tbody tr")).to_have_count(2)
    expect(attempts).to_contain_text("succeeded")
    expect(page.locator("#hooks")).to_contain_text("2 requests")
    page.close()


def _time_of(sim: InfobipSimulator, message_id: str, index: int) -> str:
    """The page's rendering of a history entry's virtual time."""
    at: str = sim.message(message_id)["history"][index]["at"]
    return at[:23].replace("T", " ")


def test_search_by_number_text_bulk_and_status(browser: Browser, sim: InfobipSimulator) -> None:
    first = send(sim, to="41793026727", text="alpha one")
    second = send(sim, to="385916242493", text="beta two")
    rejected = send(sim, to="not-a-number", text="gamma")
    page = open_page(browser, sim)
    expect(page.locator("#messages tbody tr")).to_have_count(3)
    for field, value, expected in [
        ("to", "+385916242493", second),
        ("text", "ALPHA", first),
        ("bulkId", sim.message(second)["bulkId"], second),
    ]:
        page.click("#search button[type=reset]")
        page.fill(f"#search [name={field}]", value)
        page.click("#search button[type=submit]")
        expect(page.locator("#messages tbody tr")).to_have_count(1)
        expect(row(page, expected)).to_be_visible()
    page.click("#search button[type=reset]")
    page.select_option("#search [name=status]", "REJECTED")
    page.click("#search button[type=submit]")
    expect(page.locator("#messages tbody tr")).to_have_count(1)
    expect(row(page, rejected)).to_be_visible()
    send(sim, to="41793026728", text="delta")  # pending: not shown under REJECTED
    send(sim, to="x", text="another rejected")
    expect(page.locator("#messages tbody tr")).to_have_count(2)
    page.close()


def test_two_api_keys_see_only_their_own_messages(
    browser: Browser, sim: InfobipSimulator, base_url: str
) -> None:
    other = InfobipSimulator(base_url, sim.api_key + "-other")
    try:
        mine, theirs = open_page(browser, sim), open_page(browser, other)
        own = send(sim, text="for the first key")
        foreign = send(other, text="for the second key")
        expect(row(mine, own)).to_be_visible()
        expect(row(theirs, foreign)).to_be_visible()
        expect(mine.locator("#messages tbody tr")).to_have_count(1)
        expect(theirs.locator("#messages tbody tr")).to_have_count(1)
        expect(mine.locator("#messages")).not_to_contain_text("for the second key")
        expect(theirs.locator("#messages")).not_to_contain_text("for the first key")
    finally:
        other.reset()


def test_the_inbound_composer_sends_from_a_phone(browser: Browser, sim: InfobipSimulator) -> None:
    page = open_page(browser, sim)
    page.fill("#inbound-form [name=from]", "41793026727")
    page.fill("#inbound-form [name=to]", "447491163443")
    page.fill("#inbound-form [name=text]", "STOP please")
    page.click("#inbound-form button")
    expect(page.locator("#inbound-result")).to_contain_text("Received")
    expect(page.locator("#inbound-result")).to_contain_text("from 41793026727 to 447491163443")
    page.close()


def test_scenario_faults_and_reset(browser: Browser, sim: InfobipSimulator) -> None:
    sim.use_scenario("slow-delivery")
    sim.fault(503, count=2, path="/sms/3/messages")
    page = open_page(browser, sim)
    expect(page.locator("#scenario")).to_contain_text("slow-delivery")
    expect(page.locator("#faults")).to_contain_text("answer 503 on /sms/3/messages, 2 more")
    sim.clear_faults()
    message_id = send(sim)
    expect(row(page, message_id)).to_be_visible()
    page.click("#reset")
    expect(page.locator("#messages tbody tr")).to_have_count(0)
    expect(page.locator("#scenario")).to_contain_text("default")
    assert sim.messages() == []
    page.close()


def test_the_api_docs_page_renders_the_openapi_document(browser: Browser, base_url: str) -> None:
    page = browser.new_page()
    page.goto(base_url + "/simulator/docs")
    operation = page.locator("#post_sms_3_messages")
    expect(operation).to_contain_text("Send SMS (v3)")
    operation.locator(":scope > summary").click()
    expect(operation).to_contain_text("SendRequestV3")
    expect(operation).to_contain_text("messages")
    page.close()


def test_screenshot_of_the_main_page(browser: Browser, sim: InfobipSimulator) -> None:
    """Saved for people to look at (tests/artifacts/ is not committed)."""
    hook = sim.catcher.url("orders")
    send(sim, to="41793026727", text="Your code is 493817", webhooks={"delivery": {"url": hook}})
    send(sim, to="385916242493", text="Your order #1234 has shipped")
    sim.advance(seconds=5)
    send(sim, to="447491163443", text="Reminder: appointment tomorrow at 10:00")
    send(sim, to="not-a-number", text="oops")
    sim.fault(503, count=2, path="/sms/3/messages")
    page = open_page(browser, sim)
    expect(page.locator("#messages tbody tr")).to_have_count(4)
    expect(page.locator("#hooks")).to_contain_text("1 request")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "main-page.png"))
    assert (ARTIFACTS / "main-page.png").stat().st_size > 10_000
    page.close()


# The stream the page reads, over plain HTTP


def open_stream(base_url: str, key: str) -> tuple[http.client.HTTPConnection, Any]:
    url = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=10)
    connection.request("GET", "/simulator/events", headers={"Authorization": f"App {key}"})
    return connection, connection.getresponse()


def next_event(response: Any) -> tuple[str, Any]:
    """The next server-sent event: its name and its JSON data."""
    lines = []
    while line := response.readline().decode().rstrip("\n"):
        lines.append(line)
    fields = dict(line.split(": ", 1) for line in lines)
    return fields["event"], json.loads(fields["data"])


def test_the_stream_carries_the_account_s_events_only(sim: InfobipSimulator) -> None:
    connection, response = open_stream(sim.base_url, sim.api_key)
    try:
        assert response.status == 200
        assert response.getheader("Content-Type") == "text/event-stream"
        assert next_event(response)[0] == "clock"
        send(InfobipSimulator(sim.base_url, sim.api_key + "-other"), text="not for me")
        send(sim, text="for me")
        kind, message = next_event(response)
        assert (kind, message["text"], message["status"]["name"]) == (
            "message",
            "for me",
            "PENDING_ACCEPTED",
        )
    finally:
        connection.close()


def test_the_stream_needs_a_key(base_url: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(base_url + "/simulator/events", timeout=5)
    assert refused.value.code == 401
    refused.value.close()


def test_stopping_the_server_closes_open_streams() -> None:
    server = ServerThread(Settings(port=0, clock=ClockSpec("manual")))
    connection, response = open_stream(server.start(), "k")
    assert next_event(response)[0] == "clock"
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 5
    connection.close()
