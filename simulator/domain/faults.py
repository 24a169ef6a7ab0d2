"""Faults on demand: make an account's next requests (or a share of them) fail.

A fault answers an HTTP error, delays the request or drops its connection. Faults are kept per
account and checked in the order they were added; the first that fires decides. A ``ratio``
fault draws from the account's own generator (seeded from the simulator's seed), so the same
requests meet the same faults on every run.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field

from .scenarios import seeded


@dataclass(frozen=True, slots=True)
class Effect:
    """What happens to a request: wait ``delay`` real seconds, then answer ``status``, or drop
    the connection, or (neither) go on as usual."""

    delay: float = 0.0
    status: int | None = None
    drop: bool = False
    retry_after: float = 1.0
    """Seconds in the ``Retry-After`` header of a 429."""

    @property
    def ends_request(self) -> bool:
        return self.drop or self.status is not None


class SimulatedFailure(Exception):
    """A request that fails as a whole on purpose (a scenario's API failure); the fault
    middleware turns it into its effect."""

    def __init__(self, effect: Effect) -> None:
        super().__init__(f"simulated failure: {effect}")
        self.effect = effect


@dataclass(eq=False)
class Fault:
    id: int
    effect: Effect
    path: str | None
    """Only requests to this path (e.g. ``/sms/3/messages``); None: every Infobip path."""
    ratio: float | None
    """The share of matching requests that fail; None: every one."""
    remaining: int | None
    """How many more times it fires; None: until deleted."""
    rng: random.Random = field(repr=False)
    fired: int = 0

    def fires(self, path: str) -> bool:
        """Whether it hits this request (counting it when it does)."""
        if self.path is not None and path != self.path:
            return False
        if self.ratio is not None and self.rng.random() >= self.ratio:
            return False
        self.fired += 1
        if self.remaining is not None:
            self.remaining -= 1
        return True


class FaultBook:
    """The faults of every account. ``active`` holds only accounts that have some, so a
    request of any other account costs one dictionary lookup."""

    def __init__(self, seed: int) -> None:
        self.active: dict[str, list[Fault]] = {}
        self._seed = seed
        self._streams: dict[str, random.Random] = {}
        self._ids = itertools.count(1)

    def add(
        self,
        account: str,
        effect: Effect,
        *,
        path: str | None = None,
        ratio: float | None = None,
        count: int | None = None,
    ) -> Fault:
        stream = self._streams.get(account)
        if stream is None:
            stream = self._streams[account] = seeded(self._seed, "faults", account)
        fault = Fault(next(self._ids), effect, path, ratio, count, stream)
        self.active.setdefault(account, []).append(fault)
        return fault

    def draw(self, account: str, path: str) -> Effect | None:
        """The effect of the first of the account's faults that fires for this request."""
        faults = self.active.get(account)
        if faults is None:
            return None
        for fault in faults:
            if fault.fires(path):
                if fault.remaining == 0:
                    self._drop(account, fault)
                return fault.effect
        return None

    def faults(self, account: str) -> list[Fault]:
        return list(self.active.get(account, ()))

    def remove(self, account: str, fault_id: int) -> bool:
        for fault in self.active.get(account, ()):
            if fault.id == fault_id:
                self._drop(account, fault)
                return True
        return False

    def clear(self, account: str) -> int:
        """Delete every fault of the account; how many there were."""
        return len(self.active.pop(account, ()))

    def reset(self, account: str | None = None) -> None:
        """Forget faults and the generator of one account, or of all."""
        if account is None:
            self.active.clear()
            self._streams.clear()
        else:
            self.active.pop(account, None)
            self._streams.pop(account, None)

    def _drop(self, account: str, fault: Fault) -> None:
        faults = self.active[account]
        faults.remove(fault)
        if not faults:
            del self.active[account]
