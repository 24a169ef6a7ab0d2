"""The Subscriptions Management API: subscriptions, notification profiles, security settings.

Where the official document leaves a choice open, the simulator does this:

- an unknown ``{channel}`` is a 400 with a violation on ``channel`` (the path parameter is an
  enum, and an invalid parameter is a bad request); events are checked against the channel's
  own event list;
- a ``subscriptionId`` is unique in the account, across channels; under another channel's path
  it is not found;
- lists are newest first (the document says so for subscriptions; profiles and security
  settings follow the same rule);
- in a subscription, a ``profile`` with nothing but its ``profileId`` refers to an existing
  profile (404 when there is none); with anything more it is a definition that creates the
  profile or replaces the one with that ID. A ``security`` with nothing but ``authId`` refers to
  existing settings; with a ``type`` it is a definition, created or replacing, as above;
- a security definition needs a ``type``, and BASIC, HMAC and OAUTH need their ``credentials``;
- PUT replaces the whole item: fields left out go back to their defaults;
- an item still referenced (a profile by a subscription, security settings by a profile)
  cannot be deleted: 400.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from math import ceil
from typing import Any, TypeVar, get_args

from aiohttp import web
from pydantic import BaseModel, ValidationError

from ..domain.errors import InvalidRequest, Violation
from ..domain.subscriptions import (
    DEFAULT_CONTENT_TYPE,
    DEFAULT_MAX_BUCKET_SIZE,
    BasicCredentials,
    Credentials,
    Criterion,
    Event,
    HmacCredentials,
    OauthCredentials,
    Profile,
    Security,
    Subscription,
    SubscriptionRegistry,
    Webhook,
)
from .errors import violations_of
from .models.subscriptions import (
    CHANNEL_EVENTS,
    CREDENTIALS,
    FORMAT_AWARE_CHANNELS,
    ApplicationEntityPair,
    BasicCredentialsPayload,
    CredentialsPayload,
    CredentialsType,
    EventRequest,
    FormatAwareEvent,
    HmacCredentialsPayload,
    IdOnlyProfileResponse,
    IdOnlySecurityResponse,
    IdOnlySubscriptionResponse,
    NoIdProfileRequest,
    NoIdSecurityRequest,
    NoIdSubscriptionRequest,
    Page,
    PageInfo,
    PageQuery,
    ProfileRequest,
    ProfileResponse,
    ProfileSettings,
    SecurityRequest,
    SecurityResponse,
    SubscriptionQuery,
    SubscriptionRequest,
    SubscriptionResponse,
    SubscriptionSettings,
)
from .models.subscriptions import Webhook as WebhookBody
from .request import account_of, read_json, read_query
from .responses import wire_response

subscriptions_key = web.AppKey("subscriptions", SubscriptionRegistry)

BASE = "/subscriptions/1"
_FILTERS = frozenset({"applicationId", "entityId", "callsConfigurationId", "resource", "user"})

T = TypeVar("T")


def setup_subscription_routes(app: web.Application) -> None:
    router = app.router
    router.add_get(f"{BASE}/subscription/{{channel}}", list_subscriptions)
    router.add_post(f"{BASE}/subscription/{{channel}}", create_subscription)
    router.add_get(f"{BASE}/subscription/{{channel}}/{{subscriptionId}}", get_subscription)
    router.add_put(f"{BASE}/subscription/{{channel}}/{{subscriptionId}}", update_subscription)
    router.add_delete(f"{BASE}/subscription/{{channel}}/{{subscriptionId}}", delete_subscription)
    router.add_get(f"{BASE}/profiles", list_profiles)
    router.add_post(f"{BASE}/profiles", create_profile)
    router.add_get(f"{BASE}/profiles/{{profileId}}", get_profile)
    router.add_put(f"{BASE}/profiles/{{profileId}}", update_profile)
    router.add_delete(f"{BASE}/profiles/{{profileId}}", delete_profile)
    router.add_get(f"{BASE}/security", list_security)
    router.add_post(f"{BASE}/security", create_security)
    router.add_get(f"{BASE}/security/{{authId}}", get_security)
    router.add_put(f"{BASE}/security/{{authId}}", update_security)
    router.add_delete(f"{BASE}/security/{{authId}}", delete_security)


# Subscriptions


async def list_subscriptions(request: web.Request) -> web.Response:
    channel = _channel(request)
    query = read_query(request, SubscriptionQuery, _FILTERS)
    registry, account = _context(request)
    found = [s for s in registry.subscriptions(account, channel) if _wanted(s, query)]
    chosen, paging = _page(found, query)
    results = [_subscription_response(registry, account, s) for s in chosen]
    return wire_response(Page[SubscriptionResponse](results=results, paging=paging))


async def create_subscription(request: web.Request) -> web.Response:
    channel = _channel(request)
    body = await read_json(request, SubscriptionRequest)
    registry, account = _context(request)
    subscription = _subscription(body, channel, body.subscription_id, body.profile.profile_id)
    if body.profile.model_fields_set == {"profile_id"}:
        created = registry.add_subscription(account, subscription)
    else:
        profile, security = _profile_definition(body.profile, "profile.")
        created = registry.add_subscription(account, subscription, profile, security)
    return _created(request, created.subscription_id, _id_only(registry, account, created))


async def get_subscription(request: web.Request) -> web.Response:
    registry, account = _context(request)
    found = registry.subscription(account, _channel(request), _subscription_id(request))
    return wire_response(_subscription_response(registry, account, found))


async def update_subscription(request: web.Request) -> web.Response:
    channel = _channel(request)
    body = await read_json(request, NoIdSubscriptionRequest)
    registry, account = _context(request)
    changed = _subscription(body, channel, _subscription_id(request), body.profile.profile_id)
    return wire_response(
        _id_only(registry, account, registry.update_subscription(account, changed))
    )


async def delete_subscription(request: web.Request) -> web.Response:
    registry, account = _context(request)
    removed = registry.remove_subscription(account, _channel(request), _subscription_id(request))
    return wire_response(_id_only(registry, account, removed))


# Notification profiles


async def list_profiles(request: web.Request) -> web.Response:
    query = read_query(request, PageQuery)
    registry, account = _context(request)
    chosen, paging = _page(registry.profiles(account), query)
    results = [_profile_response(p) for p in chosen]
    return wire_response(Page[ProfileResponse](results=results, paging=paging))


async def create_profile(request: web.Request) -> web.Response:
    body = await read_json(request, ProfileRequest)
    registry, account = _context(request)
    profile, security = _profile_definition(body, "")
    created = registry.add_profile(account, profile, security)
    return _created(request, created.profile_id, _profile_ref(created))


async def get_profile(request: web.Request) -> web.Response:
    registry, account = _context(request)
    return wire_response(_profile_response(registry.profile(account, _profile_id(request))))


async def update_profile(request: web.Request) -> web.Response:
    body = await read_json(request, NoIdProfileRequest)
    registry, account = _context(request)
    auth_id = body.security.auth_id if body.security else None
    changed = registry.update_profile(account, _profile(body, _profile_id(request), auth_id))
    return wire_response(_profile_ref(changed))


async def delete_profile(request: web.Request) -> web.Response:
    registry, account = _context(request)
    return wire_response(_profile_ref(registry.remove_profile(account, _profile_id(request))))


# Security settings


async def list_security(request: web.Request) -> web.Response:
    query = read_query(request, PageQuery)
    registry, account = _context(request)
    chosen, paging = _page(registry.securities(account), query)
    results = [_security_response(s) for s in chosen]
    return wire_response(Page[SecurityResponse](results=results, paging=paging))


async def create_security(request: web.Request) -> web.Response:
    body = await read_json(request, SecurityRequest)
    registry, account = _context(request)
    created = registry.add_security(account, _security(body, body.auth_id, ""))
    return _created(request, created.auth_id, IdOnlySecurityResponse(auth_id=created.auth_id))


async def get_security(request: web.Request) -> web.Response:
    registry, account = _context(request)
    return wire_response(_security_response(registry.security(account, _auth_id(request))))


async def update_security(request: web.Request) -> web.Response:
    body = await read_json(request, NoIdSecurityRequest)
    registry, account = _context(request)
    changed = registry.update_security(account, _security(body, _auth_id(request), ""))
    return wire_response(IdOnlySecurityResponse(auth_id=changed.auth_id))


async def delete_security(request: web.Request) -> web.Response:
    registry, account = _context(request)
    removed = registry.remove_security(account, _auth_id(request))
    return wire_response(IdOnlySecurityResponse(auth_id=removed.auth_id))


# Request parts


def _context(request: web.Request) -> tuple[SubscriptionRegistry, str]:
    return request.config_dict[subscriptions_key], account_of(request)


def _channel(request: web.Request) -> str:
    channel = request.match_info["channel"]
    if channel not in CHANNEL_EVENTS:
        raise _invalid("channel", f"must be one of {', '.join(CHANNEL_EVENTS)}")
    return channel


def _subscription_id(request: web.Request) -> str:
    return request.match_info["subscriptionId"]


def _profile_id(request: web.Request) -> str:
    return request.match_info["profileId"]


def _auth_id(request: web.Request) -> str:
    return request.match_info["authId"]


def _invalid(path: str, message: str) -> InvalidRequest:
    return InvalidRequest(violations=[Violation(path, message)])


def _page(items: Sequence[T], query: PageQuery) -> tuple[Sequence[T], PageInfo]:
    """The page ``query`` asks for, newest first (``items`` come oldest first)."""
    newest = items[::-1]
    start = query.page * query.size
    paging = PageInfo(
        page=query.page,
        size=query.size,
        total_pages=ceil(len(items) / query.size),
        total_results=len(items),
    )
    return newest[start : start + query.size], paging


def _wanted(subscription: Subscription, query: SubscriptionQuery) -> bool:
    """Every value of every filter is present in the subscription."""
    criteria = subscription.criteria
    checks: list[tuple[list[str], set[str | None]]] = [
        (query.application_id, {c.application_id for c in criteria}),
        (query.entity_id, {c.entity_id for c in criteria}),
        (query.calls_configuration_id, {c.calls_configuration_id for c in criteria}),
        (query.resource, set(subscription.resources)),
        (query.user, set(subscription.users)),
    ]
    return all(set(wanted) <= present for wanted, present in checks)


def _created(request: web.Request, item_id: str, body: BaseModel) -> web.Response:
    response = wire_response(body, status=201)
    response.headers["Location"] = str(request.url.with_query(None) / item_id)
    return response


# Requests into the domain


def _subscription(
    body: SubscriptionSettings, channel: str, subscription_id: str, profile_id: str
) -> Subscription:
    return Subscription(
        subscription_id=subscription_id,
        channel=channel,
        profile_id=profile_id,
        events=_events(channel, body.events),
        name=body.name,
        criteria=tuple(
            Criterion(c.application_id, c.entity_id, c.calls_configuration_id)
            for c in body.criteria
        ),
        resources=tuple(body.resources),
        users=tuple(body.users),
    )


def _events(channel: str, items: list[EventRequest]) -> tuple[Event, ...]:
    """The events, each checked against the channel's own event list."""
    allowed = CHANNEL_EVENTS[channel]
    violations = []
    for i, item in enumerate(items):
        if item.event not in allowed:
            choices = ", ".join(sorted(allowed))
            violations.append(Violation(f"events[{i}]", f"must be one of {choices}"))
        elif item.format is not None and channel not in FORMAT_AWARE_CHANNELS:
            violations.append(Violation(f"events[{i}].format", f"{channel} events take no format"))
    if violations:
        raise InvalidRequest(violations=violations)
    return tuple(Event(item.event, item.format) for item in items)


def _profile_definition(body: ProfileRequest, prefix: str) -> tuple[Profile, Security | None]:
    """The profile ``body`` defines, and the security settings it defines inline (if any)."""
    security = body.security
    profile = _profile(body, body.profile_id, security.auth_id if security else None)
    if security is None or security.model_fields_set == {"auth_id"}:
        return profile, None
    return profile, _security(security, security.auth_id, f"{prefix}security.")


def _profile(body: ProfileSettings, profile_id: str, auth_id: str | None) -> Profile:
    webhook = body.webhook
    return Profile(
        profile_id=profile_id,
        webhook=Webhook(webhook.notify_url, webhook.content_type or DEFAULT_CONTENT_TYPE)
        if webhook
        else None,
        auth_id=auth_id,
        client_certificate_id=body.client_certificate_id,
        max_bucket_size=body.max_bucket_size or DEFAULT_MAX_BUCKET_SIZE,
        window_size=body.window_size,
        connect_timeout=body.connect_timeout,
        read_timeout=body.read_timeout,
        enabled_ssl_protocols=tuple(dict.fromkeys(body.enabled_ssl_protocols or ())),
        headers=tuple((body.headers or {}).items()),
        response_regex=body.response_regex,
        response_body_regex=body.response_body_regex,
        rate_limit=body.rate_limit,
    )


def _security(body: NoIdSecurityRequest, auth_id: str, prefix: str) -> Security:
    if body.type is None:
        raise _invalid(f"{prefix}type", f"must be one of {', '.join(get_args(CredentialsType))}")
    credentials = _credentials(body.type, body.credentials, f"{prefix}credentials")
    return Security(auth_id, body.type, credentials)


def _credentials(kind: str, raw: dict[str, Any] | None, path: str) -> Credentials | None:
    """``raw`` read as the credentials of a ``kind`` security; None for CUSTOM."""
    payload = CREDENTIALS.get(kind)
    if payload is None:
        return None
    if raw is None:
        raise _invalid(path, f"must be set for type {kind}")
    try:
        parsed = payload.model_validate(raw)
    except ValidationError as exc:
        raise InvalidRequest(violations=violations_of(exc, path)) from None
    fields = parsed.model_dump(exclude={"headers"})
    if isinstance(parsed, BasicCredentialsPayload):
        return BasicCredentials(**fields)
    if isinstance(parsed, HmacCredentialsPayload):
        return HmacCredentials(**fields)
    return OauthCredentials(**fields, headers=tuple((parsed.headers or {}).items()))


# The domain into responses


def _id_only(
    registry: SubscriptionRegistry, account: str, subscription: Subscription
) -> IdOnlySubscriptionResponse:
    profile = registry.profile(account, subscription.profile_id)
    return IdOnlySubscriptionResponse(
        subscription_id=subscription.subscription_id, profile=_profile_ref(profile)
    )


def _subscription_response(
    registry: SubscriptionRegistry, account: str, subscription: Subscription
) -> SubscriptionResponse:
    return SubscriptionResponse(
        subscription_id=subscription.subscription_id,
        profile=_profile_ref(registry.profile(account, subscription.profile_id)),
        name=subscription.name,
        events=[
            e.name if e.format is None else FormatAwareEvent(event=e.name, format=e.format)
            for e in subscription.events
        ],
        criteria=[
            ApplicationEntityPair(
                application_id=c.application_id,
                entity_id=c.entity_id,
                calls_configuration_id=c.calls_configuration_id,
            )
            for c in subscription.criteria
        ],
        resources=list(subscription.resources),
        users=list(subscription.users),
    )


def _security_ref(auth_id: str | None) -> IdOnlySecurityResponse | None:
    return IdOnlySecurityResponse(auth_id=auth_id) if auth_id else None


def _profile_ref(profile: Profile) -> IdOnlyProfileResponse:
    return IdOnlyProfileResponse(
        profile_id=profile.profile_id, security=_security_ref(profile.auth_id)
    )


def _profile_response(profile: Profile) -> ProfileResponse:
    webhook = profile.webhook
    return ProfileResponse(
        profile_id=profile.profile_id,
        webhook=WebhookBody(notify_url=webhook.notify_url, content_type=webhook.content_type)
        if webhook
        else None,
        security=_security_ref(profile.auth_id),
        client_certificate_id=profile.client_certificate_id,
        max_bucket_size=profile.max_bucket_size,
        window_size=profile.window_size,
        connect_timeout=profile.connect_timeout,
        read_timeout=profile.read_timeout,
        enabled_ssl_protocols=list(profile.enabled_ssl_protocols) or None,
        headers=dict(profile.headers) or None,
        response_regex=profile.response_regex,
        response_body_regex=profile.response_body_regex,
        rate_limit=profile.rate_limit,
    )


def _security_response(security: Security) -> SecurityResponse:
    return SecurityResponse(
        auth_id=security.auth_id,
        type=security.type,
        credentials=_payload(security.type, security.credentials),
    )


def _payload(kind: str, credentials: Credentials | None) -> CredentialsPayload | None:
    if credentials is None:
        return None
    fields = asdict(credentials)
    if isinstance(credentials, OauthCredentials):
        fields["headers"] = dict(credentials.headers) or None
    return CREDENTIALS[kind].model_validate(fields)
