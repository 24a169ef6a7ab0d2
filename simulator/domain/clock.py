"""The simulator's clock: the only place that reads wall time.

All business time (state transitions, schedules, retries, retention) is virtual time, in epoch
seconds. In ``real`` mode it follows the wall clock, in ``scaled`` mode it runs N times faster,
and in ``manual`` mode it moves only when told to (see :class:`Scheduler.advance`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

ClockMode = Literal["real", "scaled", "manual"]


@dataclass(frozen=True, slots=True)
class ClockSpec:
    """A parsed ``--clock`` value: ``real``, ``scaled:N`` or ``manual``."""

    mode: ClockMode
    factor: float = 1.0

    @classmethod
    def parse(cls, text: str) -> ClockSpec:
        """Parse ``real`` / ``manual`` / ``scaled:N`` (N > 0); ValueError otherwise."""
        value = text.strip().lower()
        if value in ("real", "manual"):
            return cls(value)  # type: ignore[arg-type]
        name, _, factor = value.partition(":")
        if name == "scaled" and factor:
            scale = float(factor)
            if scale > 0:
                return cls("scaled", scale)
        raise ValueError(f"clock must be real, manual or scaled:N with N > 0, not {text!r}")

    def __str__(self) -> str:
        return f"scaled:{self.factor:g}" if self.mode == "scaled" else self.mode


class Clock:
    """Virtual time. Starts at the wall time of its creation, rounded to the millisecond."""

    def __init__(
        self,
        spec: ClockSpec,
        *,
        start: float | None = None,
        wall: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.spec = spec
        self._monotonic = monotonic
        self._origin_virtual = round(wall() if start is None else start, 3)
        self._origin_real = monotonic()
        self._manual_now = self._origin_virtual

    @property
    def mode(self) -> ClockMode:
        return self.spec.mode

    def now(self) -> float:
        """Virtual now, in epoch seconds."""
        if self.spec.mode == "manual":
            return self._manual_now
        elapsed = self._monotonic() - self._origin_real
        return self._origin_virtual + elapsed * self.spec.factor

    def real_seconds(self, virtual_seconds: float) -> float | None:
        """Wall seconds that ``virtual_seconds`` take, or None when only an advance moves time."""
        if self.spec.mode == "manual":
            return None
        return max(0.0, virtual_seconds / self.spec.factor)

    def move_to(self, when: float) -> None:
        """Set virtual now (manual mode only); time never goes backwards."""
        if self.spec.mode != "manual":
            raise RuntimeError("only a manual clock can be moved")
        self._manual_now = max(self._manual_now, when)
