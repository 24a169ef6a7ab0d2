"""``/metrics`` in Prometheus' text format, and one log line per request and per webhook attempt.

- ``infobip_sim_messages_total{status,group}``: messages that reached each status (accepted
  ones count as ``PENDING_ACCEPTED``);
- ``infobip_sim_webhook_attempts_total{result}``: pushes by result (``succeeded``, ``failed``:
  the receiver answered something else than success, ``error``: timeout or connection error);
- ``infobip_sim_http_request_duration_seconds{method,route,status}``: request latency, by route
  pattern (``/simulator/messages/{message_id}``; ``unmatched`` for unknown paths).

Cheap on the send path: status counts and request latencies are plain list and dictionary
increments turned into metrics only when scraped (a ``prometheus_client`` histogram takes a lock
per observation: about 3 % of a v3 send, profiled).
Request lines are logged at DEBUG (``--log-level DEBUG``): at INFO they cost a busy simulator
17-24 % of its sends per second (text/JSON, measured on one core); webhook attempts, far fewer,
are logged at INFO. The registry belongs to the application, not the process.
"""

from __future__ import annotations

import logging
import time
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
from prometheus_client import CollectorRegistry, Counter
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import CounterMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from prometheus_client.samples import Sample

from .domain.messages import Message
from .domain.outbox import OutboxEntry, Outcome
from .domain.statuses import STATUSES
from .keys import outbound_key, outbox_key

access_log = logging.getLogger("simulator.access")
webhook_log = logging.getLogger("simulator.webhooks")

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0)
_BUCKET_NAMES = (*map(repr, LATENCY_BUCKETS), "+Inf")
"""The ``le`` labels, spelled as ``prometheus_client`` spells these bounds."""
_LATENCY_LABELS = ("method", "route", "status")

_Labels = tuple[str, str, str]


class _StatusCounts(Collector):
    """Messages per status reached, counted in a plain dict and exposed at scrape time."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def reached(self, _account: str, message: Message) -> None:
        name = message.status.name
        self.counts[name] = self.counts.get(name, 0) + 1

    def collect(self) -> Iterator[Metric]:
        family = CounterMetricFamily(
            "infobip_sim_messages",
            "Messages that reached each status.",
            labels=["status", "group"],
        )
        for name, count in sorted(self.counts.items()):
            family.add_metric([name, STATUSES[name].group.name], count)
        yield family


@dataclass(slots=True)
class _Series:
    """One labelled latency series: requests per bucket (not cumulative) and their sum."""

    created: float = field(default_factory=time.time)
    counts: list[int] = field(default_factory=lambda: [0] * len(_BUCKET_NAMES))
    total: float = 0.0


class _RequestLatency(Collector):
    """Request latency by (method, route, status), counted in plain lists and exposed at scrape
    time in the shape of a ``prometheus_client`` histogram (with its ``_created`` series)."""

    name = "infobip_sim_http_request_duration_seconds"

    def __init__(self) -> None:
        self.series: dict[_Labels, _Series] = {}

    def observe(self, labels: _Labels, seconds: float) -> None:
        series = self.series.get(labels)
        if series is None:
            series = self.series[labels] = _Series()
        series.counts[bisect_left(LATENCY_BUCKETS, seconds)] += 1  # the first bound >= seconds
        series.total += seconds

    def collect(self) -> Iterator[Metric]:
        family = HistogramMetricFamily(
            self.name, "Time to answer an HTTP request, by route pattern.", labels=_LATENCY_LABELS
        )
        for labels, series in list(self.series.items()):
            cumulative = zip(_BUCKET_NAMES, map(float, accumulate(series.counts)), strict=True)
            family.add_metric(labels, list(cumulative), series.total)
            named = dict(zip(_LATENCY_LABELS, labels, strict=True))
            family.samples.append(Sample(f"{self.name}_created", named, series.created))
        yield family


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self.statuses = _StatusCounts()
        self.registry.register(self.statuses)
        self.attempts = Counter(
            "infobip_sim_webhook_attempts",
            "Webhook push attempts by result.",
            ["result"],
            registry=self.registry,
        )
        self.latency = _RequestLatency()
        self.registry.register(self.latency)

    def observe_attempt(self, entry: OutboxEntry) -> None:
        """An ``Outbox`` listener: count the attempt that just ended and log it."""
        attempt = entry.attempts[-1]
        outcome = attempt.outcome
        result = attempt_result(outcome)
        self.attempts.labels(result).inc()
        webhook_log.info(
            "webhook attempt",
            extra={
                "fields": {
                    "entry": entry.id,
                    "url": entry.push.url,
                    "attempt": attempt.number,
                    "result": result,
                    "status": outcome.status,
                    "error": outcome.error,
                    "latency_ms": round(outcome.latency_ms, 1),
                    "state": entry.state,
                    "next_attempt_at": entry.next_attempt_at,
                }
            },
        )


def attempt_result(outcome: Outcome) -> str:
    if outcome.succeeded:
        return "succeeded"
    return "error" if outcome.status is None else "failed"


def route_of(request: web.Request) -> str:
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else "unmatched"


def observe_requests(metrics: Metrics) -> Middleware:
    """The outermost middleware: time every request, count it, log it."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        started = time.perf_counter()
        status = 500
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as exc:  # only redirects get past the error middleware
            status = exc.status
            raise
        finally:
            elapsed = time.perf_counter() - started
            route = route_of(request)
            metrics.latency.observe((request.method, route, str(status)), elapsed)
            if access_log.isEnabledFor(logging.DEBUG):
                fields = _request_fields(request, status, elapsed)
                access_log.debug("request", extra={"fields": fields})

    return middleware


def _request_fields(request: web.Request, status: int, elapsed: float) -> dict[str, object]:
    return {
        "method": request.method,
        "path": request.path,
        "status": status,
        "ms": round(elapsed * 1000, 2),
    }


metrics_key = web.AppKey("metrics", Metrics)


async def serve_metrics(request: web.Request) -> web.Response:
    """The exposition format the scraper asks for (``Accept``); plain text 0.0.4 by default."""
    encode, content_type = choose_encoder(request.headers.get("Accept", ""))
    body = encode(request.app[metrics_key].registry)
    return web.Response(body=body, headers={"Content-Type": content_type})


def setup_metrics(app: web.Application, metrics: Metrics) -> None:
    """Serve ``/metrics`` and listen to the domain (``observe_requests`` is given to the app's
    middlewares by the factory, outermost)."""
    app[metrics_key] = metrics
    app[outbound_key].listeners.append(metrics.statuses.reached)
    app[outbox_key].listeners.append(metrics.observe_attempt)
    app.router.add_get("/metrics", serve_metrics)
