"""Subscriptions Management: security settings, notification profiles and subscriptions.

Three kinds of item per account, each by its own ID (``authId``, ``profileId``,
``subscriptionId``): a subscription points at a profile, a profile may point at security
settings. References always resolve: an item cannot be created or updated to point at a missing
one, and an item still referenced cannot be deleted.

Matching (``SubscriptionRegistry.targets``), which decides where pushed events go:

- only ``SMS`` subscriptions fire; subscriptions of other channels are stored and listed only;
- the event must be one of the subscription's events;
- non-empty ``criteria``: at least one criterion matches, a criterion matching when each field
  it sets equals the message's ``applicationId`` / ``entityId`` (``callsConfigurationId`` does
  not apply to SMS and is ignored);
- non-empty ``resources``: the event's resource (the sender for DELIVERY and CLICK, the
  receiving number for INBOUND_MESSAGE) must be listed;
- ``users`` are stored but not matched: the simulator has no users;
- the profile must have a webhook ``notifyUrl``.

When several subscriptions match, every one of them gets the event: all are returned, in the
order the subscriptions were created.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from ..store.base import Store
from .errors import InvalidRequest, NotFound, Violation

SMS = "SMS"
DEFAULT_CONTENT_TYPE = "application/json"
DEFAULT_MAX_BUCKET_SIZE = 100


@dataclass(frozen=True, slots=True)
class BasicCredentials:
    username: str
    password: str


@dataclass(frozen=True, slots=True)
class HmacCredentials:
    secret_key: str
    algorithm: str


@dataclass(frozen=True, slots=True)
class OauthCredentials:
    token_url: str
    grant_type: str
    client_id: str | None = None
    client_secret: str | None = None
    scope: str | None = None
    username: str | None = None
    password: str | None = None
    resource: str | None = None
    refresh_token: str | None = None
    headers: tuple[tuple[str, str], ...] = ()


Credentials = BasicCredentials | HmacCredentials | OauthCredentials


@dataclass(frozen=True, slots=True)
class Security:
    """Security settings: how pushes to a webhook authenticate (``CUSTOM`` has no credentials)."""

    auth_id: str
    type: str
    credentials: Credentials | None = None


@dataclass(frozen=True, slots=True)
class Webhook:
    notify_url: str
    content_type: str = DEFAULT_CONTENT_TYPE


@dataclass(frozen=True, slots=True)
class Profile:
    """A notification profile: where and how events are pushed. Timeouts are milliseconds."""

    profile_id: str
    webhook: Webhook | None = None
    auth_id: str | None = None
    client_certificate_id: str | None = None
    max_bucket_size: int = DEFAULT_MAX_BUCKET_SIZE
    window_size: int | None = None
    connect_timeout: int | None = None
    read_timeout: int | None = None
    enabled_ssl_protocols: tuple[str, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    response_regex: str | None = None
    response_body_regex: str | None = None
    rate_limit: int | None = None


@dataclass(frozen=True, slots=True)
class Event:
    name: str
    format: str | None = None


@dataclass(frozen=True, slots=True)
class Criterion:
    """An application/entity pair; an unset (or empty) field matches anything."""

    application_id: str | None = None
    entity_id: str | None = None
    calls_configuration_id: str | None = None

    def matches(self, application_id: str | None, entity_id: str | None) -> bool:
        return (not self.application_id or self.application_id == application_id) and (
            not self.entity_id or self.entity_id == entity_id
        )


@dataclass(frozen=True, slots=True)
class Subscription:
    subscription_id: str
    channel: str
    profile_id: str
    events: tuple[Event, ...]
    name: str | None = None
    criteria: tuple[Criterion, ...] = ()
    resources: tuple[str, ...] = ()
    users: tuple[str, ...] = ()

    def event(self, name: str) -> Event | None:
        return next((e for e in self.events if e.name == name), None)

    def matches(
        self, application_id: str | None, entity_id: str | None, resource: str | None
    ) -> bool:
        if self.criteria and not any(c.matches(application_id, entity_id) for c in self.criteria):
            return False
        return not self.resources or resource in self.resources


@dataclass(frozen=True, slots=True)
class WebhookSecurity:
    type: str  # "BASIC" | "HMAC" | "OAUTH" | "CUSTOM"
    username: str | None = None  # BASIC
    password: str | None = None  # BASIC
    secret_key: str | None = None  # HMAC
    algorithm: str | None = None  # HMAC: HMAC_MD5|HMAC_SHA_1|HMAC_SHA_224|HMAC_SHA_256|...

    @classmethod
    def of(cls, security: Security) -> WebhookSecurity:
        credentials = security.credentials
        if isinstance(credentials, BasicCredentials):
            return cls(security.type, username=credentials.username, password=credentials.password)
        if isinstance(credentials, HmacCredentials):
            return cls(
                security.type, secret_key=credentials.secret_key, algorithm=credentials.algorithm
            )
        return cls(security.type)


@dataclass(frozen=True, slots=True)
class WebhookTarget:
    """One subscription an event is pushed for, with its profile's settings (milliseconds)."""

    subscription_id: str
    profile_id: str
    notify_url: str
    content_type: str
    headers: tuple[tuple[str, str], ...]
    max_bucket_size: int
    window_ms: int | None
    connect_timeout_ms: int | None
    read_timeout_ms: int | None
    rate_limit: int | None
    response_regex: str | None
    response_body_regex: str | None
    security: WebhookSecurity | None
    event_format: str | None


T = TypeVar("T")


class _Table(Generic[T]):
    """One kind of item of one account, by ID, in creation order (an update keeps the place)."""

    def __init__(
        self, label: str, id_field: str, key: Callable[[T], str], changed: Callable[[], None]
    ) -> None:
        self.label = label
        self.id_field = id_field
        self.key = key
        self.changed = changed
        self._items: dict[str, T] = {}

    def __iter__(self) -> Iterator[T]:
        return iter(self._items.values())

    def find(self, item_id: str) -> T | None:
        return self._items.get(item_id)

    def get(self, item_id: str) -> T:
        item = self._items.get(item_id)
        if item is None:
            raise self.not_found(item_id)
        return item

    def not_found(self, item_id: str) -> NotFound:
        return NotFound(f"{self.label} '{item_id}' not found")

    def check_new(self, item_id: str) -> None:
        if item_id in self._items:
            message = f"{self.label} '{item_id}' already exists"
            raise InvalidRequest(violations=[Violation(self.id_field, message)])

    def put(self, item: T) -> T:
        """Create or replace ``item``."""
        self._items[self.key(item)] = item
        self.changed()
        return item

    def add(self, item: T) -> T:
        self.check_new(self.key(item))
        return self.put(item)

    def replace(self, item: T) -> T:
        self.get(self.key(item))
        return self.put(item)

    def remove(self, item_id: str) -> T:
        item = self.get(item_id)
        del self._items[item_id]
        self.changed()
        return item


class _Account:
    def __init__(self, changed: Callable[[], None]) -> None:
        self.securities = _Table[Security](
            "Security settings", "authId", lambda s: s.auth_id, changed
        )
        self.profiles = _Table[Profile]("Profile", "profileId", lambda p: p.profile_id, changed)
        self.subscriptions = _Table[Subscription](
            "Subscription", "subscriptionId", lambda s: s.subscription_id, changed
        )

    def record(self) -> dict[str, Any]:
        """The durable snapshot of the account's three tables."""
        return {
            "security": list(self.securities),
            "profiles": list(self.profiles),
            "subscriptions": list(self.subscriptions),
        }


class SubscriptionRegistry:
    """Every account's subscriptions, profiles and security settings (all state is here).

    Creating a subscription or a profile may bring inline definitions of its profile and
    security settings: those are created, or replace existing items of the same ID.
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self._accounts: dict[str, _Account] = {}

    def _of(self, account: str) -> _Account:
        state = self._accounts.get(account)
        if state is None:
            state = self._accounts[account] = _Account(lambda: self._saved(account))
        return state

    def _saved(self, account: str) -> None:
        """Every change is kept in the store (a durable store writes the account's tables)."""
        self._store.save("subscriptions", account, "", self._accounts[account])

    def restore(
        self,
        account: str,
        security: list[Security],
        profiles: list[Profile],
        subscriptions: list[Subscription],
    ) -> None:
        """Take back an account's kept tables (after a restart)."""
        state = self._of(account)
        for item in security:
            state.securities.put(item)
        for profile in profiles:
            state.profiles.put(profile)
        for subscription in subscriptions:
            state.subscriptions.put(subscription)

    def reset(self, account: str | None = None) -> None:
        if account is None:
            self._accounts.clear()
        else:
            self._accounts.pop(account, None)

    # Security settings

    def security(self, account: str, auth_id: str) -> Security:
        return self._of(account).securities.get(auth_id)

    def securities(self, account: str) -> list[Security]:
        return list(self._of(account).securities)

    def add_security(self, account: str, security: Security) -> Security:
        return self._of(account).securities.add(security)

    def update_security(self, account: str, security: Security) -> Security:
        return self._of(account).securities.replace(security)

    def remove_security(self, account: str, auth_id: str) -> Security:
        state = self._of(account)
        state.securities.get(auth_id)
        _refuse_if_used(
            f"Security settings '{auth_id}'",
            "profiles",
            [p.profile_id for p in state.profiles if p.auth_id == auth_id],
        )
        return state.securities.remove(auth_id)

    # Notification profiles

    def profile(self, account: str, profile_id: str) -> Profile:
        return self._of(account).profiles.get(profile_id)

    def profiles(self, account: str) -> list[Profile]:
        return list(self._of(account).profiles)

    def add_profile(
        self, account: str, profile: Profile, security: Security | None = None
    ) -> Profile:
        """Create ``profile``; ``security`` is its inline security definition, if any."""
        state = self._of(account)
        state.profiles.check_new(profile.profile_id)
        return _put_profile(state, profile, security)

    def update_profile(self, account: str, profile: Profile) -> Profile:
        state = self._of(account)
        state.profiles.get(profile.profile_id)
        return _put_profile(state, profile, None)

    def remove_profile(self, account: str, profile_id: str) -> Profile:
        state = self._of(account)
        state.profiles.get(profile_id)
        _refuse_if_used(
            f"Profile '{profile_id}'",
            "subscriptions",
            [s.subscription_id for s in state.subscriptions if s.profile_id == profile_id],
        )
        return state.profiles.remove(profile_id)

    # Subscriptions

    def subscription(self, account: str, channel: str, subscription_id: str) -> Subscription:
        table = self._of(account).subscriptions
        found = table.get(subscription_id)
        if found.channel != channel:
            raise table.not_found(subscription_id)
        return found

    def subscriptions(self, account: str, channel: str) -> list[Subscription]:
        return [s for s in self._of(account).subscriptions if s.channel == channel]

    def add_subscription(
        self,
        account: str,
        subscription: Subscription,
        profile: Profile | None = None,
        security: Security | None = None,
    ) -> Subscription:
        """Create ``subscription``; ``profile`` and ``security`` are inline definitions.

        Without an inline profile, ``subscription.profile_id`` must name an existing one.
        Nothing is stored when anything is wrong.
        """
        state = self._of(account)
        state.subscriptions.check_new(subscription.subscription_id)
        if profile is None:
            state.profiles.get(subscription.profile_id)
        else:
            _put_profile(state, profile, security)
        return state.subscriptions.put(subscription)

    def update_subscription(self, account: str, subscription: Subscription) -> Subscription:
        state = self._of(account)
        self.subscription(account, subscription.channel, subscription.subscription_id)
        state.profiles.get(subscription.profile_id)
        return state.subscriptions.put(subscription)

    def remove_subscription(self, account: str, channel: str, subscription_id: str) -> Subscription:
        self.subscription(account, channel, subscription_id)
        return self._of(account).subscriptions.remove(subscription_id)

    # Matching

    def targets(
        self,
        account: str,
        event: str,
        *,
        sender: str | None,
        application_id: str | None,
        entity_id: str | None,
        resource: str | None = None,
    ) -> list[WebhookTarget]:
        """Every subscription ``event`` is pushed for (see the module docstring)."""
        state = self._accounts.get(account)
        if state is None:
            return []
        resource = resource if resource is not None else sender
        found = []
        for subscription in state.subscriptions:
            wanted = subscription.event(event) if subscription.channel == SMS else None
            if wanted is None or not subscription.matches(application_id, entity_id, resource):
                continue
            profile = state.profiles.find(subscription.profile_id)
            webhook = profile.webhook if profile else None
            if profile is None or webhook is None or not webhook.notify_url:
                continue
            security = state.securities.find(profile.auth_id) if profile.auth_id else None
            found.append(_target(subscription, profile, webhook, security, wanted))
        return found


def _put_profile(state: _Account, profile: Profile, security: Security | None) -> Profile:
    """Store ``profile`` (and its inline ``security``) once its security reference resolves."""
    if security is None and profile.auth_id is not None:
        state.securities.get(profile.auth_id)
    if security is not None:
        state.securities.put(security)
    return state.profiles.put(profile)


def _refuse_if_used(item: str, kind: str, users: list[str]) -> None:
    if users:
        raise InvalidRequest(f"{item} is used by {kind} {', '.join(users)}")


def _target(
    subscription: Subscription,
    profile: Profile,
    webhook: Webhook,
    security: Security | None,
    event: Event,
) -> WebhookTarget:
    return WebhookTarget(
        subscription_id=subscription.subscription_id,
        profile_id=profile.profile_id,
        notify_url=webhook.notify_url,
        content_type=webhook.content_type,
        headers=profile.headers,
        max_bucket_size=profile.max_bucket_size,
        window_ms=profile.window_size,
        connect_timeout_ms=profile.connect_timeout,
        read_timeout_ms=profile.read_timeout,
        rate_limit=profile.rate_limit,
        response_regex=profile.response_regex,
        response_body_regex=profile.response_body_regex,
        security=WebhookSecurity.of(security) if security else None,
        event_format=event.format,
    )
