"""The application factory: one ``create_app(settings)`` for the CLI, tests and the container."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from aiohttp import web

from .api.auth import Authenticator, auth_middleware
from .api.errors import error_middleware
from .api.responses import wire_response
from .api.routes import PUBLIC_PATHS, setup_routes
from .control.models import HealthBody
from .control.routes import create_control_app
from .domain.clock import Clock
from .domain.ids import IdGenerator
from .domain.outbound import Outbound
from .domain.ratelimit import RateLimiter
from .domain.scheduler import Scheduler
from .keys import (
    authenticator_key,
    clock_key,
    outbound_key,
    rate_limiter_key,
    scheduler_key,
    settings_key,
)
from .settings import Settings
from .store.memory import MemoryStore

HEALTH_PATHS = frozenset({"/healthz", "/livez", "/readyz"})


async def health(request: web.Request) -> web.Response:
    clock = request.app[clock_key]
    return wire_response(HealthBody(status="ok", clock=str(clock.spec), mode=_mode(request)))


def _mode(request: web.Request) -> str:
    return "strict" if request.app[settings_key].strict else "open"


async def _run_scheduler(app: web.Application) -> AsyncIterator[None]:
    """The scheduler loop lives exactly as long as the application."""
    scheduler = app[scheduler_key]
    app[outbound_key].keep_pruning()
    task = asyncio.create_task(scheduler.run_forever(), name="scheduler")
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await scheduler.close()


def create_app(settings: Settings | None = None) -> web.Application:
    """Build a simulator; nothing runs until the app is started."""
    settings = settings or Settings()
    authenticator = Authenticator(frozenset(settings.api_keys))
    app = web.Application(
        client_max_size=settings.max_body_bytes,
        middlewares=[error_middleware, auth_middleware(authenticator, PUBLIC_PATHS | HEALTH_PATHS)],
    )
    clock = Clock(settings.clock)
    scheduler = Scheduler(clock)
    app[settings_key] = settings
    app[clock_key] = clock
    app[scheduler_key] = scheduler
    app[authenticator_key] = authenticator
    app[rate_limiter_key] = RateLimiter(clock, enabled=settings.rate_limits)
    app[outbound_key] = Outbound(MemoryStore(), scheduler, IdGenerator(settings.seed))
    for path in HEALTH_PATHS:
        app.router.add_get(path, health)
    setup_routes(app)
    app.add_subapp("/simulator/", create_control_app())
    app.cleanup_ctx.append(_run_scheduler)
    return app
