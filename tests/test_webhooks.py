"""Delivery reports pushed to webhooks: where they go, their bodies, the retry schedule."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any
from xml.etree import ElementTree

import pytest
from conftest import Sim

from simulator.app import create_app
from simulator.domain.clock import ClockSpec
from simulator.domain.outbox import retry_delay
from simulator.settings import Settings

MINUTE = 60.0


def hook_url(sim: Sim, name: str) -> str:
    return str(sim.client.make_url(f"/simulator/hooks/{name}"))


async def caught(sim: Sim, name: str) -> list[dict[str, Any]]:
    body = await sim.call("GET", f"/simulator/catcher/{name}")
    requests: list[dict[str, Any]] = body["requests"]
    return requests


async def script(sim: Sim, name: str, status: int, times: int, delay: float = 0.0) -> None:
    rule = {"status": status, "times": times, "delaySeconds": delay}
    await sim.call("POST", f"/simulator/catcher/{name}/respond", json=rule)


async def entries(sim: Sim, **params: str) -> list[dict[str, Any]]:
    body = await sim.call("GET", "/simulator/webhooks", params=params)
    results: list[dict[str, Any]] = body["results"]
    return results


async def send_v3_with_webhook(sim: Sim, url: str, *to: str, **webhooks: Any) -> Any:
    delivery = {"url": url, **webhooks.pop("delivery", {})}
    message = {
        "destinations": [{"to": t} for t in (to or ("41793026727",))],
        "content": {"text": "Hi"},
        "webhooks": {"delivery": delivery, **webhooks},
    }
    return await sim.call("POST", "/sms/3/messages", json={"messages": [message]})


def minutes_since_first(attempts: list[dict[str, Any]]) -> list[float]:
    times = [datetime.strptime(a["at"], "%Y-%m-%dT%H:%M:%S.%f%z").timestamp() for a in attempts]
    return [round((t - times[0]) / MINUTE, 3) for t in times]


def test_retry_delays_follow_infobips_formula() -> None:
    delays = [retry_delay(n) / MINUTE for n in range(20)]
    cumulative = [sum(delays[: n + 1]) for n in range(20)]
    assert cumulative[:6] == [1, 3, 8, 18, 35, 61]
    assert cumulative[-1] == 41 * 60 + 30


async def test_v3_report_is_pushed_to_the_message_url_as_json(sim: Sim) -> None:
    sent = await send_v3_with_webhook(sim, hook_url(sim, "a"), callbackData="order-7")
    message_id = sent["messages"][0]["messageId"]
    await sim.advance(5)
    [request] = await caught(sim, "a")
    assert request["method"] == "POST"
    assert request["headers"]["Content-Type"] == "application/json"

    [report] = json.loads(request["body"])["results"]
    assert report["messageId"] == message_id
    assert report["status"]["name"] == "DELIVERED_TO_HANDSET"
    assert report["callbackData"] == "order-7"
    assert report["messageCount"] == 1
    [entry] = await entries(sim, messageId=message_id)
    assert entry["state"] == "succeeded"
    assert [a["statusCode"] for a in entry["attempts"]] == [200]


async def test_a_pushed_report_is_not_pulled(sim: Sim) -> None:
    await send_v3_with_webhook(sim, hook_url(sim, "b"))
    await sim.advance(5)
    assert len(await caught(sim, "b")) == 1
    assert await sim.reports() == []


async def test_notify_false_means_no_push_and_the_report_is_pulled(sim: Sim) -> None:
    sent = await send_v3_with_webhook(sim, hook_url(sim, "c"), delivery={"notify": False})
    await sim.advance(5)
    assert await caught(sim, "c") == []
    assert await entries(sim) == []
    assert [r["messageId"] for r in await sim.reports()] == [sent["messages"][0]["messageId"]]


async def test_intermediate_reports_only_when_asked(sim: Sim) -> None:
    await send_v3_with_webhook(sim, hook_url(sim, "i"), delivery={"intermediateReport": True})
    await send_v3_with_webhook(sim, hook_url(sim, "f"))
    await sim.advance(5)

    statuses = [
        json.loads(r["body"])["results"][0]["status"]["name"] for r in await caught(sim, "i")
    ]
    assert statuses == ["PENDING_ENROUTE", "DELIVERED_TO_HANDSET"]
    assert len(await caught(sim, "f")) == 1


async def test_v3_xml_body(sim: Sim) -> None:
    sent = await send_v3_with_webhook(sim, hook_url(sim, "x"), contentType="application/xml")
    await sim.advance(5)
    [request] = await caught(sim, "x")
    assert request["headers"]["Content-Type"] == "application/xml"
    root = ElementTree.fromstring(request["body"].encode())
    assert root.tag == "DeliveryReports"
    result = root.find("results/result")
    assert result is not None
    assert result.findtext("messageId") == sent["messages"][0]["messageId"]
    assert result.findtext("status/name") == "DELIVERED_TO_HANDSET"
    assert result.findtext("error/permanent") == "false"
    assert result.findtext("price/pricePerMessage") == "0.01"


async def test_v2_notify_url_gets_the_v2_shape_in_json_and_xml(sim: Sim) -> None:
    messages = [
        {"destinations": [{"to": "41793026727"}], "text": "Hi", "notifyUrl": hook_url(sim, "v2j"),
         "callbackData": "cb"},
        {"destinations": [{"to": "41793026728"}], "text": "Hi", "notifyUrl": hook_url(sim, "v2x"),
         "notifyContentType": "application/xml"},
    ]  # fmt: skip
    await sim.call("POST", "/sms/2/text/advanced", json={"messages": messages})
    await sim.advance(5)

    [as_json] = await caught(sim, "v2j")
    [report] = json.loads(as_json["body"])["results"]
    assert report["smsCount"] == 1
    assert report["error"]["groupName"] == "Ok"
    assert report["callbackData"] == "cb"
    [as_xml] = await caught(sim, "v2x")
    root = ElementTree.fromstring(as_xml["body"].encode())
    assert root.tag == "reportResponse"
    assert root.findtext("results/result/to") == "41793026728"
    assert root.findtext("results/result/smsCount") == "1"


async def test_query_send_notify_url(sim: Sim) -> None:
    params = {"to": "41793026727", "text": "Hi", "notifyUrl": hook_url(sim, "q")}
    await sim.call("GET", "/sms/3/text/query", params=params)
    await sim.advance(5)
    assert len(await caught(sim, "q")) == 1


async def test_failing_three_times_retries_at_1_3_8_minutes(sim: Sim) -> None:
    await script(sim, "r", 500, times=3)
    sent = await send_v3_with_webhook(sim, hook_url(sim, "r"))
    await sim.advance(2)
    [entry] = await entries(sim)
    assert entry["state"] == "pending"
    assert len(entry["attempts"]) == 1
    await sim.advance(10 * MINUTE)
    [entry] = await entries(sim, messageId=sent["messages"][0]["messageId"])
    assert entry["state"] == "succeeded"
    assert [a["statusCode"] for a in entry["attempts"]] == [500, 500, 500, 200]
    assert minutes_since_first(entry["attempts"]) == [0, 1, 3, 8]
    assert len(await caught(sim, "r")) == 4


async def test_failing_forever_gets_21_attempts_then_dead(sim: Sim) -> None:
    await script(sim, "dead", 503, times=1000)
    await send_v3_with_webhook(sim, hook_url(sim, "dead"))
    await sim.advance(2)
    await sim.advance(41.5 * 3600 - 1)
    [entry] = await entries(sim)
    assert (entry["state"], len(entry["attempts"])) == ("pending", 20)
    await sim.advance(2)
    [entry] = await entries(sim, state="dead")
    assert len(entry["attempts"]) == 21
    assert minutes_since_first(entry["attempts"])[-1] == 41 * 60 + 30
    assert "nextAttemptAt" not in entry
    await sim.advance(48 * 3600)
    assert len(await caught(sim, "dead")) == 21


async def test_connection_refused_is_a_failure(sim: Sim) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    await send_v3_with_webhook(sim, f"http://127.0.0.1:{port}/dlr")
    await sim.advance(5)
    [entry] = await entries(sim)
    [attempt] = entry["attempts"]
    assert "statusCode" not in attempt
    assert attempt["error"]
    assert entry["state"] == "pending"


async def test_redirects_are_not_followed(sim: Sim) -> None:
    await script(sim, "moved", 302, times=1)
    await send_v3_with_webhook(sim, hook_url(sim, "moved"))
    await sim.advance(5)
    [entry] = await entries(sim)
    assert entry["attempts"][0]["statusCode"] == 302
    assert entry["state"] == "pending"


async def test_redeliver_a_dead_entry(sim: Sim) -> None:
    await script(sim, "again", 500, times=21)
    await send_v3_with_webhook(sim, hook_url(sim, "again"))
    await sim.advance(42 * 3600)
    [entry] = await entries(sim, state="dead")
    redelivered = await sim.call("POST", f"/simulator/webhooks/{entry['id']}/redeliver")
    assert redelivered["state"] == "pending"
    await sim.advance(0)
    [entry] = await entries(sim)
    assert entry["state"] == "succeeded"
    assert len(entry["attempts"]) == 22
    await sim.call("POST", "/simulator/webhooks/nope/redeliver", expect=404)


async def test_reports_of_one_instant_are_batched_by_100(sim: Sim) -> None:
    destinations = [f"4179302{n:04d}" for n in range(250)]
    await send_v3_with_webhook(sim, hook_url(sim, "batch"), *destinations)
    await sim.advance(5)

    sizes = [len(json.loads(r["body"])["results"]) for r in await caught(sim, "batch")]
    assert sizes == [100, 100, 50]
    pushed = [m for e in await entries(sim) for m in e["messageIds"]]
    assert sorted(pushed) == sorted(
        m["messageId"]
        for m in (await sim.call("GET", "/simulator/messages", params={"limit": "1000"}))["results"]
    )


async def test_webhook_entries_are_per_account(sim: Sim) -> None:
    await send_v3_with_webhook(sim, hook_url(sim, "own"))
    await sim.advance(5)
    [entry] = await entries(sim)
    other = sim.as_key("someone-else")
    assert await entries(other) == []
    await other.call("POST", f"/simulator/webhooks/{entry['id']}/redeliver", expect=404)


async def test_catcher_records_any_request_and_answers_as_scripted(sim: Sim) -> None:
    url = "/simulator/hooks/manual?x=1"
    response = await sim.client.put(url, data=b"hello", headers={"X-Test": "yes"})
    assert response.status == 200
    await script(sim, "manual", 418, times=2)
    statuses = [(await sim.client.post(url)).status for _ in range(3)]
    assert statuses == [418, 418, 200]
    requests = await caught(sim, "manual")
    assert [r["method"] for r in requests] == ["PUT", "POST", "POST", "POST"]
    assert requests[0]["body"] == "hello"
    assert requests[0]["headers"]["X-Test"] == "yes"
    assert requests[0]["query"] == "x=1"
    await sim.call("DELETE", "/simulator/catcher/manual")
    assert await caught(sim, "manual") == []


@pytest.fixture
async def silent_receiver() -> AsyncIterator[str]:
    """A TCP server that accepts connections and never answers (up to 200 at once)."""
    held: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(hold, "127.0.0.1", 0, backlog=512)
    port = server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    for writer in held:
        writer.close()
    server.close()
    await server.wait_closed()


async def test_hanging_receivers_do_not_slow_sends(
    aiohttp_client: Any, silent_receiver: str
) -> None:
    """200 receivers that never answer, on a fast clock: sends stay fast while pushes hang."""
    settings = Settings(clock=ClockSpec("scaled", 1000), webhook_timeout=3.0)
    sim = Sim(await aiohttp_client(create_app(settings)), "hang")
    for n in range(200):
        await send_v3_with_webhook(sim, f"{silent_receiver}/r{n}")
    loop = asyncio.get_running_loop()
    latencies = []
    for _ in range(50):
        started = loop.time()
        await sim.send("41793026727")
        latencies.append(loop.time() - started)
    hanging = [e for e in await entries(sim) if not e["attempts"]]
    assert len(hanging) >= 100, "the pushes were expected to be hanging during the sends"
    latencies.sort()
    assert latencies[-1] < 0.25, f"slowest send {latencies[-1] * 1000:.1f} ms"
