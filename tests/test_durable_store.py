"""The SQLite store (``--db``): everything kept survives a restart and goes on from where it was.

Each test runs a simulator on a file, stops it, starts a new one on the same file and checks
through HTTP that the state is back and time goes on. (Crashes with kill -9 are in
test_crash_recovery.py; this file checks what is kept, one kind of state at a time.)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from conftest import Sim
from test_bulks import STATUS, bulk_status, schedule, statuses
from test_inbound import inbox, inject
from test_tracking import links_of, open_link, send_tracked

from simulator.app import create_app
from simulator.domain.clock import ClockSpec
from simulator.settings import Settings

KEY = "durable-account"
TO = "41793026727"

Start = Callable[..., Awaitable[Sim]]


@pytest.fixture
def start(aiohttp_client: Any, tmp_path: Path) -> Start:
    """Start a simulator on one database file (each call is a new process' worth of objects)."""
    db = str(tmp_path / "simulator.db")

    async def started(**options: Any) -> Sim:
        settings = Settings(clock=ClockSpec("manual"), seed=7, db=db, **options)
        return Sim(await aiohttp_client(create_app(settings)), KEY)

    return started


async def restart(sim: Sim, start: Start, **options: Any) -> Sim:
    await sim.client.close()  # stops the app: its last changes are committed, the file closed
    return await start(**options)


@pytest.fixture
async def receiver(aiohttp_server: Any) -> Any:
    """A webhook receiver that outlives the simulators: it answers 500 to the first push."""
    seen: list[Any] = []

    async def hook(request: web.Request) -> web.Response:
        seen.append(await request.json())
        return web.Response(status=500 if len(seen) == 1 else 200)

    app = web.Application()
    app.router.add_post("/hook", hook)
    server: TestServer = await aiohttp_server(app)
    server.seen = seen  # type: ignore[attr-defined]
    return server


async def test_messages_their_history_and_the_pull_queue_survive(start: Start) -> None:
    sim = await start()
    sent = await sim.send(
        TO, "41793026728", "41793026729", webhooks={"delivery": {"notify": False}}
    )
    ids = [m["messageId"] for m in sent["messages"]]
    await sim.advance(10)
    [pulled] = await sim.reports(limit="1")
    before = [await sim.message(i) for i in ids]

    sim = await restart(sim, start)

    assert [await sim.message(i) for i in ids] == before
    assert all(m["status"]["groupName"] == "DELIVERED" for m in before)
    rest = [r["messageId"] for r in await sim.reports()]
    assert sorted(rest) == sorted(set(ids) - {pulled["messageId"]})
    assert await sim.reports() == []
    logs = await sim.call("GET", "/sms/3/logs")
    assert sorted(r["messageId"] for r in logs["results"]) == sorted(ids)


async def test_the_manual_clock_and_messages_on_their_way_go_on(start: Start) -> None:
    sim = await start()
    sent = await sim.send(TO, webhooks={"delivery": {"notify": False}})
    message_id = sent["messages"][0]["messageId"]
    clock = await sim.call("GET", "/simulator/clock")

    sim = await restart(sim, start)

    assert (await sim.call("GET", "/simulator/clock"))["nowEpochMs"] == clock["nowEpochMs"]
    assert (await sim.message(message_id))["status"]["groupName"] == "PENDING"
    await sim.advance(10)
    assert (await sim.message(message_id))["status"]["name"] == "DELIVERED_TO_HANDSET"
    [report] = await sim.reports()
    assert report["messageId"] == message_id
    sent = await sim.send(TO)  # numbering goes on: a new message is newest in the logs
    logs = await sim.call("GET", "/sms/3/logs")
    assert logs["results"][0]["messageId"] == sent["messages"][0]["messageId"]


async def test_a_pending_webhook_delivery_resumes_its_retry_schedule(
    start: Start, receiver: Any
) -> None:
    sim = await start()
    url = str(receiver.make_url("/hook"))
    sent = await sim.send(TO, webhooks={"delivery": {"url": url}})
    await sim.advance(10)  # delivered; the push fails (500): retry 0 is due a minute later
    [entry] = (await sim.call("GET", "/simulator/webhooks"))["results"]
    assert (entry["state"], len(entry["attempts"])) == ("pending", 1)

    sim = await restart(sim, start)

    [kept] = (await sim.call("GET", "/simulator/webhooks"))["results"]
    assert kept == entry
    await sim.advance(0)
    assert len(receiver.seen) == 1
    await sim.advance(60)
    assert len(receiver.seen) == 2
    [done] = (await sim.call("GET", "/simulator/webhooks"))["results"]
    assert (done["state"], len(done["attempts"])) == ("succeeded", 2)
    assert done["attempts"][1]["at"] == entry["nextAttemptAt"]
    pushed = receiver.seen[1]["results"][0]["messageId"]
    assert pushed == sent["messages"][0]["messageId"]


async def test_a_scheduled_bulk_waits_and_then_goes_out(start: Start) -> None:
    sim = await start()
    sent = await schedule(sim, 3600, TO, "41793026728")
    await sim.advance(60)

    sim = await restart(sim, start)

    assert await bulk_status(sim) == "PENDING"
    await sim.call("PUT", STATUS, json={"status": "PAUSED"}, params={"bulkId": "BULK-ID-123-xyz"})
    sim = await restart(sim, start)
    assert await bulk_status(sim) == "PAUSED"
    await sim.call("PUT", STATUS, json={"status": "PENDING"}, params={"bulkId": "BULK-ID-123-xyz"})
    await sim.advance(3600)
    assert await bulk_status(sim) == "FINISHED"
    assert await statuses(sim, sent) == ["DELIVERED_TO_HANDSET"] * 2


async def test_subscriptions_keywords_and_the_inbox_survive(start: Start) -> None:
    sim = await start()
    profile = {"profileId": "p-1", "webhook": {"notifyUrl": "http://127.0.0.1:9/hook"}}
    subscription = {"subscriptionId": "s-1", "events": ["DELIVERY"], "profile": profile}
    await sim.call("POST", "/subscriptions/1/subscription/SMS", json=subscription, expect=201)
    keyword = {"number": "447491163443", "keyword": "QUIZ"}
    await sim.call("POST", "/simulator/keywords", json=keyword, expect=201)
    text = {"from": "385916242493", "to": "447491163443"}
    first = await inject(sim, text="QUIZ Paris", **text)
    await inject(sim, text="QUIZ Rome", **text)
    assert len((await inbox(sim, limit="1"))["results"]) == 1

    sim = await restart(sim, start)

    [kept] = (await sim.call("GET", "/subscriptions/1/subscription/SMS"))["results"]
    assert kept["subscriptionId"] == "s-1"
    assert (await sim.call("GET", "/subscriptions/1/profiles/p-1"))["profileId"] == "p-1"
    assert (await sim.call("GET", "/simulator/keywords"))["results"] == [keyword]
    [rest] = (await inbox(sim))["results"]
    assert (rest["cleanText"], rest["keyword"]) == ("Rome", "QUIZ")
    assert rest["messageId"] != first["messageId"]
    assert (await inbox(sim))["results"] == []


async def test_a_reset_is_kept(start: Start) -> None:
    sim = await start()
    await sim.send(TO)
    other = sim.as_key("other-account")
    kept = await other.send(TO)
    await sim.call("POST", "/simulator/reset")

    sim = await restart(sim, start)

    assert (await sim.call("GET", "/simulator/messages"))["results"] == []
    [message] = (await sim.as_key("other-account").call("GET", "/simulator/messages"))["results"]
    assert message["messageId"] == kept["messages"][0]["messageId"]


async def test_the_message_cap_forgets_the_oldest_and_stays_forgotten(start: Start) -> None:
    sim = await start(max_messages=3)
    sent = [(await sim.send(TO, text=f"m{i}"))["messages"][0]["messageId"] for i in range(5)]

    sim = await restart(sim, start, max_messages=3)

    listed = (await sim.call("GET", "/simulator/messages"))["results"]
    assert [m["messageId"] for m in listed] == sent[:1:-1]
    await sim.call("GET", f"/simulator/messages/{sent[0]}", expect=404)


async def test_what_is_older_than_48_hours_is_pruned_from_the_file(
    start: Start, receiver: Any
) -> None:
    sim = await start()
    await sim.send(TO, webhooks={"delivery": {"notify": False}})
    await sim.send(TO, webhooks={"delivery": {"url": str(receiver.make_url("/hook"))}})
    await sim.advance(49 * 3600)  # the failed push is retried, then succeeds; all is 49 h old

    sim = await restart(sim, start)

    assert (await sim.call("GET", "/simulator/messages"))["results"] == []
    assert (await sim.call("GET", "/simulator/webhooks"))["results"] == []
    assert await sim.reports() == []


async def test_an_assigned_scenario_is_kept(start: Start) -> None:
    sim = await start()
    path = f"/simulator/accounts/{KEY}/scenario"
    outcome = {"type": "undeliverable", "error": "EC_ABSENT_SUBSCRIBER"}
    inline = {"name": "all-undeliverable", "outcome": outcome}
    assigned = await sim.call("PUT", path, json={"scenario": inline})

    sim = await restart(sim, start)

    assert await sim.call("GET", path) == assigned
    sent = await sim.send(TO, webhooks={"delivery": {"notify": False}})
    await sim.advance(60)
    message = await sim.message(sent["messages"][0]["messageId"])
    assert message["status"]["groupName"] == "UNDELIVERABLE"
    await sim.call("DELETE", path)
    sim = await restart(sim, start)
    assert (await sim.call("GET", path))["assigned"] is False


async def test_short_links_clicks_and_conversions_are_kept(start: Start) -> None:
    sim = await start()
    sent = await send_tracked(sim, {"shortenUrl": True, "trackClicks": True})
    message_id = sent["messages"][0]["messageId"]
    [link] = await links_of(sim, message_id)
    assert (await open_link(sim, link["shortUrl"])).status == 302
    conversion = await sim.call("POST", f"/ct/1/log/end/{message_id}")
    conversions = f"/simulator/messages/{message_id}/conversions"
    before = await sim.call("GET", conversions)

    sim = await restart(sim, start)

    [kept] = await links_of(sim, message_id)
    assert kept == link | {"clicks": kept["clicks"]} and len(kept["clicks"]) == 1
    assert await sim.call("GET", conversions) == before
    assert before["results"][0]["processKey"] == conversion["processKey"]
    opened = await open_link(sim, link["shortUrl"])
    assert (opened.status, opened.headers["Location"]) == (302, link["url"])
    assert len((await links_of(sim, message_id))[0]["clicks"]) == 2
