"""A scenario compiled for speed: what the carrier consults for every message.

Validation (:mod:`.scenario_models`) happens once per file; here each rule becomes a matcher
(exact numbers in one dictionary, prefixes as a tuple for ``str.startswith``, precompiled
regular expressions) and each outcome a ready plan, so that a message costs a dictionary lookup,
a short scan of the non-exact rules and, for weighted outcomes or random delays, a draw or two.
Paths with fixed delays are built once and shared by every message that takes them.
"""

from __future__ import annotations

import math
import random
import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

from .messages import MessageSpec, Step
from .scenario_models import (
    ApiError,
    Delay,
    Delivered,
    DeliveredToOperator,
    Expired,
    LogNormal,
    Outcome,
    Pending,
    Rejected,
    Reply,
    Rule,
    Scenario,
    StepModel,
    Timeout,
    Undeliverable,
    Uniform,
)
from .statuses import ERRORS, NO_ERROR, STATUSES, ErrorCode, Status, StatusGroup, status

# -- delays ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Fixed:
    seconds: float

    def draw(self, rng: random.Random) -> float:
        return self.seconds


@dataclass(frozen=True, slots=True)
class UniformDraw:
    low: float
    high: float

    def draw(self, rng: random.Random) -> float:
        return rng.uniform(self.low, self.high)


@dataclass(frozen=True, slots=True)
class LogNormalDraw:
    mu: float
    sigma: float
    cap: float

    def draw(self, rng: random.Random) -> float:
        return min(self.cap, rng.lognormvariate(self.mu, self.sigma))


Draw = Fixed | UniformDraw | LogNormalDraw

_NEVER_DRAWN = random.Random(0)
"""Stands in for a generator where every delay is fixed."""


def _draw(delay: Delay) -> Draw:
    if isinstance(delay, Uniform):
        return UniformDraw(*delay.uniform)
    if isinstance(delay, LogNormal):
        params = delay.log_normal
        cap = math.inf if params.max is None else params.max
        return LogNormalDraw(math.log(params.median), params.sigma, cap)
    return Fixed(delay)


# -- outcomes --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Leg:
    """A step before its delay is drawn."""

    status: Status
    error: ErrorCode
    delay: Draw


@dataclass(frozen=True, slots=True)
class PathPlan:
    """The statuses a message goes through; ``fixed`` is the ready path when no delay is
    random (shared by every message)."""

    legs: tuple[Leg, ...]
    fixed: tuple[Step, ...] | None

    @classmethod
    def of(cls, legs: tuple[Leg, ...]) -> PathPlan:
        if all(isinstance(leg.delay, Fixed) for leg in legs):
            return cls(legs, _steps(legs, _NEVER_DRAWN))
        return cls(legs, None)

    def steps(self, rng: random.Random) -> tuple[Step, ...]:
        return self.fixed if self.fixed is not None else _steps(self.legs, rng)


def _steps(legs: tuple[Leg, ...], rng: random.Random) -> tuple[Step, ...]:
    """Each leg's delay counts from the previous step; a step's time counts from sending
    (rounded to the millisecond, Infobip's resolution)."""
    at = 0.0
    steps = []
    for leg in legs:
        at += leg.delay.draw(rng)
        steps.append(Step(round(at, 3), leg.status, leg.error))
    return tuple(steps)


@dataclass(frozen=True, slots=True)
class ApiFailure:
    """The whole send request fails: an HTTP ``status``, or (None) held and dropped."""

    status: int | None
    retry_after: float = 1.0


Result = PathPlan | Status | ApiFailure
"""A path to follow, a REJECTED_* status at submit, or a failure of the whole request."""


@dataclass(frozen=True, slots=True)
class ReplyPlan:
    """An inbound SMS sent back ``delay`` after delivery; ``text`` is a faker template."""

    text: str
    delay: Draw


@dataclass(frozen=True, slots=True)
class Choice:
    """One result, or weighted results drawn from; and the rule's reply, if any."""

    results: tuple[Result, ...]
    bounds: tuple[float, ...]
    reply: ReplyPlan | None = None

    def pick(self, rng: random.Random) -> Result:
        results = self.results
        if len(results) == 1:
            return results[0]
        bounds = self.bounds
        return results[bisect_right(bounds, rng.random() * bounds[-1], 0, len(results) - 1)]


# -- matching --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Matcher:
    """A rule's conditions; an empty one is not checked."""

    numbers: frozenset[str]
    prefixes: tuple[str, ...]
    pattern: re.Pattern[str] | None
    countries: frozenset[str]
    senders: frozenset[str]
    sender_pattern: re.Pattern[str] | None
    texts: tuple[str, ...]
    text_pattern: re.Pattern[str] | None

    @classmethod
    def of(cls, rule: Rule) -> Matcher:
        return cls(
            numbers=frozenset(rule.to or ()),
            prefixes=rule.prefix or (),
            pattern=rule.pattern,
            countries=frozenset(rule.country or ()),
            senders=frozenset(rule.sender or ()),
            sender_pattern=rule.sender_pattern,
            texts=tuple(t.lower() for t in rule.text or ()),
            text_pattern=rule.text_pattern,
        )

    def matches(self, to: str, region: str, spec: MessageSpec) -> bool:
        if self.numbers and to not in self.numbers:
            return False
        if self.prefixes and not to.startswith(self.prefixes):
            return False
        if self.countries and region not in self.countries:
            return False
        if self.pattern is not None and self.pattern.search(to) is None:
            return False
        if self.senders and spec.sender not in self.senders:
            return False
        if self.sender_pattern is not None and self.sender_pattern.search(spec.sender) is None:
            return False
        return self._text_matches(spec.text)

    def _text_matches(self, text: str | None) -> bool:
        if not self.texts and self.text_pattern is None:
            return True
        if text is None:
            return False
        if self.texts:
            lowered = text.lower()
            if not any(t in lowered for t in self.texts):
                return False
        return self.text_pattern is None or self.text_pattern.search(text) is not None


# -- the compiled scenario -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CompiledScenario:
    """A scenario ready for traffic; ``source`` is the validated model it came from."""

    name: str
    source: Scenario
    exact: dict[str, tuple[int, Choice]]
    """Rules that only name numbers: number -> (rule index, choice)."""
    scan: tuple[tuple[int, Matcher, Choice], ...]
    """Every other rule, in file order."""
    fallback: Choice
    prices: dict[str, float]
    per_part: float

    @property
    def seed(self) -> int | None:
        return self.source.seed

    @property
    def currency(self) -> str:
        return self.source.prices.currency

    def choice(self, to: str, region: str, spec: MessageSpec) -> Choice:
        """The first rule matching the message wins; no rule: the scenario's own outcome."""
        hit = self.exact.get(to)
        before = len(self.source.rules) if hit is None else hit[0]
        for index, matcher, choice in self.scan:
            if index > before:
                break
            if matcher.matches(to, region, spec):
                return choice
        return self.fallback if hit is None else hit[1]

    def price(self, region: str) -> float:
        return self.prices.get(region, self.per_part)


def compile_scenario(scenario: Scenario, name: str) -> CompiledScenario:
    legs = tuple(_leg(step) for step in scenario.path)
    compiler = _OutcomeCompiler(way=legs[:-1], last=legs[-1])
    exact: dict[str, tuple[int, Choice]] = {}
    scan: list[tuple[int, Matcher, Choice]] = []
    for index, rule in enumerate(scenario.rules):
        choice = compiler.choice(rule.choices, rule.reply)
        if rule.conditions() == {"to"}:
            for number in rule.to or ():
                exact.setdefault(number, (index, choice))
        else:
            scan.append((index, Matcher.of(rule), choice))
    prices = scenario.prices
    return CompiledScenario(
        name=name,
        source=scenario,
        exact=exact,
        scan=tuple(scan),
        fallback=compiler.choice(scenario.choices),
        prices=dict(prices.countries),
        per_part=prices.per_part,
    )


def _leg(step: StepModel) -> Leg:
    return Leg(STATUSES[step.status], ERRORS[step.error], _draw(step.after))


@dataclass(frozen=True, slots=True)
class _OutcomeCompiler:
    """Outcomes end the scenario's path their own way: ``way`` is the path up to its
    ``last`` step."""

    way: tuple[Leg, ...]
    last: Leg

    def choice(self, outcomes: tuple[Outcome, ...], reply: Reply | None = None) -> Choice:
        results = tuple(self.result(outcome) for outcome in outcomes)
        plan = ReplyPlan(reply.text, _draw(reply.after)) if reply is not None else None
        return Choice(results, tuple(accumulate(o.weight for o in outcomes)), plan)

    def result(self, outcome: Outcome) -> Result:
        match outcome:
            case Delivered(steps=steps) if steps is not None:
                return PathPlan.of(tuple(_leg(step) for step in steps))
            case Delivered(after=after):
                return self._ending(self.last.status, NO_ERROR, after)
            case Undeliverable() | Expired():
                return self._ending(STATUSES[outcome.status], ERRORS[outcome.error], outcome.after)
            case DeliveredToOperator(after=after):
                return self._ending(status("DELIVERED_TO_OPERATOR"), NO_ERROR, after)
            case Pending(steps=steps):
                legs = self.way if steps is None else tuple(_leg(step) for step in steps)
                pending = StatusGroup.PENDING
                return PathPlan.of(tuple(leg for leg in legs if leg.status.group is pending))
            case Rejected():
                return STATUSES[outcome.status]
            case ApiError():
                return ApiFailure(outcome.status, outcome.retry_after)
            case Timeout():
                return ApiFailure(None)

    def _ending(self, final: Status, error: ErrorCode, after: Delay | None) -> PathPlan:
        delay = self.last.delay if after is None else _draw(after)
        return PathPlan.of((*self.way, Leg(final, error, delay)))
