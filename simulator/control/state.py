"""Export and import of one account's state as JSON, to replay a recorded run or inspect it.

``GET /simulator/accounts/{key}/export`` answers a document; ``POST
/simulator/accounts/{key}/import`` takes one (from any account) into the account ``{key}``.

Included and imported: every message with all it carries (content, options, network, price,
its full status history, the path the network planned and how far along it is: a message still
on its way goes on from where it was), the reports queued for pulling, and the subscriptions,
notification profiles and security settings. Exported for inspection only (import ignores
them): the clock (one clock serves every account, so an import never moves it; on a manual
clock, ``POST /simulator/clock/advance {"to": ...}`` goes to the exported time) and the webhook
outbox with every attempt. Not included: inbound messages, bulks, the account's scenario and
faults, rate-limit windows, the catcher's hooks (they belong to no account).

Messages keep their virtual times: imported into a simulator whose clock is far from the
exported one, they may fall outside the 48-hour window of logs and reports. A message whose id
the account already has is replaced; a subscription, profile or security setting whose id it
already has fails the import (400) before anything changes. The encoding is generic: every
domain dataclass is written as its fields plus ``"@type"`` (its class name), statuses and
errors by name, so the format follows the domain model.
"""

from __future__ import annotations

import sys
import types
import typing
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from typing import Any, Literal, TypeVar

from aiohttp import web
from pydantic import Field

from ..api.models.common import Wire
from ..api.models.subscriptions import CHANNEL_EVENTS
from ..api.request import read_json
from ..api.responses import wire_response
from ..api.subscriptions import subscriptions_key
from ..domain import messages as message_types
from ..domain import subscriptions as subscription_types
from ..domain import windows as window_types
from ..domain.errors import InvalidRequest, Violation
from ..domain.messages import Message, Transition
from ..domain.statuses import ErrorCode, Status, error, status
from ..keys import outbound_key, outbox_key
from .models import ClockBody
from .routes import clock_body
from .webhooks import EntryBody, entry_body

TAG = "@type"
"""The key naming a dataclass in the encoding (``type`` is a field of some of them)."""

KNOWN: dict[str, type] = {
    name: value
    for module in (message_types, subscription_types, window_types)
    for name, value in vars(module).items()
    if isinstance(value, type) and is_dataclass(value)
}
"""The dataclasses a document may name: messages, subscriptions, delivery windows."""


def encode(value: Any) -> Any:
    """JSON-ready: dataclasses as ``{"@type": name, field: ...}`` (fields set at creation only),
    statuses and errors by name, tuples and sets as lists."""
    if isinstance(value, Status | ErrorCode):
        return value.name
    if is_dataclass(value) and not isinstance(value, type):
        encoded = {f.name: encode(getattr(value, f.name)) for f in fields(value) if f.init}
        return {TAG: type(value).__name__, **encoded}
    if isinstance(value, list | tuple | set | frozenset):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {key: encode(item) for key, item in value.items()}
    return value


def decode(hint: Any, raw: Any) -> Any:
    """The inverse of :func:`encode`, led by the type hint of where the value goes."""
    if isinstance(raw, dict) and TAG in raw:
        return _dataclass(raw)
    if raw is None:
        return None
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        if isinstance(raw, str) and Status in args:
            return status(raw)
        if isinstance(raw, str) and ErrorCode in args:
            return error(raw)
        if isinstance(raw, list):
            return decode(next(a for a in args if typing.get_origin(a) is not None), raw)
        return raw
    if hint is Status:
        return status(raw)
    if hint is ErrorCode:
        return error(raw)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(decode(args[0], item) for item in raw)
        return tuple(decode(arg, item) for arg, item in zip(args, raw, strict=True))
    if origin in (list, set, frozenset):
        return origin(decode(args[0], item) for item in raw)
    return raw


def _dataclass(raw: dict[str, Any]) -> Any:
    cls = KNOWN.get(raw[TAG])
    if cls is None:
        raise ValueError(f"unknown type {raw[TAG]!r}")
    hints = typing.get_type_hints(cls)
    values = {
        f.name: decode(hints[f.name], raw[f.name]) for f in fields(cls) if f.init and f.name in raw
    }
    return cls(**values)


# Messages: a slotted class, not a dataclass


def message_record(message: Message) -> dict[str, Any]:
    return {
        "id": message.id,
        "bulkId": message.bulk_id,
        "to": message.to,
        "spec": encode(message.spec),
        "sentAt": message.sent_at,
        "mccMnc": message.mcc_mnc,
        "pricePerPart": message.price_per_part,
        "status": message.status.name,
        "error": message.error.name,
        "doneAt": message.done_at,
        "history": [[t.at, t.status.name] for t in message.history],
        "path": encode(message.path),
        "step": message.step,
    }


def message_of(record: dict[str, Any]) -> Message:
    history = [Transition(at, status(name)) for at, name in record["history"]]
    message = Message(
        seq=0,
        id=record["id"],
        bulk_id=record["bulkId"],
        to=record["to"],
        spec=_dataclass(record["spec"]),
        sent_at=record["sentAt"],
        accepted_at=history[0].at,
        mcc_mnc=record["mccMnc"],
        price_per_part=record["pricePerPart"],
        initial=history[0].status,
        path=decode(tuple[message_types.Step, ...], record["path"]),
    )
    message.status = status(record["status"])
    message.error = error(record["error"])
    message.done_at = record["doneAt"]
    message.history = history
    message.step = record["step"]
    return message


# The document


class QueuedReport(Wire):
    message_id: str
    status: str
    error: str
    done_at: float


class Subscriptions(Wire):
    security: list[dict[str, Any]] = []
    profiles: list[dict[str, Any]] = []
    subscriptions: list[dict[str, Any]] = []


class AccountState(Wire):
    """An account's state; ``messages``, ``security``/``profiles``/``subscriptions`` items are
    domain objects in the generic encoding (see the module's docstring)."""

    format: Literal["infobip-simulator/account-state"] = "infobip-simulator/account-state"
    version: Literal[1] = 1
    account: str
    clock: ClockBody | None = None
    messages: list[dict[str, Any]] = Field(default_factory=list)
    reports: list[QueuedReport] = Field(default_factory=list)
    subscriptions: Subscriptions = Field(default_factory=Subscriptions)
    webhooks: list[EntryBody] = Field(default_factory=list)


class Imported(Wire):
    account: str
    messages: int
    reports: int
    security: int
    profiles: int
    subscriptions: int


def _queued_reports(request: web.Request, account: str) -> list[QueuedReport]:
    """The pull queue, oldest first. The store has no read-only listing: every report is taken
    and put back in the same order, which leaves the queue as it was."""
    store = request.config_dict[outbound_key].store
    taken = store.take_reports(account, lambda _report: True, sys.maxsize)
    for report in taken:
        store.add_report(account, report)
    return [
        QueuedReport(
            message_id=r.message.id, status=r.status.name, error=r.error.name, done_at=r.done_at
        )
        for r in taken
    ]


def _subscriptions(request: web.Request, account: str) -> Subscriptions:
    registry = request.config_dict[subscriptions_key]
    return Subscriptions(
        security=[encode(s) for s in registry.securities(account)],
        profiles=[encode(p) for p in registry.profiles(account)],
        subscriptions=[
            encode(s)
            for channel in CHANNEL_EVENTS
            for s in registry.subscriptions(account, channel)
        ],
    )


async def export_state(request: web.Request) -> web.Response:
    account = request.match_info["key"]
    outbound = request.config_dict[outbound_key]
    oldest_first = reversed(list(outbound.store.messages(account)))
    state = AccountState(
        account=account,
        clock=clock_body(request),
        messages=[message_record(m) for m in oldest_first],
        reports=_queued_reports(request, account),
        subscriptions=_subscriptions(request, account),
        webhooks=[entry_body(e) for e in request.config_dict[outbox_key].entries(account)],
    )
    return wire_response(state)


T = TypeVar("T")


def _decoded(items: list[Any], convert: Callable[[Any], Any], kind: type[T], where: str) -> list[T]:
    """Every item converted, or 400 naming the first one that is not a valid ``kind``."""
    found: list[T] = []
    for index, item in enumerate(items):
        try:
            value = convert(item)
        except (KeyError, TypeError, ValueError, IndexError, StopIteration) as exc:
            raise _invalid(f"{where}[{index}]", f"not a valid {kind.__name__}: {exc!r}") from None
        if not isinstance(value, kind):
            raise _invalid(f"{where}[{index}]", f"expected a {kind.__name__}")
        found.append(value)
    return found


def _invalid(where: str, problem: str) -> InvalidRequest:
    return InvalidRequest(violations=[Violation(where, problem)])


def _clashes(
    request: web.Request,
    account: str,
    security: list[subscription_types.Security],
    profiles: list[subscription_types.Profile],
    subscriptions: list[subscription_types.Subscription],
) -> list[str]:
    """Ids of the document that the account already has, per kind."""
    registry = request.config_dict[subscriptions_key]
    existing = [
        s.subscription_id for c in CHANNEL_EVENTS for s in registry.subscriptions(account, c)
    ]
    pairs = [
        ({s.auth_id for s in security}, {s.auth_id for s in registry.securities(account)}),
        ({p.profile_id for p in profiles}, {p.profile_id for p in registry.profiles(account)}),
        ({s.subscription_id for s in subscriptions}, set(existing)),
    ]
    return sorted(set().union(*(new & old for new, old in pairs)))


async def import_state(request: web.Request) -> web.Response:
    account = request.match_info["key"]
    document = await read_json(request, AccountState)
    messages = _decoded(document.messages, message_of, Message, "messages")
    parts = document.subscriptions
    security = _decoded(parts.security, _dataclass, subscription_types.Security, "security")
    profiles = _decoded(parts.profiles, _dataclass, subscription_types.Profile, "profiles")
    subscriptions = _decoded(
        parts.subscriptions, _dataclass, subscription_types.Subscription, "subscriptions"
    )
    queued = _queues(document.reports, {m.id for m in messages})
    clashes = _clashes(request, account, security, profiles, subscriptions)
    if clashes:
        raise _invalid("subscriptions", f"the account already has {', '.join(clashes)}")
    registry = request.config_dict[subscriptions_key]
    for item in security:
        registry.add_security(account, item)
    for profile in profiles:
        registry.add_profile(account, profile)
    for subscription in subscriptions:
        registry.add_subscription(account, subscription)
    outbound = request.config_dict[outbound_key]
    for message in messages:
        outbound.restore(account, message, queued.get(message.id, []))
    counts = Imported(
        account=account,
        messages=len(messages),
        reports=len(document.reports),
        security=len(security),
        profiles=len(profiles),
        subscriptions=len(subscriptions),
    )
    return wire_response(counts)


def _queues(
    reports: list[QueuedReport], message_ids: set[str]
) -> dict[str, list[tuple[Status, ErrorCode, float]]]:
    """Queued reports by message id; each must be of a message of the document."""
    queues: dict[str, list[tuple[Status, ErrorCode, float]]] = {}
    for index, report in enumerate(reports):
        if report.message_id not in message_ids:
            raise _invalid(f"reports[{index}].messageId", "not a message of this document")
        try:
            entry = (status(report.status), error(report.error), report.done_at)
        except KeyError as exc:
            raise _invalid(f"reports[{index}]", f"unknown status or error {exc}") from None
        queues.setdefault(report.message_id, []).append(entry)
    return queues


def setup_state_routes(control: web.Application) -> None:
    control.router.add_get("/accounts/{key}/export", export_state)
    control.router.add_post("/accounts/{key}/import", import_state)
