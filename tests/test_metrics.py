"""``/metrics`` (Prometheus text format) and the structured logs: one line per request and per
webhook attempt, as text or JSON."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
import urllib.request
from typing import Any

import pytest
from conftest import Sim
from prometheus_client.parser import text_string_to_metric_families

from simulator.logs_setup import JsonFormatter, TextFormatter

TO = "41793026727"


async def scrape(sim: Sim) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of /metrics (fetched without an API key), by name and sorted labels."""
    response = await sim.client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for family in text_string_to_metric_families(await response.text()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def messages(samples: dict[Any, float], status: str, group: str) -> float:
    return samples.get(("infobip_sim_messages_total", (("group", group), ("status", status))), 0)


async def test_messages_are_counted_by_status_reached(sim: Sim) -> None:
    await sim.send(TO, "41793026728")
    await sim.send("not-a-number")
    before = await scrape(sim)
    assert messages(before, "PENDING_ACCEPTED", "PENDING") == 2
    assert messages(before, "REJECTED_DESTINATION", "REJECTED") == 1
    await sim.advance(5)
    after = await scrape(sim)
    assert messages(after, "PENDING_ENROUTE", "PENDING") == 2
    assert messages(after, "DELIVERED_TO_HANDSET", "DELIVERED") == 2


async def test_webhook_attempts_are_counted_by_result(sim: Sim) -> None:
    name = f"{sim.key}-metrics"
    await sim.call("POST", f"/simulator/catcher/{name}/respond", json={"status": 500})
    url = str(sim.client.make_url(f"/simulator/hooks/{name}"))
    await sim.send(TO, webhooks={"delivery": {"url": url}})
    await sim.advance(120)
    samples = await scrape(sim)
    attempts = {
        dict(labels)["result"]: value
        for (metric, labels), value in samples.items()
        if metric == "infobip_sim_webhook_attempts_total"
    }
    assert attempts == {"failed": 1, "succeeded": 1}


async def test_request_latency_by_route_pattern(sim: Sim) -> None:
    sent = await sim.send(TO)
    await sim.message(sent["messages"][0]["messageId"])
    await sim.client.get("/no/such/path")
    samples = await scrape(sim)

    def count(method: str, route: str, status: str) -> float:
        labels = (("method", method), ("route", route), ("status", status))
        return samples.get(("infobip_sim_http_request_duration_seconds_count", labels), 0)

    assert count("POST", "/sms/3/messages", "200") == 1
    assert count("GET", "/simulator/messages/{message_id}", "200") == 1
    assert count("GET", "unmatched", "404") == 1
    bucket = (
        "infobip_sim_http_request_duration_seconds_bucket",
        (("le", "+Inf"), ("method", "POST"), ("route", "/sms/3/messages"), ("status", "200")),
    )
    assert samples[bucket] == 1


async def test_every_simulator_has_its_own_registry(sim: Sim, aiohttp_client: Any) -> None:
    from simulator.app import create_app

    await sim.send(TO)
    other = Sim(await aiohttp_client(create_app()), "other")
    assert messages(await scrape(other), "PENDING_ACCEPTED", "PENDING") == 0


async def test_one_log_record_per_request_and_per_attempt(
    sim: Sim, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="simulator")
    url = str(sim.client.make_url(f"/simulator/hooks/{sim.key}-log"))
    await sim.send(TO, webhooks={"delivery": {"url": url}})
    await sim.advance(5)
    requests = [r.fields for r in caplog.records if r.name == "simulator.access"]  # type: ignore[attr-defined]
    sends = [f for f in requests if f["path"] == "/sms/3/messages"]
    assert len(sends) == 1
    assert (sends[0]["method"], sends[0]["status"]) == ("POST", 200)
    assert sends[0]["ms"] >= 0
    hooks = [f for f in requests if f["path"].startswith("/simulator/hooks/")]
    assert len(hooks) == 1  # the push itself arrives as a request
    (attempt,) = [r.fields for r in caplog.records if r.name == "simulator.webhooks"]  # type: ignore[attr-defined]
    assert (attempt["result"], attempt["status"], attempt["state"]) == (
        "succeeded",
        200,
        "succeeded",
    )
    assert attempt["url"] == url and attempt["attempt"] == 0


def record(**fields: Any) -> logging.LogRecord:
    made = logging.LogRecord("simulator.access", logging.INFO, __file__, 1, "request", None, None)
    made.fields = fields
    return made


def test_json_and_text_lines() -> None:
    line = JsonFormatter().format(record(method="GET", path="/x", status=200, error=None))
    parsed = json.loads(line)
    assert (parsed["level"], parsed["logger"], parsed["message"]) == (
        "INFO",
        "simulator.access",
        "request",
    )
    assert (parsed["method"], parsed["status"], parsed["error"]) == ("GET", 200, None)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", parsed["time"])
    text = TextFormatter().format(record(method="GET", path="/x", status=200, error=None))
    assert text.endswith("Z INFO simulator.access: request method=GET path=/x status=200")


def process_log(level: str) -> list[dict[str, Any]]:
    """JSON log lines of a real simulator process that answered one /healthz."""
    argv = ["--port", "0", "--log-format", "json", "--log-level", level]
    proc = subprocess.Popen(
        [sys.executable, "-m", "simulator", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    url = proc.stdout.readline().split("listening on ")[1].split()[0]
    with urllib.request.urlopen(f"{url}/healthz", timeout=5):
        pass
    proc.terminate()
    proc.wait(timeout=10)
    lines = [json.loads(line) for line in proc.stderr.read().splitlines()]
    proc.stdout.close()
    proc.stderr.close()
    return lines


def test_the_process_logs_a_json_line_per_request_at_debug() -> None:
    lines = process_log("debug")
    (health,) = [line for line in lines if line.get("path") == "/healthz"]
    assert (health["logger"], health["status"], health["method"]) == (
        "simulator.access",
        200,
        "GET",
    )


def test_at_info_requests_are_not_logged() -> None:
    assert [line for line in process_log("info") if "path" in line] == []
