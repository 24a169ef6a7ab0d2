"""Outbound SMS: one submit path for every send flavour, the state machine's driver, and the
queries behind reports, logs and the control API.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Protocol

from ..store.base import Store
from .bulks import BulkBook, SpeedLimit
from .carrier import Carrier, Route, expire
from .ids import IdGenerator
from .messages import Message, MessageSpec
from .reports import RETENTION_SECONDS, Report, ReportFilter
from .scheduler import Scheduler
from .statuses import ErrorCode, Status, StatusGroup, error, status
from .tracking import Link, LinkBook, Tracking

MAX_LIMIT = 1000
"""Largest ``limit`` the reports and logs endpoints honour."""

StatusListener = Callable[[str, Message], None]
"""Called as ``listener(account, message)`` when a message is accepted and after every
transition (the live page, the wait API, metrics)."""

ReportPusher = Callable[[str, Report], bool]
"""Hands a report to the webhooks; True when some receiver takes it (then it is not pulled)."""


# The value objects of a request are made once or more per send: plain (not frozen) dataclasses,
# as a frozen one costs twice as much to create. Nothing changes them once made.


class Addressee(Protocol):
    """One destination of a request message: a number and, optionally, the caller's own id for
    the message. The send bodies' destination models are taken as they are (no copy per
    destination on the hottest path)."""

    @property
    def to(self) -> str: ...

    @property
    def message_id(self) -> str | None: ...


@dataclass(slots=True)
class Destination:
    """An :class:`Addressee` for shapes that list bare numbers (query and legacy sends)."""

    to: str
    message_id: str | None = None


@dataclass(slots=True)
class OutboundMessage:
    """One message of a request: shared settings and its destinations."""

    spec: MessageSpec
    destinations: Sequence[Addressee]


@dataclass(slots=True)
class Submission:
    """A send request in domain terms, whatever endpoint it came from."""

    messages: list[OutboundMessage]
    bulk_id: str | None = None
    speed_limit: SpeedLimit | None = None
    tracking: Tracking | None = None


@dataclass(slots=True)
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


_NOT_SENT = status("UNDELIVERABLE_NOT_SENT")
_CANCELED = error("EC_MESSAGE_CANCELED")


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
    bulks: BulkBook = field(init=False)
    links: LinkBook = field(init=False)

    def __post_init__(self) -> None:
        self.bulks = BulkBook(self.store, self.scheduler, self._release, self._cancel)
        self.links = LinkBook(self.store, self.ids)

    def submit(self, account: str, submission: Submission) -> Accepted:
        """Accept every destination of every message; each gets PENDING_ACCEPTED or REJECTED_*.

        Every destination is routed before anything is stored, so a request that the scenario
        fails as a whole (SimulatedFailure) leaves no trace. A scheduled or paced request
        becomes a bulk that holds its messages (see :mod:`.bulks`).
        """
        if submission.tracking is None:
            routed = [
                (outbound.spec, destination, self._route(account, outbound.spec, destination.to))
                for outbound in submission.messages
                for destination in outbound.destinations
            ]
        else:
            tracked = self._shorten(submission, submission.tracking)
            routed = [(spec, d, self._route(account, spec, d.to)) for spec, d, _ in tracked]
        bulk_id = submission.bulk_id or self.ids.bulk_id()
        now = self.scheduler.clock.now()
        hold = submission.speed_limit is not None or any(
            (outbound.spec.send_at or now) > now for outbound in submission.messages
        )
        accepted = [
            self._accept(account, bulk_id, spec, destination, route, now, hold)
            for spec, destination, route in routed
        ]
        if submission.tracking is not None:
            for message, (_, _, links) in zip(accepted, tracked, strict=True):
                if self.store.get_message(account, message.id) is message:
                    self.links.bind(account, message, links)
        if hold:
            held = [m for m in accepted if not m.is_final]
            self.bulks.hold(account, bulk_id, held, submission.speed_limit)
        return Accepted(bulk_id, accepted)

    def _shorten(
        self, submission: Submission, tracking: Tracking
    ) -> list[tuple[MessageSpec, Addressee, list[Link]]]:
        """One spec per destination with its own short links (a click names its recipient)."""
        tracked = []
        for outbound in submission.messages:
            for destination in outbound.destinations:
                spec, links = self.links.shorten(outbound.spec, tracking)
                tracked.append((spec, destination, links))
        return tracked

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
        destination: Addressee,
        route: Route,
        now: float,
        hold: bool = False,
    ) -> Message:
        """Store a message and start it, unless a bulk ``hold``s it until it is due."""
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
        if hold or not message.path:
            return message
        if spec.window is None:
            self._plan_next(account, message)
        else:
            self._launch(account, message, now)
        return message

    def _release(self, account: str, message: Message, now: float) -> None:
        """A bulk hands a held message to the network."""
        if self.store.get_message(account, message.id) is message and message.path:
            self._launch(account, message, now)

    def _launch(self, account: str, message: Message, now: float) -> None:
        """Start a message's path at ``now`` or, outside its delivery window, when it opens.

        Validity counts from when the message was due (its ``sent_at`` so far: the sendAt or
        the acceptance), so time spent paused, paced or waiting for the window counts; a window
        that opens after the validity ends expires the message at that end without sending it.
        """
        due_at = message.sent_at
        window = message.spec.window
        opens = now if window is None else window.next_opening(now)
        validity = message.spec.validity_seconds
        if validity is not None and due_at + validity <= opens:
            message.path = expire((), validity)
        else:
            message.sent_at = opens
            if validity is not None:
                message.path = expire(message.path, due_at + validity - opens)
        self.store.update_message(account, message)
        first = max(now, message.sent_at + message.path[0].delay)
        self.scheduler.at(first, partial(self._step, account, message))

    def _cancel(self, account: str, message: Message, now: float) -> None:
        """A canceled bulk's waiting message: UNDELIVERABLE_NOT_SENT, EC_MESSAGE_CANCELED."""
        if self.store.get_message(account, message.id) is not message:
            return
        if message.move_to(_NOT_SENT, _CANCELED, now):
            self.store.update_message(account, message)
            self._reached(account, message)

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
            self._plan_next(account, message)

    def _plan_next(self, account: str, message: Message) -> None:
        """Plan the message's next step of its path."""
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

    def restore(
        self, account: str, message: Message, queued: Iterable[tuple[Status, ErrorCode, float]]
    ) -> None:
        """Keep an imported message (numbered after this simulator's own), queue its reports
        ``(status, error, done_at)`` for pulling, and plan what is left of its path."""
        message.seq = next(self._seq)
        self.store.add_message(account, message)
        for reached, problem, done_at in queued:
            report = Report(next(self._seq), message, reached, problem, done_at)
            self.store.add_report(account, report)
        if not message.is_final and message.step < len(message.path):
            self._plan_next(account, message)

    def resume(self) -> None:
        """After a restart on a durable store: number on after the kept messages and reports,
        and plan what is left of every message's path (a bulk's held messages wait for it)."""
        held = self.bulks.held()
        last = 0
        for account in self.store.accounts():
            for report in self.store.queued_reports(account):
                last = max(last, report.seq)
            for message in self.store.messages(account):
                last = max(last, message.seq)
                if message.is_final or message.step >= len(message.path) or message.id in held:
                    continue
                self._plan_next(account, message)
        self._seq = itertools.count(last + 1)

    def prune(self, before: float) -> int:
        """Forget messages, reports, bulks and links older than ``before``."""
        self.bulks.prune(before)
        self.links.prune(before)
        return self.store.prune(before)

    def reset(self, account: str | None = None) -> None:
        """Forget one account's messages, reports, bulks and links, or every account's."""
        self.store.reset(account)
        self.bulks.reset(account)
        self.links.reset(account)
