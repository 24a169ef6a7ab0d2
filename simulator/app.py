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
from .domain.replies import Replies
from .domain.reports import Report
from .domain.scenarios import ScenarioBook, load_scenario
from .domain.scheduler import Scheduler
from .domain.subscriptions import SubscriptionRegistry
from .domain.tracking import SHORT_PATH
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


async def health(request: web.Request) -> web.Response:
    clock = request.app[clock_key]
    mode = "strict" if request.app[settings_key].strict else "open"
    return wire_response(HealthBody(status="ok", clock=str(clock.spec), mode=mode))


async def _background(app: web.Application) -> AsyncIterator[None]:
    """The scheduler loop, the webhook client and housekeeping live as long as the application."""
    scheduler = app[scheduler_key]
    await app[sender_key].start()
    app[outbound_key].keep_pruning()
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


def _wire_domain(app: web.Application, settings: Settings) -> None:
    """Build the domain objects and connect them: outbound -> notifier -> outbox -> sender."""
    clock = Clock(settings.clock)
    scheduler = Scheduler(clock)
    book = app[scenario_book_key]
    ids = IdGenerator(book.seed)  # the effective seed: --seed, else the scenario's
    carrier = Carrier(book, settings.hold_seconds)
    outbound = Outbound(MemoryStore(), scheduler, ids, carrier)
    sender = HttpSender(settings.webhook_concurrency)
    outbox = Outbox(scheduler, sender, ids)
    subscriptions = SubscriptionRegistry()

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
        scheduler, ids, notifier, subscriptions.targets, render_inbound, Fakes(book.seed)
    )
    outbound.listeners.append(Replies(book, inbound, outbound).on_message)
    app[clock_key] = clock
    app[conversions_key] = Conversions(ids)
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


def create_app(settings: Settings | None = None) -> web.Application:
    """Build a simulator; nothing runs until the app is started."""
    settings = settings or Settings()
    authenticator = Authenticator(frozenset(settings.api_keys))
    public = PUBLIC_PATHS | HEALTH_PATHS | SANDBOX_PATHS
    scenarios = ScenarioBook(load_scenario(settings.scenario), settings.seed)
    faults = FaultBook(scenarios.seed)
    metrics = Metrics()
    app = web.Application(
        client_max_size=settings.max_body_bytes,
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
    _wire_domain(app, settings)
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
