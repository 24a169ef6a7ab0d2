"""kill -9 under load, restart on the same ``--db`` file, several times: nothing answered is lost.

A real simulator process (manual clock) takes sends, report pulls and clock advances from
concurrent clients, and pushes reports to a receiver that fails every third push. It is killed
with SIGKILL at a random moment, restarted on the same file, and loaded again, four times; then
it runs to the end. Checked afterwards:

- every message whose send was answered 200 exists;
- the pull endpoint gave every pulled report once (no report lost, none twice): a pull is never
  in flight at the kill, since an answer that never reaches its client is lost with it;
- every pending webhook delivery resumed: every pushed message reached the receiver, no entry is
  left pending or dead; a receiver may see a push again only when the kill came between its
  answer and the simulator writing that answer down (at-least-once), counted and bounded here.

The random waits are wall time for choosing when to kill; business time moves only through the
clock API.
"""

from __future__ import annotations

import asyncio
import random
import socket
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

AUTH = {"Authorization": "App crash-account"}
KILLS = 4
DESTINATIONS = 5


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Receiver:
    """A webhook receiver that answers 500 to every third push and counts what it took."""

    def __init__(self) -> None:
        self.calls = 0
        self.acknowledged: Counter[str] = Counter()

    async def hook(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.calls += 1
        if self.calls % 3 == 0:
            return web.Response(status=500)
        self.acknowledged.update(r["messageId"] for r in body["results"])
        return web.Response()


class Load:
    """Clients of one simulator process; they record only what was answered."""

    def __init__(self, base: str, hook: str) -> None:
        self.base = base
        self.hook = hook
        self.pulled_sends: set[str] = set()
        self.pushed_sends: set[str] = set()
        self.pulled: list[str] = []
        self.unpulled: dict[str, Any] = {}
        self.pull_lock = asyncio.Lock()

    async def send(self, http: aiohttp.ClientSession, pushed: bool) -> None:
        delivery = {"url": self.hook} if pushed else {"notify": False}
        destinations = [{"to": f"4179{random.randrange(10**7):07d}"} for _ in range(DESTINATIONS)]
        message = {"destinations": destinations, "content": {"text": "hi"}}
        body = {"messages": [message | {"webhooks": {"delivery": delivery}}]}
        async with http.post(f"{self.base}/sms/3/messages", json=body, headers=AUTH) as response:
            answer = await response.json()
            assert response.status == 200, answer
        ids = {m["messageId"] for m in answer["messages"]}
        (self.pushed_sends if pushed else self.pulled_sends).update(ids)

    async def pull(self, http: aiohttp.ClientSession) -> int:
        async with (
            self.pull_lock,
            http.get(f"{self.base}/sms/3/reports?limit=100", headers=AUTH) as response,
        ):
            answer = await response.json()
            assert response.status == 200, answer
        self.pulled.extend(r["messageId"] for r in answer["results"])
        return len(answer["results"])

    async def advance(self, http: aiohttp.ClientSession, seconds: float) -> None:
        url = f"{self.base}/simulator/clock/advance"
        async with http.post(url, json={"seconds": seconds}, headers=AUTH) as response:
            assert response.status == 200, await response.text()

    async def forever(self, http: aiohttp.ClientSession, worker: int) -> None:
        """Sends, pulls and clock advances, until cancelled (or the process is gone)."""
        step = 0
        while True:
            step += 1
            if worker == 0:
                await self.advance(http, 7)
            elif worker == 1:
                await self.pull(http)
            else:
                await self.send(http, pushed=(step + worker) % 2 == 0)


class Simulator:
    def __init__(self, db: Path, port: int) -> None:
        self.args = [sys.executable, "-m", "simulator", "--port", str(port), "--db", str(db)]
        self.args += ["--clock", "manual", "--rate-limits", "false", "--log-level", "ERROR"]
        self.base = f"http://127.0.0.1:{port}"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, http: aiohttp.ClientSession) -> None:
        self.process = await asyncio.create_subprocess_exec(*self.args)
        for _ in range(300):
            try:
                async with http.get(f"{self.base}/readyz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)  # wall time: waiting for the process to listen
        raise AssertionError("the simulator did not start")

    async def kill(self) -> None:
        assert self.process is not None
        self.process.kill()  # SIGKILL: no cleanup, no last commit
        await self.process.wait()

    async def stop(self) -> None:
        assert self.process is not None
        self.process.terminate()
        await self.process.wait()


async def load_then_kill(sim: Simulator, load: Load, rng: random.Random) -> None:
    async with aiohttp.ClientSession() as http:
        await sim.start(http)
        workers = [asyncio.create_task(load.forever(http, w)) for w in range(6)]
        await asyncio.sleep(rng.uniform(0.3, 1.2))  # wall time: a random moment under load
        async with load.pull_lock:
            await sim.kill()
        results = await asyncio.gather(*workers, return_exceptions=True)
    unexpected = [
        r for r in results if not isinstance(r, aiohttp.ClientError | asyncio.TimeoutError)
    ]
    assert unexpected == [], unexpected  # only the kill stops a worker


async def run_to_the_end(sim: Simulator, load: Load) -> set[str]:
    """Restart once more, advance until nothing is left to do, pull everything; the ids kept."""
    async with aiohttp.ClientSession() as http:
        await sim.start(http)
        for _ in range(60):
            await load.advance(http, 3600)
            url = f"{sim.base}/simulator/webhooks?state=pending"
            async with http.get(url, headers=AUTH) as response:
                pending = (await response.json())["results"]
            if not pending:
                break
        while await load.pull(http):
            pass
        kept = await all_message_ids(http, sim.base)
        for message_id in load.pulled_sends - set(load.pulled):  # described if the test fails
            url = f"{sim.base}/simulator/messages/{message_id}"
            async with http.get(url, headers=AUTH) as response:
                load.unpulled[message_id] = await response.json()
        await sim.stop()
    return kept


async def all_message_ids(http: aiohttp.ClientSession, base: str) -> set[str]:
    ids: set[str] = set()
    params = {"useCursor": "true", "limit": "1000"}
    while True:
        async with http.get(f"{base}/sms/3/logs", params=params, headers=AUTH) as response:
            page = await response.json()
        ids.update(log["messageId"] for log in page["results"])
        cursor = page["cursor"].get("nextCursor")
        if cursor is None:
            return ids
        params["cursor"] = cursor


async def test_nothing_answered_is_lost_when_the_process_is_killed(
    tmp_path: Path, aiohttp_server: Any
) -> None:
    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/hook", receiver.hook)
    server = await aiohttp_server(app)
    sim = Simulator(tmp_path / "simulator.db", free_port())
    load = Load(sim.base, str(server.make_url("/hook")))
    rng = random.Random(2026)

    for _ in range(KILLS):
        await load_then_kill(sim, load, rng)
    kept = await run_to_the_end(sim, load)

    answered = load.pulled_sends | load.pushed_sends
    assert len(answered) > 100 * DESTINATIONS  # it was under load
    assert answered <= kept
    assert len(load.pulled) == len(set(load.pulled)), "a report was pulled twice"
    assert load.unpulled == {}, "a report was lost"
    assert load.pushed_sends <= set(receiver.acknowledged), "a push was lost"
    again = sum(n - 1 for n in receiver.acknowledged.values())
    assert again <= KILLS * 100  # at most what was in flight at each kill (100 reports a push)
