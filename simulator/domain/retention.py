"""Retention: reports, logs, inbound messages, bulks, short links, conversions and webhook
entries are kept for 48 virtual hours; every virtual hour, what is older is forgotten (on any
clock, so a scaled or manual clock prunes as it goes)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .reports import RETENTION_SECONDS
from .scheduler import Scheduler

Pruner = Callable[[float], object]
"""``prune(before)``: forget what is older than the virtual time ``before``."""

EVERY_SECONDS = 3600.0


def keep_pruning(scheduler: Scheduler, pruners: Sequence[Pruner]) -> None:
    """Run every pruner each virtual hour, for as long as the scheduler runs."""

    def job() -> None:
        before = scheduler.clock.now() - RETENTION_SECONDS
        for prune in pruners:
            prune(before)
        scheduler.after(EVERY_SECONDS, job)

    scheduler.after(EVERY_SECONDS, job)
