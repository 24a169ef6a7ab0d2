"""Typed application state (``web.AppKey``): the one place shared objects are reached from."""

from __future__ import annotations

from aiohttp import web

from .api.auth import Authenticator
from .domain.clock import Clock
from .domain.conversions import Conversions
from .domain.faults import FaultBook
from .domain.inbound import Inbound
from .domain.notifications import Notifier
from .domain.outbound import Outbound
from .domain.outbox import Outbox
from .domain.ratelimit import RateLimiter
from .domain.scenarios import ScenarioBook
from .domain.scheduler import Scheduler
from .settings import Settings

settings_key = web.AppKey("settings", Settings)
clock_key = web.AppKey("clock", Clock)
scheduler_key = web.AppKey("scheduler", Scheduler)
outbound_key = web.AppKey("outbound", Outbound)
authenticator_key = web.AppKey("authenticator", Authenticator)
rate_limiter_key = web.AppKey("rate_limiter", RateLimiter)
outbox_key = web.AppKey("outbox", Outbox)
notifier_key = web.AppKey("notifier", Notifier)
scenario_book_key = web.AppKey("scenario_book", ScenarioBook)
faults_key = web.AppKey("faults", FaultBook)
inbound_key = web.AppKey("inbound", Inbound)
conversions_key = web.AppKey("conversions", Conversions)
