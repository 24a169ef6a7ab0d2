"""The application factory: one ``create_app(settings)`` for the CLI, tests and the container."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from aiohttp import web

from .api.auth import Authenticator, auth_middleware
from .api.errors import error_middleware
from .api.faults import fault_middleware
from .api.inbound import mo_body
from .api.responses import wire_response
from .api.routes import PUBLIC_PATHS, setup_routes
from .api.subscriptions import setup_subscription_routes, subscriptions_key
from .api.tracking import setup_tracking_routes
from .control.catcher import Catcher, catcher_key
from .control.models import HealthBody
from .control.openapi import setup_openapi
from .control.routes import create_control_app
from .control.state import setup_state_routes
from .domain.carrier import Carrier
from .domain.clock import Clock
from .domain.conversions import Conversions
from .domain.fakes import Fakes
from .domain.faults import FaultBook
from .domain.ids import IdGenerator
from .domain.inbound import Inbound, InboundMessage
from .domain.messages import ApiFamily
from .domain.notifications import Notifier
from .domain.outbound import Outbound
from .domain.outbox import Outbox
from .domain.ratelimit import RateLimiter
from .domain.recovery import count_boot, kept_clock, recover
from .domain.replies import Replies
from .domain.reports import Report
from .domain.retention import keep_pruning
from .domain.scenarios import ScenarioBook, load_scenario
from .domain.scheduler import Scheduler
from .domain.subscriptions import SubscriptionRegistry
from .domain.tracking import SHORT_PATH
from .durability import keep_durable
from .events import EventHub, events_key
from .housekeeping import keep_gc_pauses_short
from .keys import (
    authenticator_key,
    clock_key,
    conversions_key,
    faults_key,
    inbound_key,
    notifier_key,
    outbound_key,
    outbox_key,
    rate_limiter_key,
    scenario_book_key,
    scheduler_key,
    settings_key,
)
from .metrics import Metrics, observe_requests, setup_metrics
from .settings import Settings
from .store.memory import MemoryStore
from .store.sqlite import SqliteStore
from .ui.routes import setup_live_routes, setup_ui
from .webhooks.bodies import report_body
from .webhooks.client import HttpSender

HEALTH_PATHS = frozenset({"/healthz", "/livez", "/readyz"})
PUBLIC_PREFIXES = ("/simulator/hooks/", "/ui/", SHORT_PATH)
"""The built-in catcher receives the simulator's own pushes, which carry no API key; the web
page's static files load before it knows a key; short links are opened by phones."""
SANDBOX_PATHS = frozenset({"/", "/metrics", "/simulator/openapi.json", "/simulator/docs"})
"""The web page (it asks for a key, then sends it like any client), Prometheus scrapes and the
API's description need no key."""

sender_key = web.AppKey("sender", HttpSender)
MAX_REQUEST_LINE = 64 * 1024
"""Longer request lines are refused by aiohttp's parser (400, plain text, connection closed)."""


async def health(request: web.Request) -> web.Response:
    clock = request.app[clock_key]
    settings = request.app[settings_key]
    mode = "strict" if settings.strict else "open"
    control = "strict" if settings.control_strict else "open"
    return wire_response(
        HealthBody(status="ok", clock=str(clock.spec), mode=mode, control_mode=control)
    )


async def _background(app: web.Application) -> AsyncIterator[None]:
    """The scheduler loop, the webhook client and housekeeping live as long as the application."""
    scheduler = app[scheduler_key]
    await app[sender_key].start()
    outbound, outbox, inbound = app[outbound_key], app[outbox_key], app[inbound_key]
    pruners = [outbound.prune, outbox.prune, inbound.prune, app[conversions_key].prune]
    keep_pruning(scheduler, pruners)
    tasks = [
        asyncio.create_task(scheduler.run_forever(), name="scheduler"),
        asyncio.create_task(keep_gc_pauses_short(), name="gc-housekeeping"),
    ]
    yield
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await scheduler.close()
    await app[sender_key].close()


def _wire_domain(app: web.Application, settings: Settings, store: MemoryStore) -> None:
    """Build the domain objects and connect them: outbound -> notifier -> outbox -> sender.

    On a durable store (``--db``) they take back what the store kept and go on from there.
    """
    kept_now = kept_clock(store) if settings.clock.mode != "real" else None
    clock = Clock(settings.clock, start=kept_now)
    scheduler = Scheduler(clock)
    book = app[scenario_book_key]
    ids = IdGenerator(_id_seed(book.seed, store))
    carrier = Carrier(book, settings.hold_seconds)
    outbound = Outbound(store, scheduler, ids, carrier)
    sender = HttpSender(settings.webhook_concurrency)
    outbox = Outbox(store, scheduler, sender, ids)
    subscriptions = SubscriptionRegistry(store)

    def render(reports: list[Report], family: ApiFamily, content_type: str) -> bytes:
        return report_body(reports, family, content_type, outbound.carrier)

    notifier = Notifier(
        outbox,
        scheduler,
        render,
        subscriptions.targets,
        connect_timeout=min(5.0, settings.webhook_timeout),
        read_timeout=settings.webhook_timeout,
    )
    outbound.pusher = notifier.push_report

    def render_inbound(messages: list[InboundMessage], pending: int, content_type: str) -> bytes:
        return mo_body(messages, pending, content_type, outbound.carrier.currency)

    inbound = app[inbound_key] = Inbound(
        store, scheduler, ids, notifier, subscriptions.targets, render_inbound, Fakes(book.seed)
    )
    outbound.listeners.append(Replies(book, inbound, outbound).on_message)
    app[clock_key] = clock
    conversions = app[conversions_key] = Conversions(store, ids)
    app[scheduler_key] = scheduler
    app[outbound_key] = outbound
    app[sender_key] = sender
    app[outbox_key] = outbox
    app[notifier_key] = notifier
    app[subscriptions_key] = subscriptions
    app[catcher_key] = Catcher()
    events = EventHub()
    outbound.listeners.append(events.on_message)
    outbox.listeners.append(events.on_entry)
    inbound.listeners.append(events.on_inbound)
    app[events_key] = events
    app[rate_limiter_key] = RateLimiter(clock, enabled=settings.rate_limits)
    if isinstance(store, SqliteStore):
        recover(
            store,
            scenarios=book,
            conversions=conversions,
            outbound=outbound,
            outbox=outbox,
            inbound=inbound,
            subscriptions=subscriptions,
        )
        if settings.clock.mode != "real":
            store.now = clock.now
        keep_durable(app, store, notifier)


def open_store(settings: Settings) -> MemoryStore:
    """The SQLite file of ``--db``, else memory."""
    if settings.db is None:
        return MemoryStore(settings.max_messages)
    return SqliteStore(settings.db, settings.max_messages)


def _id_seed(seed: int | None, store: MemoryStore) -> int | str | None:
    """The effective seed (--seed, else the scenario's); on a durable store, a seeded run's
    ids go on differently after each restart, never repeating the ids already kept."""
    if seed is None or not store.durable:
        return seed
    return f"{seed}/{count_boot(store)}"


def create_app(settings: Settings | None = None) -> web.Application:
    """Build a simulator; nothing runs until the app is started."""
    settings = settings or Settings()
    authenticator = Authenticator(frozenset(settings.api_keys), settings.open_control)
    public = PUBLIC_PATHS | HEALTH_PATHS | SANDBOX_PATHS
    store = open_store(settings)
    scenarios = ScenarioBook(store, load_scenario(settings.scenario), settings.seed)
    faults = FaultBook(scenarios.seed)
    metrics = Metrics()
    app = web.Application(
        client_max_size=settings.max_body_bytes,
        # A query send's text and destinations may not fit aiohttp's 8190-byte request line.
        handler_args={"max_line_size": MAX_REQUEST_LINE},
        middlewares=[
            observe_requests(metrics),
            error_middleware,
            auth_middleware(authenticator, public, PUBLIC_PREFIXES),
            fault_middleware(faults),
        ],
    )
    app[settings_key] = settings
    app[authenticator_key] = authenticator
    app[scenario_book_key] = scenarios
    app[faults_key] = faults
    _wire_domain(app, settings, store)
    setup_metrics(app, metrics)
    for path in HEALTH_PATHS:
        app.router.add_get(path, health)
    setup_routes(app)
    setup_subscription_routes(app)
    setup_tracking_routes(app)
    control = create_control_app()
    setup_openapi(control)
    setup_state_routes(control)
    setup_live_routes(control)
    app.add_subapp("/simulator/", control)
    setup_ui(app)
    app.cleanup_ctx.append(_background)
    return app
