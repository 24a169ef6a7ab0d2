"""Scenarios: loading a carrier network from YAML, and which account runs which one.

A file is parsed once (cached by path and modification time), validated by the models in
:mod:`.scenario_models` and compiled by :mod:`.scenario_plans` into matchers and ready paths, so
deciding a message's fate costs a few dictionary lookups. A file with a problem is refused as a
whole with a :class:`ScenarioError` that names the file, the line and the field of every problem.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..store.base import Store
from .scenario_models import Scenario
from .scenario_plans import CompiledScenario, compile_scenario

SCENARIOS_DIR = Path(__file__).resolve().parents[1] / "scenarios"
"""The shipped scenarios, package data so that any install has them."""
USER_SCENARIOS_DIR = Path("scenarios")
"""Users' own scenarios: ``scenarios/`` in the working directory, searched first by name."""

MAX_SCENARIO_BYTES = 1024 * 1024
_MISSING = object()


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem of a scenario: its field path (empty for the whole document), its line."""

    field: str
    message: str
    line: int | None = None


class ScenarioError(Exception):
    """A scenario that cannot be used, with every problem found; nothing of it is loaded."""

    def __init__(self, source: str, issues: list[Issue]) -> None:
        self.source = source
        self.issues = issues
        super().__init__("\n".join(self.describe(issue) for issue in issues))

    def describe(self, issue: Issue) -> str:
        """``scenarios/x.yaml, line 12, rules[0].outcome.error: unknown error 'EC_FOO'``."""
        line = f"line {issue.line}" if issue.line is not None else ""
        where = ", ".join(part for part in (self.source, line, issue.field) if part)
        return f"{where}: {issue.message}"


def resolve_scenario(value: str) -> Path:
    """A ``--scenario`` value: a path to a file, else a name (``.yaml`` optional) in the
    working directory's ``scenarios/``, else a shipped scenario."""
    path = Path(value)
    if path.is_file():
        return path
    name = value.removesuffix(".yaml")
    if "/" not in name and "\\" not in name:
        for folder in (USER_SCENARIOS_DIR, SCENARIOS_DIR):
            candidate = folder / f"{name}.yaml"
            if candidate.is_file():
                return candidate
    known = ", ".join(sorted(p.stem for p in SCENARIOS_DIR.glob("*.yaml")))
    raise ScenarioError(value, [Issue("", f"no such file, nor a scenario of that name ({known})")])


def load_scenario(value: str) -> CompiledScenario:
    """The scenario a ``--scenario`` value (path or name) names, validated and compiled."""
    path = resolve_scenario(value).resolve()
    stat = path.stat()
    return _load_file(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=32)
def _load_file(path: Path, mtime_ns: int, size: int) -> CompiledScenario:
    """Cached per version of a file: every test app of a run shares the parsed default."""
    del mtime_ns  # part of the cache key only
    source = str(path)
    if size > MAX_SCENARIO_BYTES:
        raise ScenarioError(source, [Issue("", f"larger than {MAX_SCENARIO_BYTES} bytes")])
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(source, [Issue("", f"cannot be read: {exc}")]) from None
    return parse_scenario(text, source, default_name=path.stem)


def parse_scenario(text: str, source: str, default_name: str) -> CompiledScenario:
    """A scenario from YAML text; ScenarioError with the line of every problem."""
    node, data = _compose(text, source)
    issues = list(_duplicate_keys(node, ()))
    if issues:
        raise ScenarioError(source, issues)
    return _validated(data, node, source, default_name)


def scenario_from_data(data: object, source: str = "scenario") -> CompiledScenario:
    """A scenario given as already-parsed data (an inline JSON scenario of the control API)."""
    return _validated(data, data, source, "inline")


def _validated(data: object, tree: object, source: str, default_name: str) -> CompiledScenario:
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(source, [_issue(tree, item) for item in _errors(exc)]) from None
    return compile_scenario(scenario, scenario.name or default_name)


@dataclass(frozen=True, slots=True)
class _Error:
    loc: tuple[int | str, ...]
    message: str
    missing: bool


def _errors(exc: ValidationError) -> Iterator[_Error]:
    for item in exc.errors(include_url=False, include_input=False):
        kind = item["type"]
        message = "unknown key" if kind == "extra_forbidden" else item["msg"]
        yield _Error(tuple(item["loc"]), message.removeprefix("Value error, "), kind == "missing")


def _compose(text: str, source: str) -> tuple[yaml.Node | None, object]:
    """The YAML node tree (with line marks) and the data it stands for, in one parse."""
    loader = yaml.CSafeLoader(text) if yaml.__with_libyaml__ else yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        line = mark.line + 1 if mark is not None else None
        raise ScenarioError(source, [Issue("", f"not valid YAML: {problem}", line)]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(source, [Issue("", f"not valid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    return node, data


def _issue(tree: object, error: _Error) -> Issue:
    """Point a validation error at its place in the document.

    Location parts that are no key of the document (the tags pydantic adds for unions) are
    left out; a missing field is named, at the line of the mapping that lacks it.
    """
    node, parts = tree, []
    line = _line(tree)
    for part in error.loc:
        child = _child(node, part)
        if child is not _MISSING:
            node = child
            parts.append(part)
            line = _line(child) or line
    if error.missing:
        parts.append(error.loc[-1])
    return Issue(_field_path(parts), error.message, line)


def _child(node: object, part: int | str) -> object:
    """The child of a YAML node or of plain data at ``part``, or ``_MISSING``."""
    if isinstance(node, yaml.MappingNode):
        return next((v for k, v in node.value if k.value == str(part)), _MISSING)
    if isinstance(node, yaml.SequenceNode | list | tuple):
        items = node.value if isinstance(node, yaml.SequenceNode) else node
        if isinstance(part, int) and 0 <= part < len(items):
            return items[part]
        return _MISSING
    if isinstance(node, dict):
        return node.get(part, _MISSING)
    return _MISSING


def _line(node: object) -> int | None:
    return node.start_mark.line + 1 if isinstance(node, yaml.Node) else None


def _field_path(parts: list[int | str]) -> str:
    """``['rules', 0, 'outcome']`` -> ``rules[0].outcome``."""
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _duplicate_keys(
    node: yaml.Node | None, at: tuple[int | str, ...], seen: set[int] | None = None
) -> Iterator[Issue]:
    """YAML keeps the last of two equal keys silently; a scenario refuses them."""
    seen = set() if seen is None else seen
    if node is None or id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            if name is not None and name in keys:
                field = _field_path([*at, name])
                yield Issue(field, "duplicate key", key.start_mark.line + 1)
            if name is not None:
                keys.add(name)
            yield from _duplicate_keys(value, (*at, name or "?"), seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _duplicate_keys(item, (*at, index), seen)


def seeded(seed: int, *purpose: str) -> random.Random:
    """An independent generator for one purpose (and account), reproducible from ``seed``."""
    return random.Random("/".join((str(seed), *purpose)))


class ScenarioBook:
    """Which scenario each account runs (the default unless one was assigned), and each
    account's random generator.

    Every account draws from its own generator, seeded from the simulator's seed and the
    account: one account's traffic never shifts another's outcomes, so tests sharing a
    simulator stay reproducible. The seed is ``--seed``, else the scenario's ``seed``, else
    one picked at random at start (shown by the control API, to replay a run).
    """

    def __init__(self, store: Store, default: CompiledScenario, seed: int | None = None) -> None:
        self.store = store
        self.default = default
        self._fixed_seed = seed
        self._fallback_seed = secrets.randbits(32)
        self._assigned: dict[str, CompiledScenario] = {}
        self._running: dict[str, tuple[CompiledScenario, random.Random]] = {}

    @property
    def seed(self) -> int:
        """The seed the default scenario runs with."""
        return self.seed_of(self.default)

    @property
    def currency(self) -> str:
        return self.default.currency

    def seed_of(self, scenario: CompiledScenario) -> int:
        if self._fixed_seed is not None:
            return self._fixed_seed
        return scenario.seed if scenario.seed is not None else self._fallback_seed

    def running(self, account: str) -> tuple[CompiledScenario, random.Random]:
        """The account's scenario and generator (one dictionary lookup once started)."""
        found = self._running.get(account)
        if found is None:
            scenario = self.scenario_of(account)
            found = (scenario, seeded(self.seed_of(scenario), "outcomes", account))
            self._running[account] = found
        return found

    def scenario_of(self, account: str) -> CompiledScenario:
        return self._assigned.get(account, self.default)

    def is_assigned(self, account: str) -> bool:
        return account in self._assigned

    def assign(self, account: str, scenario: CompiledScenario | None) -> None:
        """Run ``scenario`` for ``account`` from now on (None: the default again); the
        account's generator starts over."""
        if scenario is None:
            self._assigned.pop(account, None)
        else:
            if scenario.currency != self.currency:
                issue = Issue(
                    "prices.currency",
                    f"must be {self.currency}, the currency of the simulator's default "
                    "scenario: reports carry one currency",
                )
                raise ScenarioError(scenario.name, [issue])
            self._assigned[account] = scenario
        self._running.pop(account, None)
        self.store.save("scenario", account, "", scenario and _record(scenario))

    def restore(self, account: str, record: dict[str, Any]) -> None:
        """Take back an account's kept scenario (after a restart)."""
        self._assigned[account] = scenario_from_data(record["source"], record["name"])

    def reset(self, account: str | None = None) -> None:
        """Back to the default scenario and a fresh generator, for one account or all."""
        if account is None:
            self._assigned.clear()
            self._running.clear()
        else:
            self._assigned.pop(account, None)
            self._running.pop(account, None)


def _record(scenario: CompiledScenario) -> dict[str, Any]:
    """What a durable store keeps of an assigned scenario: its name and validated document."""
    source = scenario.source.model_dump(mode="json", by_alias=True, exclude_none=True)
    return {"name": scenario.name, "source": source}
