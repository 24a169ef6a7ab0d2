"""The simulated network: decides which statuses a message goes through, and when.

Each account runs a scenario (the default one unless the control API assigned another; see
:mod:`.scenarios`): its rules decide, per destination, whether the message is delivered along
the scenario's path, fails, expires, stays pending, is rejected at submit, or makes the whole
request fail. A message whose validity period ends before its final status ends
EXPIRED_EXPIRED at that moment instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from .faults import Effect, SimulatedFailure
from .messages import PENDING_ACCEPTED, MessageSpec, Step
from .networks import network_of
from .scenario_plans import ApiFailure, PathPlan
from .scenarios import ScenarioBook
from .statuses import Status, error, status

_EXPIRED = status("EXPIRED_EXPIRED")
_VALIDITY_EXPIRED = error("EC_VALIDITY_EXPIRED")


@dataclass(slots=True)
class Route:
    """What the network does with one destination: its first status (PENDING_ACCEPTED or
    REJECTED_*), the steps after it, the price of a part and the destination's network.

    Not frozen: one is made per message, and a frozen dataclass costs four times as much to
    create."""

    to: str
    initial: Status
    path: tuple[Step, ...]
    price_per_part: float
    mcc_mnc: str | None


@dataclass(frozen=True, slots=True)
class Carrier:
    """Routes messages by their account's scenario. ``hold_seconds``: how long a request that
    times out on purpose is held before its connection is dropped (real seconds)."""

    book: ScenarioBook
    hold_seconds: float = 30.0

    @property
    def currency(self) -> str:
        return self.book.currency

    def route(self, account: str, spec: MessageSpec, to: str) -> Route:
        """The fate of a message to ``to`` (digits); SimulatedFailure when the scenario makes
        the whole request fail."""
        network = network_of(to)
        scenario, rng = self.book.running(account)
        result = scenario.choice(to, network.region, spec).pick(rng)
        if isinstance(result, PathPlan):
            path = expire(result.steps(rng), spec.validity_seconds)
            price = scenario.price(network.region)
            return Route(to, PENDING_ACCEPTED, path, price, network.mcc_mnc)
        if isinstance(result, ApiFailure):
            raise SimulatedFailure(self._effect(result))
        return Route(to, result, (), 0.0, network.mcc_mnc)

    def reject(self, to: str, problem: Status) -> Route:
        """A destination the simulator rejects before any scenario is asked."""
        return Route(to, problem, (), 0.0, network_of(to).mcc_mnc)

    def _effect(self, failure: ApiFailure) -> Effect:
        if failure.status is None:
            return Effect(delay=self.hold_seconds, drop=True)
        return Effect(status=failure.status, retry_after=failure.retry_after)


def expire(path: tuple[Step, ...], validity_seconds: float | None) -> tuple[Step, ...]:
    """The path cut short by the validity period: a message that has not reached a final
    status (or DELIVERED_TO_OPERATOR) when it ends becomes EXPIRED_EXPIRED then."""
    if validity_seconds is None:
        return path
    if path and path[-1].delay <= validity_seconds and path[-1].status.is_reportable:
        return path
    kept = tuple(step for step in path if step.delay < validity_seconds)
    return (*kept, Step(validity_seconds, _EXPIRED, _VALIDITY_EXPIRED))
