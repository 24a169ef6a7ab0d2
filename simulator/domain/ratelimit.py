"""Infobip's per-endpoint rate limits (e.g. logs: 120 requests per minute), on the virtual clock."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from .clock import Clock
from .errors import TooManyRequests


@dataclass
class RateLimiter:
    """A sliding window per (account, endpoint); ``enabled=False`` turns every limit off."""

    clock: Clock
    enabled: bool = True
    _hits: dict[tuple[str, str], deque[float]] = field(default_factory=dict)

    def check(self, account: str, endpoint: str, limit: int, window: float = 60.0) -> None:
        """Count one request; TooManyRequests (with the seconds to wait) past the limit."""
        if not self.enabled:
            return
        now = self.clock.now()
        hits = self._hits.setdefault((account, endpoint), deque())
        while hits and hits[0] <= now - window:
            hits.popleft()
        if len(hits) >= limit:
            raise TooManyRequests(retry_after=hits[0] + window - now)
        hits.append(now)

    def reset(self, account: str | None = None) -> None:
        for key in [k for k in self._hits if account is None or k[0] == account]:
            del self._hits[key]
