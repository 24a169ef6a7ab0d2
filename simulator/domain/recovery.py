"""Starting again on a durable store: every domain object takes back its kept state and goes on
from where it stopped.

Messages still on their way resume their planned paths (a step whose time has passed runs at
once), bulks resume their ticks, pending webhook deliveries are attempted when they were due (at
once when that has passed, also when the process died during the attempt: a receiver may then
see that push twice) and go on with their retry schedule, inbound queues and subscriptions are
back as they were, and so are the scenarios assigned to accounts, short links with their clicks
and conversions. A scaled or manual clock goes on from the virtual time last kept; a real clock
is the wall clock anyway. Not kept: scenario replies still waiting to be sent, faults, rate-limit
windows and the catcher's hooks.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..store.base import Store
from ..store.codec import dataclass_of
from .conversions import Conversions
from .inbound import Inbound, InboundMessage
from .outbound import Outbound
from .outbox import Outbox
from .scenarios import ScenarioBook
from .subscriptions import SubscriptionRegistry
from .tracking import Link


def kept_clock(store: Store) -> float | None:
    """The virtual time last kept, if any."""
    return next((value for _, key, value in store.records("meta") if key == "clock"), None)


def count_boot(store: Store) -> int:
    """How many times the simulator has started on this store, this start included."""
    boots = 1 + next((value for _, key, value in store.records("meta") if key == "boots"), 0)
    store.save("meta", "", "boots", boots)
    return int(boots)


def recover(
    store: Store,
    *,
    scenarios: ScenarioBook,
    conversions: Conversions,
    outbound: Outbound,
    outbox: Outbox,
    inbound: Inbound,
    subscriptions: SubscriptionRegistry,
) -> None:
    """Give every domain object its kept state back and plan what comes next."""
    for account, _, record in store.records("scenario"):
        scenarios.restore(account, record)
    for account, _, record in store.records("subscriptions"):
        subscriptions.restore(
            account,
            _decoded(record["security"]),
            _decoded(record["profiles"]),
            _decoded(record["subscriptions"]),
        )
    for account, _, pairs in store.records("keywords"):
        inbound.keywords.restore(account, pairs)
    _restore_inbound(store, inbound)
    for account, bulk_id, record in store.records("bulk"):
        outbound.bulks.restore(account, bulk_id, record)
    for account, code, record in store.records("link"):
        message = store.get_message(account, record["messageId"] or "")
        tracking = dataclass_of(record["tracking"])
        clicks = _decoded(record["clicks"])
        outbound.links.restore(Link(code, record["url"], tracking, account, message, clicks))
    for account, message_id, log in store.records("conversions"):
        conversions.restore(account, message_id, _decoded(log))
    outbound.resume()
    for _, _, record in store.records("outbox"):
        outbox.restore(dataclass_of(record))


def _decoded(records: list[Any]) -> list[Any]:
    return [dataclass_of(record) for record in records]


def _restore_inbound(store: Store, inbound: Inbound) -> None:
    queues: dict[str, list[InboundMessage]] = defaultdict(list)
    for account, _, record in store.records("inbound"):
        queues[account].append(dataclass_of(record))
    counts = {account: int(count) for account, _, count in store.records("inbound-count")}
    for account in queues.keys() | counts.keys():
        queue = sorted(queues.get(account, []), key=lambda m: m.seq)
        inbound.restore(account, queue, counts.get(account, len(queue)))
