"""Wait endpoints: they answer as soon as the condition holds, and 408 with what was seen."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from conftest import Sim

from simulator.domain.clock import ClockSpec
from simulator.settings import Settings

TO = "41793026727"


async def wait(sim: Sim, path: str, expect: int = 200, **params: str) -> Any:
    return await sim.call("GET", f"/simulator/wait/{path}", params=params, expect=expect)


async def sent_id(sim: Sim, *to: str, **message: Any) -> str:
    body = await sim.send(*(to or (TO,)), **message)
    message_id: str = body["messages"][0]["messageId"]
    return message_id


async def test_a_wait_answers_when_the_clock_moves_the_message(sim: Sim) -> None:
    message_id = await sent_id(sim)
    waiting = asyncio.create_task(
        wait(sim, f"messages/{message_id}", status="DELIVERED_TO_HANDSET", timeout="5")
    )
    await asyncio.sleep(0.05)
    assert not waiting.done()
    await sim.advance(2)
    body = await asyncio.wait_for(waiting, 1)
    assert body["status"]["name"] == "DELIVERED_TO_HANDSET"
    assert [t["status"]["name"] for t in body["history"]][-1] == "DELIVERED_TO_HANDSET"


async def test_a_status_already_reached_answers_at_once_and_groups_match(sim: Sim) -> None:
    message_id = await sent_id(sim)
    await sim.advance(2)
    for status in ("DELIVERED", "delivered_to_handset"):
        body = await wait(sim, f"messages/{message_id}", status=status, timeout="0.1")
        assert body["messageId"] == message_id


async def test_without_a_status_any_final_status_will_do(sim: Sim) -> None:
    message_id = await sent_id(sim, "not-a-number")
    body = await wait(sim, f"messages/{message_id}", timeout="0.1")
    assert body["status"]["groupName"] == "REJECTED"


async def test_timeout_answers_408_with_the_message_as_seen(sim: Sim) -> None:
    message_id = await sent_id(sim)
    started = time.monotonic()
    body = await wait(sim, f"messages/{message_id}", expect=408, status="DELIVERED", timeout="0.2")
    assert time.monotonic() - started >= 0.2
    exception = body["requestError"]["serviceException"]
    assert exception["messageId"] == "REQUEST_TIMEOUT"
    assert message_id in exception["text"] and "DELIVERED" in exception["text"]
    assert body["seen"]["status"]["name"] == "PENDING_ACCEPTED"


async def test_an_unknown_message_times_out_with_nothing_seen(sim: Sim) -> None:
    body = await wait(sim, "messages/nope", expect=408, timeout="0.05")
    assert "seen" not in body


async def test_another_account_does_not_wake_the_wait(sim: Sim) -> None:
    other = sim.as_key(sim.key + "-other")
    message_id = await sent_id(sim)
    waiting = asyncio.create_task(wait(other, f"messages/{message_id}", expect=408, timeout="0.3"))
    await sim.advance(2)
    body = await waiting
    assert "seen" not in body


async def test_a_bad_status_or_timeout_is_a_400(sim: Sim) -> None:
    await wait(sim, "messages/x", expect=400, status="SOMEWHERE")
    await wait(sim, "messages/x", expect=400, timeout="0")
    await wait(sim, "messages/x", expect=400, timeout="601")


async def test_a_wait_needs_an_api_key(sim: Sim) -> None:
    response = await sim.client.get("/simulator/wait/messages/x")
    assert response.status == 401


def hook(sim: Sim, name: str) -> str:
    return str(sim.client.make_url(f"/simulator/hooks/{sim.key}-{name}"))


async def send_with_webhook(sim: Sim, url: str) -> str:
    return await sent_id(sim, webhooks={"delivery": {"url": url}})


async def test_a_webhook_wait_answers_when_the_receiver_acknowledges(sim: Sim) -> None:
    message_id = await send_with_webhook(sim, hook(sim, "ok"))
    waiting = asyncio.create_task(wait(sim, "webhooks", messageId=message_id, timeout="5"))
    await asyncio.sleep(0.05)
    assert not waiting.done()
    await sim.advance(2)
    entry = await asyncio.wait_for(waiting, 2)
    assert entry["state"] == "succeeded"
    assert message_id in entry["messageIds"]
    assert entry["attempts"][-1]["statusCode"] == 200


async def test_a_webhook_wait_times_out_with_the_failed_attempts(sim: Sim) -> None:
    name = f"{sim.key}-failing"
    await sim.call("POST", f"/simulator/catcher/{name}/respond", json={"status": 503, "times": 100})
    message_id = await send_with_webhook(sim, hook(sim, "failing"))
    await sim.advance(2)
    body = await wait(sim, "webhooks", expect=408, messageId=message_id, timeout="0.2")
    (entry,) = body["seen"]
    assert entry["state"] == "pending"
    assert [a["statusCode"] for a in entry["attempts"]] == [503]
    assert entry["nextAttemptAt"]


async def test_latest_message_waits_for_a_send_to_the_number(sim: Sim) -> None:
    waiting = asyncio.create_task(wait(sim, "latest-message", to=f"+{TO}", timeout="5"))
    await asyncio.sleep(0.05)
    await sim.send("41793026728", text="not for this number")
    await asyncio.sleep(0.05)
    assert not waiting.done()
    await sim.send(TO, text="Your code is 123456")
    body = await asyncio.wait_for(waiting, 1)  # no clock move needed: accepted is enough
    assert body["text"] == "Your code is 123456"


async def test_latest_message_after_one_waits_for_a_newer_one(sim: Sim) -> None:
    first = await sent_id(sim, text="code 111111")
    body = await wait(sim, "latest-message", to=TO, timeout="0.1")
    assert body["messageId"] == first
    await wait(sim, "latest-message", expect=408, to=TO, after=first, timeout="0.1")
    second = await sent_id(sim, text="code 222222")
    body = await wait(sim, "latest-message", to=TO, after=first, timeout="0.1")
    assert (body["messageId"], body["text"]) == (second, "code 222222")


@pytest.mark.parametrize("settings", [Settings(clock=ClockSpec("scaled", 20.0), seed=7)])
async def test_on_a_scaled_clock_time_moves_by_itself(sim: Sim) -> None:
    message_id = await sent_id(sim)
    body = await wait(sim, f"messages/{message_id}", status="DELIVERED", timeout="5")
    assert body["status"]["name"] == "DELIVERED_TO_HANDSET"


async def test_an_inbound_wait_answers_when_enough_messages_arrived(sim: Sim) -> None:
    waiting = asyncio.create_task(wait(sim, "inbound", count="2", timeout="5"))
    await sim.call("POST", "/simulator/inbound", json={"text": "one"}, expect=201)
    await asyncio.sleep(0.05)
    assert not waiting.done()
    await sim.call("POST", "/simulator/inbound", json={"text": "two"}, expect=201)
    assert await asyncio.wait_for(waiting, 1) == {"count": 2}


async def test_an_inbound_wait_times_out_with_the_count_seen(sim: Sim) -> None:
    await sim.call("POST", "/simulator/inbound", json={"text": "one"}, expect=201)
    body = await wait(sim, "inbound", expect=408, count="3", timeout="0.1")
    assert body["requestError"]["serviceException"]["messageId"] == "REQUEST_TIMEOUT"
    assert body["seen"] == {"count": 1}
