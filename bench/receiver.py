"""A webhook receiver for the benchmarks: counts and records the pushes it gets.

    python bench/receiver.py --port 8082 [--fail-ratio 0.05 --fail-times 2]

Every push is POSTed to /dlr. Without ``--fail-ratio`` every push is answered 200. With it, a
deterministic share of pushes is refused: a push whose body's CRC-32 falls in the first
``ratio`` of the range is answered 500 on its first 1 to ``--fail-times`` deliveries (how many
also comes from the CRC), then 200. The simulator renders a push body once, so its retries
carry the same body and end up accepted.

GET /count answers ``{"pushes", "reports", "unique", "refusedPushes", "acked", "others"}``:
requests, reports in them (refused ones included), distinct message ids seen, pushes answered
500, distinct message ids acknowledged (answered 200), pushes without a ``results`` list.
GET /records answers the details: per message id the ``time.monotonic()`` of every 200 that
carried it (``acks``, CLOCK_MONOTONIC, comparable with other processes on the same machine),
how many 500s carried it (``refusals``), the acknowledged reports per status name, and one
``[time, reports, status]`` row per push.
"""

from __future__ import annotations

import argparse
import json
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

CRC_RANGE = 1 << 32


@dataclass
class Failures:
    """Which pushes are refused, and how many times each has been refused so far."""

    ratio: float = 0.0
    most: int = 1
    refused: dict[int, int] = field(default_factory=dict)

    def refuse(self, body: bytes) -> bool:
        """Whether to answer this delivery of ``body`` with 500 (counting it when so)."""
        if self.ratio <= 0:
            return False
        crc = zlib.crc32(body)
        if crc >= self.ratio * CRC_RANGE:
            return False
        times = 1 + crc % self.most
        done = self.refused.get(crc, 0)
        if done >= times:
            return False
        self.refused[crc] = done + 1
        return True


@dataclass
class Records:
    pushes: list[tuple[float, int, int]] = field(default_factory=list)
    acks: dict[str, list[float]] = field(default_factory=dict)
    refusals: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)
    seen: set[str] = field(default_factory=set)
    others: int = 0

    def add(self, results: list[dict[str, Any]], status: int, at: float) -> None:
        self.pushes.append((at, len(results), status))
        for result in results:
            message_id = result.get("messageId")
            if not isinstance(message_id, str):
                continue
            self.seen.add(message_id)
            if status == 200:
                self.acks.setdefault(message_id, []).append(at)
                self.statuses[str(result.get("status", {}).get("name"))] += 1
            else:
                self.refusals[message_id] += 1


failures_key = web.AppKey("failures", Failures)
records_key = web.AppKey("records", Records)


def results_of(body: bytes) -> list[dict[str, Any]] | None:
    """The ``results`` list of a JSON push body (delivery reports, inbound messages), if any."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return None
    results = parsed.get("results") if isinstance(parsed, dict) else None
    return results if isinstance(results, list) else None


async def receive(request: web.Request) -> web.Response:
    body = await request.read()
    status = 500 if request.app[failures_key].refuse(body) else 200
    records = request.app[records_key]
    results = results_of(body)
    if results is None:
        records.others += 1
    records.add(results or [], status, time.monotonic())
    return web.Response(status=status, text="OK" if status == 200 else "refused on purpose")


async def count(request: web.Request) -> web.Response:
    records = request.app[records_key]
    return web.json_response(
        {
            "pushes": len(records.pushes),
            "reports": sum(p[1] for p in records.pushes),
            "unique": len(records.seen),
            "refusedPushes": sum(1 for p in records.pushes if p[2] != 200),
            "acked": len(records.acks),
            "others": records.others,
        }
    )


async def details(request: web.Request) -> web.Response:
    records = request.app[records_key]
    return web.json_response(
        {
            "acks": records.acks,
            "refusals": records.refusals,
            "statuses": records.statuses,
            "pushes": records.pushes,
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--fail-ratio", type=float, default=0.0, help="share of pushes refused")
    parser.add_argument("--fail-times", type=int, default=1, help="most refusals of one push")
    args = parser.parse_args()
    app = web.Application()
    app[failures_key] = Failures(args.fail_ratio, max(1, args.fail_times))
    app[records_key] = Records()
    app.router.add_post("/dlr", receive)
    app.router.add_get("/count", count)
    app.router.add_get("/records", details)
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
