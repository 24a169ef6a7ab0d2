"""Webhook throughput: delivery reports pushed per second to a local receiver.

    python bench/webhooks.py [--messages 20000] [--bucket 100]

Starts the simulator (manual clock, core 0) and bench/receiver.py (core 1), subscribes the
receiver for DELIVERY reports with the given maxBucketSize, sends the messages (1,000
destinations a request), then times one POST /simulator/clock/advance: it answers only when
every report is delivered and every push acknowledged. Reports/s = messages / that time. The
receiver's counts prove nothing was lost or pushed twice. Appends a section to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from run import BENCH, HOST, ROOT, Children, free_port, simulator_argv, wait_ready

AUTH = {"Authorization": "App bench-webhooks", "Content-Type": "application/json"}
PER_REQUEST = 1000
TARGET = 1000.0


def call(port: int, method: str, path: str, body: Any = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"http://{HOST}:{port}{path}", data=data, method=method, headers=AUTH
    )
    with urllib.request.urlopen(request, timeout=600) as response:
        return json.load(response)


def subscribe(port: int, receiver: int, bucket: int) -> None:
    profile = {
        "profileId": "bench",
        "webhook": {"notifyUrl": f"http://{HOST}:{receiver}/dlr"},
        "maxBucketSize": bucket,
    }
    body = {"subscriptionId": "bench", "events": ["DELIVERY"], "profile": profile}
    call(port, "POST", "/subscriptions/1/subscription/SMS", body)


def send(port: int, messages: int) -> None:
    for start in range(0, messages, PER_REQUEST):
        count = min(PER_REQUEST, messages - start)
        destinations = [{"to": f"41{start + n:09d}"} for n in range(count)]
        payload = {"messages": [{"destinations": destinations, "content": {"text": "Hi"}}]}
        call(port, "POST", "/sms/3/messages", payload)


def run(messages: int, bucket: int, children: Children) -> dict[str, Any]:
    receiver_port, sim_port = free_port(), free_port()
    receiver = children.start(
        "receiver", [sys.executable, str(BENCH / "receiver.py"), "--port", str(receiver_port)], ROOT
    )
    wait_ready(children, receiver, receiver_port, "/count")
    children.pin = ["taskset", "-c", "0"] if children.pin else []
    simulator = children.start("simulator", simulator_argv(sim_port), ROOT)
    wait_ready(children, simulator, sim_port, "/healthz")
    subscribe(sim_port, receiver_port, bucket)
    send(sim_port, messages)
    started = time.monotonic()
    call(sim_port, "POST", "/simulator/clock/advance", {"seconds": 5})
    seconds = time.monotonic() - started
    counts = call(receiver_port, "GET", "/count")
    entries = call(sim_port, "GET", "/simulator/webhooks?state=succeeded")["results"]
    return {
        "seconds": seconds,
        "per_second": messages / seconds,
        "counts": counts,
        "succeeded_entries": len(entries),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--bucket", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as logs:
        children = Children(Path(logs), ["taskset", "-c", "1"])
        try:
            result = run(args.messages, args.bucket, children)
        finally:
            children.stop_all()
    counts = result["counts"]
    lost = args.messages - counts["unique"]
    duplicated = counts["reports"] - counts["unique"]
    verdict = "pass" if result["per_second"] >= TARGET and lost == 0 == duplicated else "FAIL"
    table = "\n".join(
        [
            "| Measure | Figure | Target | Result |",
            "|---|---|---|---|",
            f"| Reports pushed/s (bucket {args.bucket}) | {result['per_second']:,.0f} | "
            f">= {TARGET:,.0f} | {verdict} |",
            f"| Messages / pushes / seconds | {args.messages:,} / {counts['pushes']:,} / "
            f"{result['seconds']:.2f} | - | - |",
            f"| Lost / duplicated reports | {lost} / {duplicated} | 0 / 0 | "
            f"{'pass' if lost == 0 == duplicated else 'FAIL'} |",
        ]
    )
    print(table)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = f"python bench/webhooks.py --messages {args.messages} --bucket {args.bucket}"
    with (BENCH / "RESULTS.md").open("a") as results:
        results.write(f"\n## Webhooks {stamp}\n\nCommand: `{command}`\n\n{table}\n")
    return 0 if verdict == "pass" else 1


if __name__ == "__main__":
    sys.exit(main())
