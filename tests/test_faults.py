"""Faults on demand: POST/GET/DELETE /simulator/faults, and what they do to API requests."""

from __future__ import annotations

import time
from typing import Any

import aiohttp
import pytest
from conftest import Sim

from simulator.domain.scenarios import seeded

TO = "41793026727"
V3 = {"messages": [{"destinations": [{"to": TO}], "content": {"text": "Hi"}}]}
V2 = {"messages": [{"destinations": [{"to": TO}], "text": "Hi"}]}


async def fault(sim: Sim, **spec: Any) -> Any:
    return await sim.call("POST", "/simulator/faults", json=spec)


async def send_status(sim: Sim, path: str = "/sms/3/messages") -> int:
    body = V3 if path.startswith("/sms/3/") else V2
    async with sim.client.post(path, json=body, headers=sim.auth) as response:
        return response.status


async def stored(sim: Sim) -> int:
    return len((await sim.call("GET", "/simulator/messages"))["results"])


async def test_next_n_requests_fail_then_requests_pass(sim: Sim) -> None:
    created = await fault(sim, status=503, count=2)
    assert created == {"id": 1, "status": 503, "drop": False, "remaining": 2, "fired": 0}
    assert [await send_status(sim) for _ in range(3)] == [503, 503, 200]
    assert (await sim.call("GET", "/simulator/faults"))["results"] == []
    assert await stored(sim) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 429, 500])
async def test_v3_fault_bodies_are_infobips(sim: Sim, status: int) -> None:
    await fault(sim, status=status, count=1)
    body = await sim.call("POST", "/sms/3/messages", json=V3, expect=status)
    assert body["errorCode"] == f"E{status}"
    assert set(body) == {"errorCode", "description", "action", "violations", "resources"}


@pytest.mark.parametrize(
    ("status", "message_id"),
    [(400, "BAD_REQUEST"), (401, "UNAUTHORIZED"), (403, "FORBIDDEN"),
     (429, "TOO_MANY_REQUESTS"), (500, "GENERAL_ERROR"), (503, "SERVICE_UNAVAILABLE")],
)  # fmt: skip
async def test_v2_fault_bodies_are_infobips(sim: Sim, status: int, message_id: str) -> None:
    await fault(sim, status=status, count=1)
    body = await sim.call("POST", "/sms/2/text/advanced", json=V2, expect=status)
    assert body["requestError"]["serviceException"]["messageId"] == message_id


async def test_429_carries_retry_after(sim: Sim) -> None:
    await fault(sim, status=429, count=2, retryAfter=30)
    async with sim.client.post("/sms/3/messages", json=V3, headers=sim.auth) as response:
        assert response.headers["Retry-After"] == "30"
    async with sim.client.get("/sms/3/reports", headers=sim.auth) as response:
        assert (response.status, response.headers["Retry-After"]) == (429, "30")


async def test_ratio_faults_follow_the_seeded_sequence(sim: Sim) -> None:
    key = "ratio-account"
    account = sim.as_key(key)
    await fault(account, status=500, ratio=0.3)
    statuses = [await send_status(account) for _ in range(40)]
    draws = seeded(7, "faults", key)  # the simulator's seed (conftest) and the account
    assert statuses == [500 if draws.random() < 0.3 else 200 for _ in range(40)]
    assert 0 < statuses.count(500) < 40
    [listed] = (await account.call("GET", "/simulator/faults"))["results"]
    assert (listed["ratio"], listed["fired"]) == (0.3, statuses.count(500))


async def test_ratio_with_count_stops_after_count_failures(sim: Sim) -> None:
    await fault(sim, status=500, ratio=0.5, count=3)
    statuses = [await send_status(sim) for _ in range(40)]
    assert statuses.count(500) == 3


async def test_a_path_fault_touches_only_that_endpoint(sim: Sim) -> None:
    await fault(sim, status=500, path="/sms/2/text/advanced")
    assert await send_status(sim, "/sms/3/messages") == 200
    assert await send_status(sim, "/sms/2/text/advanced") == 500
    assert await send_status(sim, "/sms/2/text/advanced") == 500


async def test_faults_never_touch_the_control_api_health_or_other_accounts(sim: Sim) -> None:
    await fault(sim, status=503)
    await sim.call("GET", "/simulator/messages")
    await sim.call("GET", "/simulator/clock")
    async with sim.client.get("/healthz") as response:
        assert response.status == 200
    assert await send_status(sim.as_key("someone-else")) == 200
    async with sim.client.get("/sms/3/nothing-here", headers=sim.auth) as response:
        assert response.status == 404
    assert await send_status(sim) == 503


async def test_query_send_faults_match_its_username(sim: Sim) -> None:
    await fault(sim.as_key("query-user"), status=429, count=1)
    params = {"username": "query-user", "password": "pw", "to": TO, "text": "Hi"}
    async with sim.client.get("/sms/1/text/query", params=params) as response:
        assert response.status == 429
    async with sim.client.get("/sms/1/text/query", params=params) as response:
        assert response.status == 200


async def test_drop_closes_the_connection_and_stores_nothing(sim: Sim) -> None:
    await fault(sim, drop=True, count=1)
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await sim.client.post("/sms/3/messages", json=V3, headers=sim.auth)
    assert await stored(sim) == 0
    assert await send_status(sim) == 200


async def test_delay_slows_a_request_that_then_succeeds(sim: Sim) -> None:
    await fault(sim, delayMs=150, count=1)
    started = time.monotonic()
    assert await send_status(sim) == 200
    assert time.monotonic() - started >= 0.15
    started = time.monotonic()
    assert await send_status(sim) == 200
    assert time.monotonic() - started < 0.15


async def test_delay_then_error_or_drop(sim: Sim) -> None:
    await fault(sim, delayMs=100, status=500, count=1)
    await fault(sim, delayMs=100, drop=True, count=1)
    started = time.monotonic()
    assert await send_status(sim) == 500
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await sim.client.post("/sms/3/messages", json=V3, headers=sim.auth)
    assert time.monotonic() - started >= 0.2


async def test_list_delete_one_and_clear(sim: Sim) -> None:
    first = await fault(sim, status=500, path="/sms/3/messages")
    second = await fault(sim, delayMs=10, ratio=0.5)
    listed = (await sim.call("GET", "/simulator/faults"))["results"]
    assert listed == [
        {"id": first["id"], "status": 500, "drop": False, "path": "/sms/3/messages", "fired": 0},
        {"id": second["id"], "drop": False, "delayMs": 10, "ratio": 0.5, "fired": 0},
    ]
    assert await sim.call("DELETE", f"/simulator/faults/{first['id']}") == {"deleted": 1}
    await sim.call("DELETE", f"/simulator/faults/{first['id']}", expect=404)
    await sim.call("DELETE", "/simulator/faults/not-a-number", expect=404)
    assert await sim.call("DELETE", "/simulator/faults") == {"deleted": 1}
    assert (await sim.call("GET", "/simulator/faults"))["results"] == []


async def test_faults_are_per_account_and_reset_clears_them(sim: Sim) -> None:
    other = sim.as_key("other-account")
    mine = await fault(sim, status=500)
    await sim.call("DELETE", f"/simulator/faults/{mine['id']}", headers=other.auth, expect=404)
    assert (await other.call("GET", "/simulator/faults"))["results"] == []
    await sim.call("POST", "/simulator/reset")
    assert await send_status(sim) == 200


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ({}, "body"),
        ({"status": 500, "drop": True}, "body"),
        ({"status": 418}, "status"),
        ({"status": 500, "ratio": 1.5}, "ratio"),
        ({"status": 500, "count": 0}, "count"),
        ({"status": 500, "path": "/simulator/messages"}, "body"),
        ({"status": 500, "path": "sms/3/messages"}, "path"),
        ({"status": 500, "cout": 2}, "cout"),
    ],
)
async def test_bad_fault_requests_are_refused(sim: Sim, spec: dict[str, Any], field: str) -> None:
    body = await sim.call("POST", "/simulator/faults", json=spec, expect=400)
    assert field in body["requestError"]["serviceException"]["validationErrors"]
    assert (await sim.call("GET", "/simulator/faults"))["results"] == []
