"""Where a delivery report goes, and in which batches.

A report is pushed to the message's own webhook URL when it names one (v3
``webhooks.delivery.url``, v2 ``notifyUrl``); otherwise to every SMS subscription of the account
whose event, criteria and resources match (all of them when several match). ``notify: false``
means no push at all. Intermediate (PENDING) reports are pushed only when the message asked for
them. A pushed report is not also queued for pulling: Infobip says data whose push never
succeeds is lost. Reports that reach the same receiver at the same virtual instant travel
together, up to the bucket size (100 for message URLs, the profile's ``maxBucketSize`` for
subscriptions).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from .messages import ApiFamily, Message
from .outbox import Outbox, Push
from .reports import Report
from .scheduler import Scheduler
from .signing import basic_authorization, hmac_signature
from .statuses import StatusGroup
from .subscriptions import WebhookSecurity, WebhookTarget

DEFAULT_BUCKET = 100

BodyRenderer = Callable[[list[Report], ApiFamily, str], bytes]
"""Renders reports of one API family as a push body in a content type (JSON or XML)."""


class TargetFinder(Protocol):
    """What the notifier asks about subscriptions (``SubscriptionRegistry.targets``)."""

    def __call__(
        self,
        account: str,
        event: str,
        *,
        sender: str | None,
        application_id: str | None,
        entity_id: str | None,
        resource: str | None = None,
    ) -> list[WebhookTarget]: ...


@dataclass(frozen=True, slots=True)
class Route:
    """One receiver with everything that shapes a push to it."""

    url: str
    content_type: str
    max_bucket: int = DEFAULT_BUCKET
    headers: tuple[tuple[str, str], ...] = ()
    connect_timeout: float | None = None
    read_timeout: float | None = None
    status_pattern: str | None = None
    body_pattern: str | None = None
    security: WebhookSecurity | None = None
    subscription_id: str | None = None
    per_second: int | None = None

    @classmethod
    def of_target(cls, target: WebhookTarget) -> Route:
        return cls(
            url=target.notify_url,
            content_type=target.content_type,
            max_bucket=target.max_bucket_size,
            headers=target.headers,
            connect_timeout=_seconds(target.connect_timeout_ms),
            read_timeout=_seconds(target.read_timeout_ms),
            status_pattern=target.response_regex,
            body_pattern=target.response_body_regex,
            security=target.security,
            subscription_id=target.subscription_id,
            per_second=target.rate_limit,
        )


def _seconds(ms: int | None) -> float | None:
    return ms / 1000 if ms is not None else None


_BucketKey = tuple[str, Route, ApiFamily]


@dataclass
class Notifier:
    """Turns reports into outbox entries."""

    outbox: Outbox
    scheduler: Scheduler
    render: BodyRenderer
    find_targets: TargetFinder
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    _buckets: dict[_BucketKey, list[Report]] = field(default_factory=dict)

    def push_report(self, account: str, report: Report) -> bool:
        """Queue ``report`` for every receiver it goes to; False when nobody receives it."""
        routes = self.routes(account, report)
        for route in routes:
            self._add(account, route, report)
        return bool(routes)

    def routes(self, account: str, report: Report) -> list[Route]:
        message = report.message
        delivery = message.spec.delivery
        intermediate = report.status.group is StatusGroup.PENDING
        if not delivery.notify or (intermediate and not delivery.intermediate):
            return []
        if delivery.url:
            return [Route(delivery.url, delivery.content_type)]
        return [Route.of_target(t) for t in self._subscribers(account, message)]

    def _subscribers(self, account: str, message: Message) -> list[WebhookTarget]:
        platform = message.spec.platform
        return self.find_targets(
            account,
            "DELIVERY",
            sender=message.spec.sender,
            application_id=platform.application_id,
            entity_id=platform.entity_id,
        )

    def _add(self, account: str, route: Route, report: Report) -> None:
        key = (account, route, report.message.spec.family)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = []
            self.scheduler.at(self.scheduler.clock.now(), lambda: self._flush(key))
        bucket.append(report)
        if len(bucket) >= route.max_bucket:
            self._flush(key)

    def flush_all(self) -> None:
        """Turn every bucket still filling into its push now (before a durable commit, so no
        report is left between its message and its outbox entry)."""
        for key in list(self._buckets):
            self._flush(key)

    def _flush(self, key: _BucketKey) -> None:
        reports = self._buckets.pop(key, None)
        if not reports:
            return
        account, route, family = key
        push = self.push(route, self.render(reports, family, route.content_type))
        message_ids = tuple(r.message.id for r in reports)
        self.outbox.enqueue(account, "DELIVERY", push, message_ids, route.subscription_id)

    def push(self, route: Route, body: bytes) -> Push:
        """A push of ``body`` to ``route``, with its headers, signing, timeouts and checks
        (also for events other than delivery reports)."""
        return Push(
            url=route.url,
            body=body,
            headers=self._headers(route, body),
            connect_timeout=route.connect_timeout or self.connect_timeout,
            read_timeout=route.read_timeout or self.read_timeout,
            status_pattern=route.status_pattern,
            body_pattern=route.body_pattern,
            per_second=route.per_second,
        )

    @staticmethod
    def _headers(route: Route, body: bytes) -> tuple[tuple[str, str], ...]:
        headers = [("Content-Type", route.content_type), *route.headers]
        security = route.security
        if security and security.type == "BASIC" and security.username is not None:
            headers.append(basic_authorization(security.username, security.password or ""))
        elif security and security.type == "HMAC" and security.secret_key and security.algorithm:
            headers.append(hmac_signature(security.secret_key, security.algorithm, body))
        return tuple(headers)

    def reset(self, account: str | None = None) -> None:
        for key in [k for k in self._buckets if account is None or k[0] == account]:
            del self._buckets[key]
