"""Control API for scenarios and faults.

``/simulator/accounts/{key}/scenario``: GET shows the scenario an account runs, PUT assigns one
(``{"name": "flaky-carrier"}`` or ``{"scenario": {...}}``), DELETE goes back to the default.
``/simulator/faults``: POST adds a fault for the caller's account, GET lists, DELETE clears
(``/simulator/faults/{id}`` deletes one).
"""

from __future__ import annotations

from typing import Any, Self

from aiohttp import web
from pydantic import ConfigDict, Field, model_validator

from ..api.models.common import Wire
from ..api.request import account_of, read_json
from ..api.responses import wire_response
from ..domain.errors import InvalidRequest, NotFound, Violation
from ..domain.faults import Effect, Fault
from ..domain.scenario_models import FailureStatus
from ..domain.scenario_plans import CompiledScenario
from ..domain.scenarios import ScenarioError, load_scenario, scenario_from_data
from ..keys import faults_key, scenario_book_key


class _Request(Wire):
    model_config = ConfigDict(extra="forbid")


class ScenarioChoice(_Request):
    """Exactly one of: ``name`` of a scenario (file or name in scenarios/), an inline
    ``scenario``."""

    name: str | None = Field(default=None, min_length=1)
    scenario: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _one(self) -> Self:
        if (self.name is None) == (self.scenario is None):
            raise ValueError("give exactly one of name or scenario")
        return self


class ScenarioBody(Wire):
    account: str
    name: str
    assigned: bool
    """False: the account runs the simulator's default scenario."""
    seed: int
    scenario: dict[str, Any]


class FaultRequest(_Request):
    """Answer ``status``, or ``drop`` the connection, after an optional ``delayMs``; for the
    next ``count`` requests, a ``ratio`` of them, or (neither) every request until deleted."""

    status: FailureStatus | None = None
    drop: bool = False
    delay_ms: int | None = Field(default=None, ge=0, le=600_000)
    count: int | None = Field(default=None, ge=1)
    ratio: float | None = Field(default=None, gt=0, le=1)
    path: str | None = Field(default=None, pattern=r"^/")
    retry_after: float = Field(default=1.0, ge=0, le=86400)

    @model_validator(mode="after")
    def _what(self) -> Self:
        if self.status is not None and self.drop:
            raise ValueError("give status or drop, not both")
        if self.status is None and not self.drop and self.delay_ms is None:
            raise ValueError("give status, drop or delayMs")
        if self.path is not None and self.path.startswith("/simulator/"):
            raise ValueError("faults apply to Infobip API paths, not to /simulator/")
        return self


class FaultBody(Wire):
    id: int
    status: int | None = None
    drop: bool
    delay_ms: int | None = None
    path: str | None = None
    ratio: float | None = None
    remaining: int | None = None
    """Requests it will still fail; absent: until deleted."""
    fired: int


class FaultList(Wire):
    results: list[FaultBody]


def _scenario_body(request: web.Request, account: str) -> ScenarioBody:
    book = request.config_dict[scenario_book_key]
    scenario = book.scenario_of(account)
    return ScenarioBody(
        account=account,
        name=scenario.name,
        assigned=book.is_assigned(account),
        seed=book.seed_of(scenario),
        scenario=scenario.source.model_dump(mode="json", by_alias=True, exclude_none=True),
    )


async def get_scenario(request: web.Request) -> web.Response:
    return wire_response(_scenario_body(request, request.match_info["key"]))


async def put_scenario(request: web.Request) -> web.Response:
    """Assign a scenario to the account ``{key}``; a bad one is refused whole (400)."""
    choice = await read_json(request, ScenarioChoice)
    account = request.match_info["key"]
    try:
        scenario = _chosen(choice)
        request.config_dict[scenario_book_key].assign(account, scenario)
    except ScenarioError as exc:
        prefix = "name" if choice.name is not None else "scenario"
        raise InvalidRequest(violations=_violations(exc, prefix)) from None
    return wire_response(_scenario_body(request, account))


def _chosen(choice: ScenarioChoice) -> CompiledScenario:
    if choice.name is not None:
        return load_scenario(choice.name)
    return scenario_from_data(choice.scenario, "scenario")


def _violations(error: ScenarioError, prefix: str) -> list[Violation]:
    """Each problem as a violation: the field's path, and where it is in the file."""
    return [
        Violation(
            f"{prefix}.{issue.field}" if issue.field else prefix,
            error.describe(issue) if issue.line is not None else issue.message,
        )
        for issue in error.issues
    ]


async def delete_scenario(request: web.Request) -> web.Response:
    account = request.match_info["key"]
    request.config_dict[scenario_book_key].assign(account, None)
    return wire_response(_scenario_body(request, account))


def _fault_body(fault: Fault) -> FaultBody:
    effect = fault.effect
    return FaultBody(
        id=fault.id,
        status=effect.status,
        drop=effect.drop,
        delay_ms=round(effect.delay * 1000) if effect.delay else None,
        path=fault.path,
        ratio=fault.ratio,
        remaining=fault.remaining,
        fired=fault.fired,
    )


async def add_fault(request: web.Request) -> web.Response:
    body = await read_json(request, FaultRequest)
    effect = Effect(
        delay=(body.delay_ms or 0) / 1000,
        status=body.status,
        drop=body.drop,
        retry_after=body.retry_after,
    )
    fault = request.config_dict[faults_key].add(
        account_of(request), effect, path=body.path, ratio=body.ratio, count=body.count
    )
    return wire_response(_fault_body(fault))


async def list_faults(request: web.Request) -> web.Response:
    faults = request.config_dict[faults_key].faults(account_of(request))
    return wire_response(FaultList(results=[_fault_body(f) for f in faults]))


async def clear_faults(request: web.Request) -> web.Response:
    deleted = request.config_dict[faults_key].clear(account_of(request))
    return web.json_response({"deleted": deleted})


async def delete_fault(request: web.Request) -> web.Response:
    fault_id = request.match_info["fault_id"]
    removed = (
        fault_id.isascii()
        and fault_id.isdigit()
        and len(fault_id) <= 18
        and request.config_dict[faults_key].remove(account_of(request), int(fault_id))
    )
    if not removed:
        raise NotFound("Fault not found")
    return web.json_response({"deleted": 1})


def setup_scenario_routes(control: web.Application) -> None:
    add = control.router
    add.add_get("/accounts/{key}/scenario", get_scenario)
    add.add_put("/accounts/{key}/scenario", put_scenario)
    add.add_delete("/accounts/{key}/scenario", delete_scenario)
    add.add_get("/faults", list_faults)
    add.add_post("/faults", add_fault)
    add.add_delete("/faults", clear_faults)
    add.add_delete("/faults/{fault_id}", delete_fault)
