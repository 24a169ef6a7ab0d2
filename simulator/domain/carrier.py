"""The simulated network: decides which statuses a message goes through, and when.

For now every deliverable message takes Infobip's default path: PENDING_ENROUTE shortly after
submission (0.3 s), then DELIVERED_TO_HANDSET 1.2 s after it was sent. A message whose validity
period ends before its final status ends EXPIRED_EXPIRED at that moment instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from .messages import Step
from .statuses import error, status

DEFAULT_PATH: tuple[Step, ...] = (
    Step(0.3, status("PENDING_ENROUTE")),
    Step(1.2, status("DELIVERED_TO_HANDSET")),
)

_EXPIRED = status("EXPIRED_EXPIRED")
_VALIDITY_EXPIRED = error("EC_VALIDITY_EXPIRED")


@dataclass(frozen=True, slots=True)
class Carrier:
    """Plans message paths; ``price_per_part`` is what one SMS part costs (EUR)."""

    path: tuple[Step, ...] = DEFAULT_PATH
    price_per_part: float = 0.01
    currency: str = "EUR"

    def plan(self, validity_seconds: float | None) -> tuple[Step, ...]:
        """The path of one message, cut short by its validity period."""
        if validity_seconds is None or self.path[-1].delay <= validity_seconds:
            return self.path
        kept = tuple(step for step in self.path if step.delay < validity_seconds)
        return (*kept, Step(validity_seconds, _EXPIRED, _VALIDITY_EXPIRED))
