"""The scenario file format: pydantic models of a simulated carrier network.

A scenario is written in YAML (``scenarios/*.yaml``) or sent inline as JSON to the control API;
both go through these models, so one set of rules decides what a valid scenario is. Keys are
camelCase like Infobip's JSON, unknown keys are errors (a typo must not silently do nothing),
and every status and error is named from the real catalogue in :mod:`.statuses`.
See docs/scenarios.md for the format with examples.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from typing import Annotated, Any, Literal, Self, TypeVar

from phonenumbers.phonenumberutil import SUPPORTED_REGIONS
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel

from .fakes import template_fields
from .statuses import ERRORS, STATUSES, StatusGroup

T = TypeVar("T")


class Strict(BaseModel):
    """camelCase keys, unknown keys rejected, numbers accepted where text is meant (YAML reads
    ``to: 41790000001`` as a number)."""

    model_config = ConfigDict(
        alias_generator=to_camel, extra="forbid", frozen=True, coerce_numbers_to_str=True
    )


def _many(value: object) -> object:
    """A single value or a list of them."""
    return value if isinstance(value, list | tuple) else [value]


def _not_empty(items: tuple[T, ...]) -> tuple[T, ...]:
    """Checked after the items (a length constraint would also complain when an item fails)."""
    if not items:
        raise ValueError("give at least one")
    return items


# -- names from the catalogue ---------------------------------------------------------------


def _known(kind: str, name: str, names: Iterable[str]) -> str:
    known = list(names)
    if name in known:
        return name
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"; did you mean {close[0]}?" if close else ""
    raise ValueError(f"unknown {kind} {name!r}{hint}")


def _status_in(*groups: StatusGroup) -> Callable[[str], str]:
    """A validator: the name of a catalogue status in one of ``groups``."""

    def check(name: str) -> str:
        _known("status", name, STATUSES)
        if STATUSES[name].group not in groups:
            allowed = " or ".join(g.name for g in groups)
            raise ValueError(f"{name} is not an allowed status here (must be {allowed})")
        return name

    return check


def _error_name(name: str) -> str:
    return _known("error", name, ERRORS)


ErrorName = Annotated[str, AfterValidator(_error_name)]
AnyStatus = Annotated[str, AfterValidator(_status_in(*StatusGroup))]

# -- delays ----------------------------------------------------------------------------------

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_DURATION = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*(ms|s|m|h|d)?\s*")


def _duration(value: object) -> object:
    """``"300ms"``, ``"2s"``, ``"5m"``, ``"1h"``, ``"2d"`` -> seconds; numbers pass through."""
    if not isinstance(value, str):
        return value
    found = _DURATION.fullmatch(value)
    if found is None:
        raise ValueError(f"expected seconds or a duration like 300ms, 2s, 5m, 1h, not {value!r}")
    return float(found[1]) * _UNITS[found[2] or "s"]


Seconds = Annotated[float, BeforeValidator(_duration), Field(ge=0, le=400 * 86400)]


class Uniform(Strict):
    """``{uniform: [1s, 3s]}``: any time between the two, equally likely."""

    uniform: tuple[Seconds, Seconds]

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.uniform[0] > self.uniform[1]:
            raise ValueError("the first bound must not be larger than the second")
        return self


class LogNormalParams(Strict):
    median: Annotated[Seconds, Field(gt=0)]
    sigma: float = Field(gt=0, le=5)
    max: Seconds | None = None


class LogNormal(Strict):
    """``{logNormal: {median: 2s, sigma: 0.6, max: 1m}}``: most near the median, a long tail."""

    log_normal: LogNormalParams


def _delay_kind(value: Any) -> str | None:
    if isinstance(value, Uniform) or (isinstance(value, dict) and "uniform" in value):
        return "uniform"
    if isinstance(value, LogNormal) or (isinstance(value, dict) and "logNormal" in value):
        return "logNormal"
    return None if isinstance(value, dict) else "fixed"


Delay = Annotated[
    Annotated[Seconds, Tag("fixed")]
    | Annotated[Uniform, Tag("uniform")]
    | Annotated[LogNormal, Tag("logNormal")],
    Discriminator(
        _delay_kind,
        custom_error_type="delay",
        custom_error_message="a delay is seconds, a duration (300ms, 2s, 1h), "
        "{uniform: [min, max]} or {logNormal: {median, sigma, max}}",
    ),
]


class StepModel(Strict):
    """One status on a message's way, reached ``after`` the previous one (the first: after
    sending)."""

    status: AnyStatus
    after: Delay = 0.0
    error: ErrorName = "NO_ERROR"


def _check_steps(steps: tuple[StepModel, ...], last: StatusGroup) -> tuple[StepModel, ...]:
    """Every step but the last may still change (PENDING or DELIVERED_TO_OPERATOR); the last
    is in group ``last``."""
    if not steps:
        raise ValueError("give at least one step")
    for step in steps[:-1]:
        if STATUSES[step.status].is_final:
            raise ValueError(f"{step.status} is final, so only the last step may have it")
    if STATUSES[steps[-1].status].group is not last:
        raise ValueError(f"the last step must be a {last.name} status, not {steps[-1].status}")
    return steps


DEFAULT_PATH = (
    StepModel(status="PENDING_ENROUTE", after=0.3),
    StepModel(status="DELIVERED_TO_HANDSET", after=0.9),
)
"""Infobip-like: PENDING_ENROUTE 0.3 s after sending, DELIVERED_TO_HANDSET 1.2 s after sending."""

# -- outcomes --------------------------------------------------------------------------------


class _Outcome(Strict):
    weight: float = Field(default=1.0, gt=0)
    """Relative chance among a rule's ``outcomes`` (ignored for a single ``outcome``)."""


class _Ending(_Outcome):
    """An outcome that ends the scenario's path its own way: the path's steps up to the last
    one, then this outcome's status ``after`` (default: when the path's last step comes)."""

    after: Delay | None = None


class Delivered(_Ending):
    """Delivered along the scenario's path, later (``after``) or along its own ``steps``."""

    type: Literal["delivered"]
    steps: tuple[StepModel, ...] | None = None

    @field_validator("steps")
    @classmethod
    def _delivered_steps(cls, steps: tuple[StepModel, ...] | None) -> tuple[StepModel, ...] | None:
        return None if steps is None else _check_steps(steps, StatusGroup.DELIVERED)

    @model_validator(mode="after")
    def _steps_or_after(self) -> Self:
        if self.steps is not None and self.after is not None:
            raise ValueError("give either steps or after, not both")
        return self


class Undeliverable(_Ending):
    type: Literal["undeliverable"]
    error: ErrorName
    status: Annotated[str, AfterValidator(_status_in(StatusGroup.UNDELIVERABLE))] = (
        "UNDELIVERABLE_NOT_DELIVERED"
    )


class Expired(_Ending):
    type: Literal["expired"]
    status: Annotated[str, AfterValidator(_status_in(StatusGroup.EXPIRED))] = "EXPIRED_EXPIRED"
    error: ErrorName = "EC_VALIDITY_EXPIRED"


class DeliveredToOperator(_Ending):
    """Ends at DELIVERED_TO_OPERATOR: the operator took it, no handset report ever follows."""

    type: Literal["deliveredToOperator"]


class Pending(_Outcome):
    """Never final: the path's PENDING steps (or ``steps``), then nothing. A validityPeriod
    still ends it (EXPIRED_EXPIRED)."""

    type: Literal["pending"]
    steps: tuple[StepModel, ...] | None = None

    @field_validator("steps")
    @classmethod
    def _pending_steps(cls, steps: tuple[StepModel, ...] | None) -> tuple[StepModel, ...] | None:
        return None if steps is None else _check_steps(steps, StatusGroup.PENDING)


class Rejected(_Outcome):
    """Rejected at submit: the send response carries this REJECTED_* status."""

    type: Literal["rejected"]
    status: Annotated[str, AfterValidator(_status_in(StatusGroup.REJECTED))] = (
        "REJECTED_DESTINATION_BLOCKLISTED"
    )


FailureStatus = Literal[400, 401, 403, 429, 500, 503]


class ApiError(_Outcome):
    """The whole send request answers this HTTP error (in the endpoint's error family)."""

    type: Literal["apiError"]
    status: FailureStatus
    retry_after: Seconds = 1.0
    """429 only: the ``Retry-After`` header, in seconds."""


class Timeout(_Outcome):
    """The whole send request is held (``--hold-seconds``), then its connection dropped."""

    type: Literal["timeout"]


def _shorthand(value: object) -> object:
    """``outcome: delivered`` is short for ``outcome: {type: delivered}``."""
    return {"type": value} if isinstance(value, str) else value


Outcome = Annotated[
    Annotated[
        Delivered
        | Undeliverable
        | Expired
        | DeliveredToOperator
        | Pending
        | Rejected
        | ApiError
        | Timeout,
        Field(discriminator="type"),
    ],
    BeforeValidator(_shorthand),
]


class _Outcomes(Strict):
    """One ``outcome``, or weighted ``outcomes`` drawn from per message."""

    outcome: Outcome | None = None
    outcomes: Annotated[tuple[Outcome, ...], AfterValidator(_not_empty)] | None = None

    @model_validator(mode="after")
    def _not_both(self) -> Self:
        if self.outcome is not None and self.outcomes is not None:
            raise ValueError("give either outcome or outcomes, not both")
        return self

    @property
    def choices(self) -> tuple[Outcome, ...]:
        if self.outcomes is not None:
            return self.outcomes
        return (self.outcome or Delivered(type="delivered"),)


# -- matching --------------------------------------------------------------------------------


def _number(value: str) -> str:
    digits = value.replace(" ", "").removeprefix("+")
    if not digits.isdigit() or not digits.isascii():
        raise ValueError(f"{value!r} is not a number (digits, with an optional leading +)")
    return digits


def _country(value: object) -> object:
    if value is False:  # YAML 1.1 reads a bare NO as false
        raise ValueError("write Norway as 'NO' in quotes: YAML reads a bare NO as false")
    if isinstance(value, str):
        code = value.upper()
        if code not in SUPPORTED_REGIONS:
            raise ValueError(f"unknown country {value!r} (use ISO 3166 codes like DE, US)")
        return code
    return value


Number = Annotated[str, AfterValidator(_number)]
Country = Annotated[str, BeforeValidator(_country)]
Numbers = Annotated[tuple[Number, ...], BeforeValidator(_many), AfterValidator(_not_empty)]
Countries = Annotated[tuple[Country, ...], BeforeValidator(_many), AfterValidator(_not_empty)]
Texts = Annotated[tuple[str, ...], BeforeValidator(_many), AfterValidator(_not_empty)]


def _template(text: str) -> str:
    template_fields(text)
    return text


class Reply(Strict):
    """The destination answers: an inbound SMS to the message's sender, ``after`` the message
    is delivered to the handset. ``text`` may use faker fields: ``"Thanks {first_name}"``."""

    text: Annotated[str, AfterValidator(_template)]
    after: Delay = 0.0


class Rule(_Outcomes):
    """Messages matching every condition given get this rule's outcome(s); the first matching
    rule wins. Lists mean "any of these"."""

    name: str | None = None
    to: Numbers | None = None
    """Exact destination numbers."""
    prefix: Numbers | None = None
    pattern: re.Pattern[str] | None = None
    """A regular expression searched in the destination (anchor it with ^...$)."""
    country: Countries | None = None
    """ISO codes of the destination's country, from its calling code."""
    sender: Texts | None = None
    """Exact senders."""
    sender_pattern: re.Pattern[str] | None = None
    text: Texts | None = None
    """Substrings of the message text, case-insensitive."""
    text_pattern: re.Pattern[str] | None = None
    reply: Reply | None = None
    """Delivered messages are answered (the outcome defaults to delivered)."""

    @model_validator(mode="after")
    def _has_condition(self) -> Self:
        if not self.conditions():
            raise ValueError(
                "a rule needs at least one of to, prefix, pattern, country, sender, "
                "senderPattern, text, textPattern (the scenario's outcome covers the rest)"
            )
        if self.outcome is None and self.outcomes is None and self.reply is None:
            raise ValueError("a rule needs an outcome, outcomes or a reply")
        return self

    def conditions(self) -> set[str]:
        """The names of the conditions this rule sets."""
        given = {
            "to": self.to,
            "prefix": self.prefix,
            "pattern": self.pattern,
            "country": self.country,
            "sender": self.sender,
            "senderPattern": self.sender_pattern,
            "text": self.text,
            "textPattern": self.text_pattern,
        }
        return {name for name, value in given.items() if value is not None}


# -- the scenario ----------------------------------------------------------------------------


class Prices(Strict):
    """What one message part costs, in one currency (an Infobip account bills in one)."""

    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    per_part: float = Field(default=0.01, ge=0)
    countries: dict[Country, Annotated[float, Field(ge=0)]] = {}
    """Per-part prices by ISO country code; other countries pay ``perPart``."""


class Scenario(_Outcomes):
    """A simulated carrier network. ``outcome``/``outcomes`` cover messages no rule matches
    (default: delivered along ``path``)."""

    name: str | None = None
    description: str = ""
    seed: int | None = None
    path: tuple[StepModel, ...] = DEFAULT_PATH
    rules: tuple[Rule, ...] = ()
    prices: Prices = Prices()

    @field_validator("path")
    @classmethod
    def _delivering_path(cls, path: tuple[StepModel, ...]) -> tuple[StepModel, ...]:
        return _check_steps(path, StatusGroup.DELIVERED)
