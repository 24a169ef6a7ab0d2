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
already has fails the import (400) before anything changes. The encoding is the generic one of
:mod:`simulator.store.codec` (the durable store's too): every domain dataclass is written as its
fields plus ``"@type"`` (its class name), statuses and errors by name, so the format follows the
domain model.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, TypeVar

from aiohttp import web
from pydantic import Field

from ..api.models.common import Wire
from ..api.models.subscriptions import CHANNEL_EVENTS
from ..api.request import read_json
from ..api.responses import wire_response
from ..api.subscriptions import subscriptions_key
from ..domain import subscriptions as subscription_types
from ..domain.errors import InvalidRequest, Violation
from ..domain.messages import Message
from ..domain.statuses import ErrorCode, Status, error, status
from ..keys import outbound_key, outbox_key
from ..store.codec import dataclass_of, encode, message_of, message_record
from .models import ClockBody
from .routes import clock_body
from .webhooks import EntryBody, entry_body

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
    """The pull queue, oldest first, left as it is."""
    return [
        QueuedReport(
            message_id=r.message.id, status=r.status.name, error=r.error.name, done_at=r.done_at
        )
        for r in request.config_dict[outbound_key].store.queued_reports(account)
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
    security = _decoded(parts.security, dataclass_of, subscription_types.Security, "security")
    profiles = _decoded(parts.profiles, dataclass_of, subscription_types.Profile, "profiles")
    subscriptions = _decoded(
        parts.subscriptions, dataclass_of, subscription_types.Subscription, "subscriptions"
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
