"""Outbound SMS: one submit path for every send flavour, the state machine's driver, and the
queries behind reports, logs and the control API.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from ..store.base import Store
from .carrier import Carrier, Route
from .ids import IdGenerator
from .messages import Message, MessageSpec
from .reports import RETENTION_SECONDS, Report, ReportFilter
from .scheduler import Scheduler
from .statuses import Status, StatusGroup, status

MAX_LIMIT = 1000
"""Largest ``limit`` the reports and logs endpoints honour."""

StatusListener = Callable[[str, Message], None]
"""Called as ``listener(account, message)`` when a message is accepted and after every
transition (the live page, the wait API, metrics)."""

ReportPusher = Callable[[str, Report], bool]
"""Hands a report to the webhooks; True when some receiver takes it (then it is not pulled)."""


@dataclass(frozen=True, slots=True)
class Destination:
    to: str
    message_id: str | None = None


@dataclass(frozen=True, slots=True)
class OutboundMessage:
    """One message of a request: shared settings and its destinations."""

    spec: MessageSpec
    destinations: list[Destination]


@dataclass(frozen=True, slots=True)
class Submission:
    """A send request in domain terms, whatever endpoint it came from."""

    messages: list[OutboundMessage]
    bulk_id: str | None = None


@dataclass(frozen=True, slots=True)
class Accepted:
    bulk_id: str
    messages: list[Message]


@dataclass(frozen=True, slots=True)
class LogQuery:
    """Filters of the logs endpoints and the control API's message list."""

    sender: str | None = None
    destination: str | None = None
    bulk_ids: frozenset[str] = frozenset()
    message_ids: frozenset[str] = frozenset()
    general_status: StatusGroup | None = None
    sent_since: float | None = None
    sent_until: float | None = None
    mcc: str | None = None
    mnc: str | None = None
    entity_id: str | None = None
    application_id: str | None = None
    campaign_reference_ids: frozenset[str] = frozenset()
    text: str | None = None
    limit: int = 50

    def matches(self, m: Message) -> bool:
        spec = m.spec
        mcc_mnc = m.mcc_mnc or ""
        return (
            (self.sender is None or spec.sender == self.sender)
            and (self.destination is None or m.to == self.destination.lstrip("+"))
            and (not self.bulk_ids or m.bulk_id in self.bulk_ids)
            and (not self.message_ids or m.id in self.message_ids)
            and (self.general_status is None or m.status.group is self.general_status)
            and (self.sent_since is None or m.sent_at >= self.sent_since)
            and (self.sent_until is None or m.sent_at <= self.sent_until)
            and (self.mcc is None or mcc_mnc[:3] == self.mcc)
            and (self.mnc is None or mcc_mnc[3:] == self.mnc)
            and (self.entity_id is None or spec.platform.entity_id == self.entity_id)
            and (self.application_id is None or spec.platform.application_id == self.application_id)
            and (
                not self.campaign_reference_ids
                or spec.campaign_reference_id in self.campaign_reference_ids
            )
            and (self.text is None or self.text.lower() in (spec.text or "").lower())
        )


@dataclass(frozen=True, slots=True)
class LogPage:
    messages: list[Message]
    next_before_seq: int | None


def destination_problem(to: str) -> Status | None:
    """Why a destination can never be delivered (a REJECTED_* status), or None if it can.

    Rule (documented in docs/behaviour.md): an empty ``to`` is MISSING_TO; anything but digits
    after an optional ``+`` is REJECTED_DESTINATION; a national number (leading 0, no country
    code) is REJECTED_PREFIX_MISSING; fewer than 6 or more than 15 digits is REJECTED_DESTINATION.
    """
    number = to.strip()
    if not number:
        return status("MISSING_TO")
    digits = number[1:] if number.startswith("+") else number
    if not digits.isdigit() or not digits.isascii():
        return status("REJECTED_DESTINATION")
    if digits.startswith("0"):
        return status("REJECTED_PREFIX_MISSING")
    if not 6 <= len(digits) <= 15:
        return status("REJECTED_DESTINATION")
    return None


@dataclass
class Outbound:
    """The outbound messaging service of all accounts."""

    store: Store
    scheduler: Scheduler
    ids: IdGenerator
    carrier: Carrier
    listeners: list[StatusListener] = field(default_factory=list)
    pusher: ReportPusher | None = None
    _seq: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def submit(self, account: str, submission: Submission) -> Accepted:
        """Accept every destination of every message; each gets PENDING_ACCEPTED or REJECTED_*.

        Every destination is routed before anything is stored, so a request that the scenario
        fails as a whole (SimulatedFailure) leaves no trace.
        """
        routed = [
            (outbound.spec, destination, self._route(account, outbound.spec, destination.to))
            for outbound in submission.messages
            for destination in outbound.destinations
        ]
        bulk_id = submission.bulk_id or self.ids.bulk_id()
        now = self.scheduler.clock.now()
        accepted = [
            self._accept(account, bulk_id, spec, destination, route, now)
            for spec, destination, route in routed
        ]
        return Accepted(bulk_id, accepted)

    def _route(self, account: str, spec: MessageSpec, to: str) -> Route:
        """The simulator's own checks first, then the account's scenario."""
        problem = destination_problem(to)
        if problem is None and spec.too_long:
            problem = status("REJECTED_MESSAGE_TOO_LONG")
        number = to.strip().lstrip("+")
        if problem is not None:
            return self.carrier.reject(number, problem)
        return self.carrier.route(account, spec, number)

    def _accept(
        self,
        account: str,
        bulk_id: str,
        spec: MessageSpec,
        destination: Destination,
        route: Route,
        now: float,
    ) -> Message:
        duplicate = destination.message_id and self.store.has_message(
            account, destination.message_id
        )
        if duplicate and not route.initial.is_final:
            route = self.carrier.reject(route.to, status("REJECTED_DUPLICATE_MESSAGE_ID"))
        message = Message(
            seq=next(self._seq),
            id=destination.message_id or self.ids.message_id(),
            bulk_id=bulk_id,
            to=route.to,
            spec=spec,
            sent_at=max(now, spec.send_at or now),
            accepted_at=now,
            mcc_mnc=route.mcc_mnc,
            price_per_part=route.price_per_part,
            initial=route.initial,
            path=route.path,
        )
        if duplicate:
            return message  # answered, never stored: the earlier message stays intact
        self.store.add_message(account, message)
        if message.is_final:
            self._reached(account, message)
            return message
        for listener in self.listeners:
            listener(account, message)  # accepted: the live page and waits see it at once
        if message.path:
            due = message.sent_at + message.path[0].delay
            self.scheduler.at(due, partial(self._step, account, message))
        return message

    def _step(self, account: str, message: Message) -> None:
        """Apply the message's next planned step and schedule the one after it."""
        if self.store.get_message(account, message.id) is not message:
            return  # the account was reset since this step was planned
        step = message.path[message.step]
        now = self.scheduler.clock.now()
        if not message.move_to(step.status, step.error, now):
            return
        message.step += 1
        self.store.update_message(account, message)
        self._reached(account, message)
        if message.step < len(message.path):
            due = message.sent_at + message.path[message.step].delay
            self.scheduler.at(due, partial(self._step, account, message))

    def _reached(self, account: str, message: Message) -> None:
        """A message reached a status: push or queue its report, tell listeners.

        Every status after acceptance makes a report; the webhooks decide whether an
        intermediate (PENDING) one is pushed, and only final ones are queued for pulling.
        """
        at = message.history[-1].at
        report = Report(next(self._seq), message, message.status, message.error, at)
        pushed = self.pusher is not None and self.pusher(account, report)
        if message.status.is_reportable and not pushed:
            self.store.add_report(account, report)
        for listener in self.listeners:
            listener(account, message)

    def take_reports(self, account: str, query: ReportFilter, limit: int) -> list[Report]:
        """Fetch-once pull of the account's reports of the last 48 hours."""
        since = self.scheduler.clock.now() - RETENTION_SECONDS
        return self.store.take_reports(
            account,
            lambda r: r.done_at >= since and query.matches(r),
            max(1, min(limit, MAX_LIMIT)),
        )

    def logs(self, account: str, query: LogQuery, before_seq: int | None = None) -> LogPage:
        """Messages of the last 48 hours matching ``query``, newest first, one page."""
        since = self.scheduler.clock.now() - RETENTION_SECONDS
        limit = max(1, min(query.limit, MAX_LIMIT))
        page: list[Message] = []
        for message in self.store.messages(account, before_seq):
            if message.sent_at < since:
                continue
            if query.matches(message):
                if len(page) == limit:
                    return LogPage(page, page[-1].seq)
                page.append(message)
        return LogPage(page, None)

    def message(self, account: str, message_id: str) -> Message | None:
        return self.store.get_message(account, message_id)

    def prune(self) -> int:
        """Forget what is older than the 48-hour retention."""
        return self.store.prune(self.scheduler.clock.now() - RETENTION_SECONDS)

    def keep_pruning(self, every: float = 3600.0) -> None:
        """Prune now and then every ``every`` virtual seconds, for as long as the scheduler runs."""

        def job() -> None:
            self.prune()
            self.scheduler.after(every, job)

        self.scheduler.after(every, job)

    def reset(self, account: str | None = None) -> None:
        """Forget one account's messages and reports, or every account's."""
        self.store.reset(account)
