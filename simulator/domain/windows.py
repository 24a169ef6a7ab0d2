"""Delivery time windows: the days and the UTC time of day a message may be sent in.

A window from 22:00 to 06:00 runs past midnight: it opens on each listed day at 22:00 and
closes at 06:00 the next morning. Without ``from``/``to`` the listed days are open all day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

DAY = 86400
WEEKDAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
_EPOCH_WEEKDAY = 3
"""1970-01-01 was a Thursday (Monday is 0)."""


def weekday(at: float) -> int:
    """Monday 0 .. Sunday 6 of the UTC day ``at`` falls in."""
    return (int(at // DAY) + _EPOCH_WEEKDAY) % 7


@dataclass(frozen=True, slots=True)
class DeliveryWindow:
    """``days`` (Monday 0 .. Sunday 6) and the minutes of the UTC day it opens and closes."""

    days: frozenset[int]
    opens: int = 0
    closes: int = 24 * 60

    @classmethod
    def of(
        cls, days: Iterable[str], opens: int | None = None, closes: int | None = None
    ) -> DeliveryWindow:
        numbers = frozenset(WEEKDAYS.index(day) for day in days)
        if opens is None or closes is None:
            return cls(numbers)
        return cls(numbers, opens, closes)

    def is_open(self, at: float) -> bool:
        minute = (at % DAY) / 60
        day = weekday(at)
        if self.opens < self.closes:
            return day in self.days and self.opens <= minute < self.closes
        return (day in self.days and minute >= self.opens) or (
            (day - 1) % 7 in self.days and minute < self.closes
        )

    def next_opening(self, at: float) -> float:
        """``at`` itself when the window is open then, else the moment it next opens."""
        if self.is_open(at):
            return at
        midnight = at // DAY * DAY
        for offset in range(8):
            start = midnight + offset * DAY + self.opens * 60
            if start >= at and weekday(start) in self.days:
                return start
        raise AssertionError("a window with at least one day opens within a week")
