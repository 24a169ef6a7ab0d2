"""The Subscriptions Management API over HTTP, and the matching that decides where pushes go."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from conftest import Sim

from simulator.api.subscriptions import subscriptions_key
from simulator.domain.subscriptions import (
    BasicCredentials,
    Criterion,
    Event,
    HmacCredentials,
    Profile,
    Security,
    Subscription,
    SubscriptionRegistry,
    Webhook,
    WebhookSecurity,
    WebhookTarget,
)
from simulator.store.memory import MemoryStore

SMS = "/subscriptions/1/subscription/SMS"
PROFILES = "/subscriptions/1/profiles"
SECURITY = "/subscriptions/1/security"
HOOK = "https://hooks.example.com/push"

OFFICIAL_REQUEST = {
    "subscriptionId": "ABC-123-DEF",
    "name": "Default group",
    "events": ["DELIVERY"],
    "criteria": [
        {"applicationId": "production", "entityId": "entity1"},
        {"applicationId": "production", "entityId": "entity2"},
        {"applicationId": "test", "entityId": "entity1"},
    ],
    "resources": ["1234"],
    "users": ["user1", "user2"],
    "profile": {
        "profileId": "NOTIF-32395",
        "webhook": {"notifyUrl": "https://www.example.com/pushme"},
        "security": {
            "authId": "NEWAUTH-9291",
            "type": "BASIC",
            "credentials": {"username": "user1", "password": "password1"},
        },
    },
}
OFFICIAL_PROFILE = {
    "profileId": "NOTIF-32395",
    "webhook": {"notifyUrl": "https://www.example.com/pushme"},
    "security": {
        "authId": "NEWAUTH-9291",
        "type": "BASIC",
        "credentials": {"username": "user1", "password": "password1"},
    },
    "clientCertificateId": "MYCERT-1337",
    "maxBucketSize": 1,
    "windowSize": 20,
    "connectTimeout": 10000,
    "readTimeout": 10000,
    "enabledSSLProtocols": ["TLSv1.3", "TLSv1.2"],
    "headers": {"X-Important-Header": "Important Value"},
    "responseRegex": "[1-9][0-9]",
    "responseBodyRegex": "[1-9][0-9]",
    "rateLimit": 5000,
}


def subscription(sid: str = "S1", profile_id: str = "P1", **fields: Any) -> dict[str, Any]:
    """A subscription request referring to an existing profile."""
    body = {"subscriptionId": sid, "events": ["DELIVERY"], "profile": {"profileId": profile_id}}
    return body | fields


async def add_profile(sim: Sim, profile_id: str = "P1", **fields: Any) -> None:
    body = {"profileId": profile_id, "webhook": {"notifyUrl": HOOK}} | fields
    await sim.call("POST", PROFILES, json=body, expect=201)


async def post(sim: Sim, path: str, body: Any) -> tuple[Any, str | None]:
    """POST expecting 201; the body and the Location header."""
    response = await sim.client.post(path, json=body, headers=sim.auth)
    assert response.status == 201, await response.text()
    return await response.json(), response.headers.get("Location")


def violations(body: Any) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = body["requestError"]["serviceException"]["validationErrors"]
    return errors


def registry_of(sim: Sim) -> SubscriptionRegistry:
    return sim.client.app[subscriptions_key]


def bare_delivery(registry: SubscriptionRegistry, account: str = "acc") -> list[WebhookTarget]:
    """Where a DELIVERY event of a message without sender, application or entity goes."""
    return registry.targets(account, "DELIVERY", sender=None, application_id=None, entity_id=None)


# Create, read, list


async def test_create_subscription_with_inline_profile_and_security(sim: Sim) -> None:
    body, location = await post(sim, SMS, OFFICIAL_REQUEST)
    assert body == {
        "subscriptionId": "ABC-123-DEF",
        "profile": {"profileId": "NOTIF-32395", "security": {"authId": "NEWAUTH-9291"}},
    }
    assert location == str(sim.client.make_url(f"{SMS}/ABC-123-DEF"))
    got = await sim.call("GET", f"{SMS}/ABC-123-DEF")
    expected = {k: v for k, v in OFFICIAL_REQUEST.items() if k != "profile"} | body
    assert got == expected
    assert await sim.call("GET", f"{PROFILES}/NOTIF-32395") == {
        "profileId": "NOTIF-32395",
        "webhook": {
            "notifyUrl": "https://www.example.com/pushme",
            "contentType": "application/json",
        },
        "security": {"authId": "NEWAUTH-9291"},
        "maxBucketSize": 100,
    }
    assert await sim.call("GET", f"{SECURITY}/NEWAUTH-9291") == {
        "authId": "NEWAUTH-9291",
        "type": "BASIC",
        "credentials": {"username": "user1", "password": "password1"},
    }


async def test_create_profile_answers_like_the_document(sim: Sim) -> None:
    body, location = await post(sim, PROFILES, OFFICIAL_PROFILE)
    assert body == {"profileId": "NOTIF-32395", "security": {"authId": "NEWAUTH-9291"}}
    assert location == str(sim.client.make_url(f"{PROFILES}/NOTIF-32395"))
    expected = {k: v for k, v in OFFICIAL_PROFILE.items() if k != "security"} | body
    expected["webhook"] = {
        "notifyUrl": "https://www.example.com/pushme",
        "contentType": "application/json",
    }
    assert await sim.call("GET", f"{PROFILES}/NOTIF-32395") == expected


async def test_create_security_settings(sim: Sim) -> None:
    hmac = {
        "authId": "H1",
        "type": "HMAC",
        "credentials": {"secretKey": "s", "algorithm": "HMAC_SHA_256"},
    }
    body, location = await post(sim, SECURITY, hmac)
    assert body == {"authId": "H1"}
    assert location == str(sim.client.make_url(f"{SECURITY}/H1"))
    assert await sim.call("GET", f"{SECURITY}/H1") == hmac


async def test_oauth_and_custom_security(sim: Sim) -> None:
    oauth = {
        "authId": "O1",
        "type": "OAUTH",
        "credentials": {
            "tokenUrl": "https://auth.example.com/token",
            "grantType": "client_credentials",
            "clientId": "me",
            "clientSecret": "secret",
            "headers": {"X-Tenant": "t1"},
        },
    }
    await post(sim, SECURITY, oauth)
    await post(sim, SECURITY, {"authId": "C1", "type": "CUSTOM"})
    assert await sim.call("GET", f"{SECURITY}/O1") == oauth
    assert await sim.call("GET", f"{SECURITY}/C1") == {"authId": "C1", "type": "CUSTOM"}


async def test_subscription_refers_to_an_existing_profile(sim: Sim) -> None:
    await post(sim, SECURITY, {"authId": "A1", "type": "CUSTOM"})
    await add_profile(sim, "P1", security={"authId": "A1"})
    body, _ = await post(sim, SMS, subscription("S1", "P1"))
    assert body == {
        "subscriptionId": "S1",
        "profile": {"profileId": "P1", "security": {"authId": "A1"}},
    }
    got = await sim.call("GET", f"{SMS}/S1")
    assert got == {**body, "events": ["DELIVERY"], "criteria": [], "resources": [], "users": []}


async def test_reference_to_a_missing_profile_or_security_is_not_found(sim: Sim) -> None:
    body = await sim.call("POST", SMS, json=subscription("S1", "NOPE"), expect=404)
    assert body == {
        "requestError": {
            "serviceException": {"messageId": "NOT_FOUND", "text": "Profile 'NOPE' not found"}
        }
    }
    profile = {"profileId": "P1", "security": {"authId": "NOPE"}}
    await sim.call("POST", PROFILES, json=profile, expect=404)
    await sim.call("POST", SMS, json=subscription("S1") | {"profile": profile}, expect=404)
    assert (await sim.call("GET", PROFILES))["results"] == []


async def test_inline_profile_replaces_the_profile_of_that_id(sim: Sim) -> None:
    await add_profile(sim, "P1", maxBucketSize=5)
    inline = {"profileId": "P1", "webhook": {"notifyUrl": "https://other.example.com/"}}
    await post(sim, SMS, subscription("S1") | {"profile": inline})
    profile = await sim.call("GET", f"{PROFILES}/P1")
    assert profile["webhook"]["notifyUrl"] == "https://other.example.com/"
    assert profile["maxBucketSize"] == 100


async def test_events_in_both_forms(sim: Sim) -> None:
    await add_profile(sim)
    events = ["DELIVERY", {"event": "INBOUND_MESSAGE", "format": "MO_JSON_2"}]
    await post(sim, SMS, subscription(events=events))
    assert (await sim.call("GET", f"{SMS}/S1"))["events"] == events


async def test_list_is_paged_newest_first(sim: Sim) -> None:
    await add_profile(sim)
    for n in range(5):
        await post(sim, SMS, subscription(f"S{n}"))
    first = await sim.call("GET", SMS, params={"size": "2"})
    assert [s["subscriptionId"] for s in first["results"]] == ["S4", "S3"]
    assert first["paging"] == {"page": 0, "size": 2, "totalPages": 3, "totalResults": 5}
    last = await sim.call("GET", SMS, params={"size": "2", "page": "2"})
    assert [s["subscriptionId"] for s in last["results"]] == ["S0"]
    beyond = await sim.call("GET", SMS, params={"size": "2", "page": "3"})
    assert beyond["results"] == []
    default = await sim.call("GET", SMS)
    assert default["paging"] == {"page": 0, "size": 20, "totalPages": 1, "totalResults": 5}


async def test_profiles_and_security_lists_are_paged(sim: Sim) -> None:
    for n in range(3):
        await post(sim, SECURITY, {"authId": f"A{n}", "type": "CUSTOM"})
        await add_profile(sim, f"P{n}")
    profiles = await sim.call("GET", PROFILES, params={"size": "2", "page": "1"})
    assert [p["profileId"] for p in profiles["results"]] == ["P0"]
    assert profiles["paging"] == {"page": 1, "size": 2, "totalPages": 2, "totalResults": 3}
    security = await sim.call("GET", SECURITY)
    assert [s["authId"] for s in security["results"]] == ["A2", "A1", "A0"]


@pytest.mark.parametrize("path", [SMS, PROFILES, SECURITY])
@pytest.mark.parametrize(
    ("params", "field"),
    [({"page": "-1"}, "page"), ({"size": "0"}, "size"), ({"size": "101"}, "size"),
     ({"page": "x"}, "page")],
)  # fmt: skip
async def test_paging_parameters_are_checked(
    sim: Sim, path: str, params: dict[str, str], field: str
) -> None:
    body = await sim.call("GET", path, params=params, expect=400)
    assert field in violations(body)


FILTERED = [
    ("A", {"criteria": [{"applicationId": "app1", "entityId": "e1"}], "resources": ["111"]}),
    ("B", {"criteria": [{"applicationId": "app1"}, {"applicationId": "app2"}], "users": ["u1"]}),
    ("C", {"criteria": [{"entityId": "e1", "callsConfigurationId": "cc1"}], "users": ["u1", "u2"]}),
    ("D", {"resources": ["111", "222"]}),
]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ([("applicationId", "app1")], {"A", "B"}),
        ([("applicationId", "app1"), ("applicationId", "app2")], {"B"}),
        ([("applicationId", "app1,app2")], {"B"}),
        ([("entityId", "e1")], {"A", "C"}),
        ([("callsConfigurationId", "cc1")], {"C"}),
        ([("resource", "111")], {"A", "D"}),
        ([("resource", "111"), ("resource", "222")], {"D"}),
        ([("user", "u1")], {"B", "C"}),
        ([("user", "u1"), ("user", "u2")], {"C"}),
        ([("entityId", "e1"), ("resource", "111")], {"A"}),
        ([("applicationId", "none")], set()),
    ],
)
async def test_list_filters_combine_with_and(
    sim: Sim, params: list[tuple[str, str]], expected: set[str]
) -> None:
    await add_profile(sim)
    for sid, fields in FILTERED:
        await post(sim, SMS, subscription(sid, **fields))
    body = await sim.call("GET", SMS, params=params)
    assert {s["subscriptionId"] for s in body["results"]} == expected
    assert body["paging"]["totalResults"] == len(expected)


async def test_list_filter_values_are_checked(sim: Sim) -> None:
    body = await sim.call("GET", SMS, params={"callsConfigurationId": "c" * 129}, expect=400)
    assert "callsConfigurationId[0]" in violations(body)


# Update and delete


async def test_update_subscription_replaces_it(sim: Sim) -> None:
    await add_profile(sim, "P1")
    await post(sim, SECURITY, {"authId": "A2", "type": "CUSTOM"})
    await add_profile(sim, "P2", security={"authId": "A2"})
    await post(sim, SMS, subscription("S1", "P1", name="Old", users=["u1"]))
    update = {
        "name": "Updated group",
        "profile": {"profileId": "P2"},
        "events": ["CLICK"],
        "resources": ["1234"],
    }
    body = await sim.call("PUT", f"{SMS}/S1", json=update)
    assert body == {
        "subscriptionId": "S1",
        "profile": {"profileId": "P2", "security": {"authId": "A2"}},
    }
    assert await sim.call("GET", f"{SMS}/S1") == {
        **body,
        "name": "Updated group",
        "events": ["CLICK"],
        "criteria": [],
        "resources": ["1234"],
        "users": [],
    }


async def test_update_subscription_needs_events_and_an_existing_profile(sim: Sim) -> None:
    await add_profile(sim)
    await post(sim, SMS, subscription())
    body = await sim.call("PUT", f"{SMS}/S1", json={}, expect=400)
    assert set(violations(body)) == {"events", "profile"}
    update = {"events": ["DELIVERY"], "profile": {"profileId": "NOPE"}}
    await sim.call("PUT", f"{SMS}/S1", json=update, expect=404)
    await sim.call("PUT", f"{SMS}/S2", json=update | {"profile": {"profileId": "P1"}}, expect=404)


async def test_delete_subscription(sim: Sim) -> None:
    await add_profile(sim)
    await post(sim, SMS, subscription())
    body = await sim.call("DELETE", f"{SMS}/S1")
    assert body == {"subscriptionId": "S1", "profile": {"profileId": "P1"}}
    await sim.call("GET", f"{SMS}/S1", expect=404)
    await sim.call("DELETE", f"{SMS}/S1", expect=404)
    assert (await sim.call("GET", SMS))["results"] == []


async def test_update_profile_replaces_it(sim: Sim) -> None:
    await post(sim, PROFILES, OFFICIAL_PROFILE)
    await post(sim, SECURITY, {"authId": "AUTH-123", "type": "CUSTOM"})
    update = {
        "webhook": {"notifyUrl": HOOK, "contentType": "application/xml"},
        "security": {"authId": "AUTH-123"},
        "readTimeout": 2000,
    }
    body = await sim.call("PUT", f"{PROFILES}/NOTIF-32395", json=update)
    assert body == {"profileId": "NOTIF-32395", "security": {"authId": "AUTH-123"}}
    assert await sim.call("GET", f"{PROFILES}/NOTIF-32395") == {
        "profileId": "NOTIF-32395",
        "webhook": {"notifyUrl": HOOK, "contentType": "application/xml"},
        "security": {"authId": "AUTH-123"},
        "maxBucketSize": 100,
        "readTimeout": 2000,
    }
    missing = {"security": {"authId": "NOPE"}}
    await sim.call("PUT", f"{PROFILES}/NOTIF-32395", json=missing, expect=404)


async def test_profile_in_use_cannot_be_deleted(sim: Sim) -> None:
    await add_profile(sim)
    await post(sim, SMS, subscription())
    body = await sim.call("DELETE", f"{PROFILES}/P1", expect=400)
    assert body["requestError"]["serviceException"]["text"] == (
        "Profile 'P1' is used by subscriptions S1"
    )
    await sim.call("DELETE", f"{SMS}/S1")
    assert await sim.call("DELETE", f"{PROFILES}/P1") == {"profileId": "P1"}
    await sim.call("GET", f"{PROFILES}/P1", expect=404)


async def test_update_and_delete_security(sim: Sim) -> None:
    await post(
        sim,
        SECURITY,
        {"authId": "A1", "type": "BASIC", "credentials": {"username": "u", "password": "p"}},
    )
    await add_profile(sim, "P1", security={"authId": "A1"})
    hmac = {"type": "HMAC", "credentials": {"secretKey": "k", "algorithm": "HMAC_SHA_512"}}
    assert await sim.call("PUT", f"{SECURITY}/A1", json=hmac) == {"authId": "A1"}
    assert await sim.call("GET", f"{SECURITY}/A1") == {"authId": "A1"} | hmac
    body = await sim.call("DELETE", f"{SECURITY}/A1", expect=400)
    assert "used by profiles P1" in body["requestError"]["serviceException"]["text"]
    await sim.call("DELETE", f"{PROFILES}/P1")
    assert await sim.call("DELETE", f"{SECURITY}/A1") == {"authId": "A1"}
    await sim.call("GET", f"{SECURITY}/A1", expect=404)


# Errors


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (SMS, subscription("S1"), "subscriptionId"),
        (PROFILES, {"profileId": "P1"}, "profileId"),
        (SECURITY, {"authId": "A1", "type": "CUSTOM"}, "authId"),
    ],
)
async def test_duplicate_ids_are_rejected(sim: Sim, path: str, body: Any, field: str) -> None:
    await post(sim, SECURITY, {"authId": "A1", "type": "CUSTOM"})
    await add_profile(sim, "P1")
    await post(sim, SMS, subscription("S1"))
    answer = await sim.call("POST", path, json=body, expect=400)
    assert answer["requestError"]["serviceException"]["messageId"] == "BAD_REQUEST"
    assert list(violations(answer)) == [field]
    assert "already exists" in violations(answer)[field][0]


@pytest.mark.parametrize(
    ("method", "path", "text"),
    [
        ("GET", f"{SMS}/NOPE", "Subscription 'NOPE' not found"),
        ("DELETE", f"{SMS}/NOPE", "Subscription 'NOPE' not found"),
        ("GET", f"{PROFILES}/NOPE", "Profile 'NOPE' not found"),
        ("PUT", f"{PROFILES}/NOPE", "Profile 'NOPE' not found"),
        ("DELETE", f"{PROFILES}/NOPE", "Profile 'NOPE' not found"),
        ("GET", f"{SECURITY}/NOPE", "Security settings 'NOPE' not found"),
        ("PUT", f"{SECURITY}/NOPE", "Security settings 'NOPE' not found"),
        ("DELETE", f"{SECURITY}/NOPE", "Security settings 'NOPE' not found"),
    ],
)
async def test_unknown_ids_are_not_found(sim: Sim, method: str, path: str, text: str) -> None:
    body = {"type": "CUSTOM"} if method == "PUT" else None
    answer = await sim.call(method, path, json=body, expect=404)
    assert answer == {
        "requestError": {"serviceException": {"messageId": "NOT_FOUND", "text": text}}
    }


def with_profile(**fields: Any) -> dict[str, Any]:
    return subscription() | {
        "profile": {"profileId": "P1", "webhook": {"notifyUrl": HOOK}, **fields}
    }


HMAC_WITHOUT_ALGORITHM = {"authId": "A1", "type": "HMAC", "credentials": {"secretKey": "k"}}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (SMS, {"events": ["DELIVERY"], "profile": {"profileId": "P1"}}, "subscriptionId"),
        (SMS, {"subscriptionId": "S1", "profile": {"profileId": "P1"}}, "events"),
        (SMS, {"subscriptionId": "S1", "events": ["DELIVERY"]}, "profile"),
        (SMS, subscription("has space"), "subscriptionId"),
        (SMS, subscription("a/b"), "subscriptionId"),
        (SMS, subscription(name=""), "name"),
        (SMS, subscription(events=["SEEN"]), "events[0]"),
        (SMS, subscription(events=["DELIVERY", 5]), "events[1]"),
        (SMS, subscription(events=[{"event": "DELIVERY"}]), "events[0].format"),
        (SMS, subscription(criteria=[{"applicationId": "a" * 256}]), "criteria[0].applicationId"),
        (SMS, subscription(resources=["r" * 256]), "resources[0]"),
        (SMS, with_profile(maxBucketSize=0), "profile.maxBucketSize"),
        (SMS, with_profile(maxBucketSize=2001), "profile.maxBucketSize"),
        (SMS, with_profile(webhook={"notifyUrl": "u" * 513}), "profile.webhook.notifyUrl"),
        (SMS, with_profile(webhook={}), "profile.webhook.notifyUrl"),
        (SMS, with_profile(security=HMAC_WITHOUT_ALGORITHM),
         "profile.security.credentials.algorithm"),
        (SMS, with_profile(security={"authId": "A1", "type": "TOKEN"}), "profile.security.type"),
        (PROFILES, {"profileId": "P1", "connectTimeout": 299}, "connectTimeout"),
        (PROFILES, {"profileId": "P1", "connectTimeout": 30001}, "connectTimeout"),
        (PROFILES, {"profileId": "P1", "readTimeout": 999}, "readTimeout"),
        (PROFILES, {"profileId": "P1", "windowSize": 19}, "windowSize"),
        (PROFILES, {"profileId": "P1", "rateLimit": 5001}, "rateLimit"),
        (PROFILES, {"profileId": "P1", "enabledSSLProtocols": ["SSLv3"]},
         "enabledSSLProtocols[0]"),
        (PROFILES, {"profileId": "P1", "responseRegex": "("}, "responseRegex"),
        (PROFILES, {"webhook": {"notifyUrl": HOOK}}, "profileId"),
        (SECURITY, {"authId": "A1", "type": "TOKEN"}, "type"),
        (SECURITY, {"authId": "A1"}, "type"),
        (SECURITY, {"authId": "A1", "credentials": {"username": "u", "password": "p"}}, "type"),
        (SECURITY, HMAC_WITHOUT_ALGORITHM, "credentials.algorithm"),
        (SECURITY, HMAC_WITHOUT_ALGORITHM | {"credentials": {"secretKey": "k", "algorithm": "MD5"}},
         "credentials.algorithm"),
        (SECURITY, {"authId": "A1", "type": "BASIC"}, "credentials"),
        (SECURITY, {"authId": "A1", "type": "BASIC", "credentials": {"username": "u"}},
         "credentials.password"),
        (SECURITY, {"authId": "A1", "type": "OAUTH", "credentials": {"tokenUrl": "t"}},
         "credentials.grantType"),
        (SECURITY, {"type": "CUSTOM"}, "authId"),
    ],
)  # fmt: skip
async def test_invalid_requests_name_the_field(sim: Sim, path: str, body: Any, field: str) -> None:
    answer = await sim.call("POST", path, json=body, expect=400)
    assert field in violations(answer), violations(answer)


async def test_invalid_update_bodies_name_the_field(sim: Sim) -> None:
    await add_profile(sim)
    answer = await sim.call("PUT", f"{PROFILES}/P1", json={"maxBucketSize": 2001}, expect=400)
    assert list(violations(answer)) == ["maxBucketSize"]
    answer = await sim.call("PUT", f"{SECURITY}/A1", json={"type": "BASIC"}, expect=400)
    assert list(violations(answer)) == ["credentials"]


@pytest.mark.parametrize("channel", ["FOO", "sms"])
async def test_unknown_channel_is_a_bad_request(sim: Sim, channel: str) -> None:
    path = f"/subscriptions/1/subscription/{channel}"
    for method, target in [("GET", path), ("POST", path), ("GET", f"{path}/S1")]:
        body = subscription() if method == "POST" else None
        answer = await sim.call(method, target, json=body, expect=400)
        assert list(violations(answer)) == ["channel"]


async def test_other_channels_are_stored_and_listed(sim: Sim) -> None:
    await add_profile(sim)
    whatsapp = "/subscriptions/1/subscription/WHATSAPP"
    await post(sim, whatsapp, subscription("W1", events=["SEEN", "TEMPLATE_UPDATE"]))
    assert [s["subscriptionId"] for s in (await sim.call("GET", whatsapp))["results"]] == ["W1"]
    assert (await sim.call("GET", f"{whatsapp}/W1"))["events"] == ["SEEN", "TEMPLATE_UPDATE"]
    assert (await sim.call("GET", SMS))["results"] == []
    await sim.call("GET", f"{SMS}/W1", expect=404)
    await sim.call("POST", SMS, json=subscription("W1"), expect=400)
    formatted = subscription("W2", events=[{"event": "SEEN", "format": "X"}])
    answer = await sim.call("POST", whatsapp, json=formatted, expect=400)
    assert list(violations(answer)) == ["events[0].format"]
    assert bare_delivery(registry_of(sim), sim.key) == []


async def test_accounts_are_isolated(sim: Sim) -> None:
    await post(sim, SMS, OFFICIAL_REQUEST)
    other = sim.as_key(f"other-{uuid.uuid4().hex[:8]}")
    for path in (SMS, PROFILES, SECURITY):
        assert (await other.call("GET", path))["results"] == []
    await other.call("GET", f"{SMS}/ABC-123-DEF", expect=404)
    await other.call("GET", f"{PROFILES}/NOTIF-32395", expect=404)
    await other.call("GET", f"{SECURITY}/NEWAUTH-9291", expect=404)
    await post(other, SMS, OFFICIAL_REQUEST)
    await other.call("DELETE", f"{SMS}/ABC-123-DEF")
    await sim.call("GET", f"{SMS}/ABC-123-DEF")


async def test_created_subscription_routes_delivery_reports(sim: Sim) -> None:
    await post(sim, SMS, OFFICIAL_REQUEST | {"resources": []})
    registry = registry_of(sim)
    [target] = registry.targets(
        sim.key, "DELIVERY", sender="InfoSMS", application_id="test", entity_id="entity1"
    )
    assert (target.subscription_id, target.notify_url) == (
        "ABC-123-DEF",
        "https://www.example.com/pushme",
    )
    assert target.security == WebhookSecurity("BASIC", username="user1", password="password1")
    assert (
        registry.targets(
            sim.key, "DELIVERY", sender="InfoSMS", application_id="test", entity_id="entity2"
        )
        == []
    )


# Matching (SubscriptionRegistry.targets)

PROFILE = Profile("P1", Webhook(HOOK))


def registry_with(*subscriptions: Subscription, profile: Profile = PROFILE) -> SubscriptionRegistry:
    registry = SubscriptionRegistry(MemoryStore())
    registry.add_profile("acc", profile)
    for item in subscriptions:
        registry.add_subscription("acc", item)
    return registry


def sms(sid: str = "S1", *events: str, **fields: Any) -> Subscription:
    chosen = tuple(Event(e) for e in events or ("DELIVERY",))
    return Subscription(sid, "SMS", "P1", chosen, **fields)


def matched(
    registry: SubscriptionRegistry,
    event: str = "DELIVERY",
    *,
    sender: str | None = "InfoSMS",
    application_id: str | None = None,
    entity_id: str | None = None,
    resource: str | None = None,
) -> list[str]:
    found = registry.targets(
        "acc",
        event,
        sender=sender,
        application_id=application_id,
        entity_id=entity_id,
        resource=resource,
    )
    return [t.subscription_id for t in found]


def test_only_subscribed_events_match() -> None:
    registry = registry_with(sms("S1", "DELIVERY"), sms("S2", "CLICK", "INBOUND_MESSAGE"))
    assert matched(registry, "DELIVERY") == ["S1"]
    assert matched(registry, "CLICK") == ["S2"]
    assert matched(registry, "SEEN") == []


def test_event_format_is_carried_to_the_target() -> None:
    registry = registry_with(Subscription("S1", "SMS", "P1", (Event("DELIVERY", "MY_FORMAT"),)))
    [target] = bare_delivery(registry)
    assert target.event_format == "MY_FORMAT"


@pytest.mark.parametrize(
    ("criteria", "application_id", "entity_id", "expected"),
    [
        ((), None, None, True),
        ((Criterion("app1", "e1"),), "app1", "e1", True),
        ((Criterion("app1", "e1"),), "app1", "e2", False),
        ((Criterion("app1", "e1"),), "app1", None, False),
        ((Criterion("app1"),), "app1", "anything", True),
        ((Criterion(entity_id="e1"),), None, "e1", True),
        ((Criterion("app1"), Criterion("app2")), "app2", None, True),
        ((Criterion("app1"), Criterion("app2")), "app3", None, False),
        ((Criterion("", ""),), "app1", None, True),
        ((Criterion(calls_configuration_id="cc1"),), None, None, True),
    ],
)
def test_criteria_match_application_and_entity(
    criteria: tuple[Criterion, ...],
    application_id: str | None,
    entity_id: str | None,
    expected: bool,
) -> None:
    registry = registry_with(sms(criteria=criteria))
    found = matched(registry, application_id=application_id, entity_id=entity_id)
    assert found == (["S1"] if expected else [])


def test_resources_match_the_sender_or_the_given_resource() -> None:
    registry = registry_with(sms("S1", "DELIVERY", "INBOUND_MESSAGE", resources=("InfoSMS", "447")))
    assert matched(registry, sender="InfoSMS") == ["S1"]
    assert matched(registry, sender="Other") == []
    assert matched(registry, sender=None) == []
    assert matched(registry, "INBOUND_MESSAGE", sender=None, resource="447") == ["S1"]
    assert matched(registry, "INBOUND_MESSAGE", sender="InfoSMS", resource="448") == []


def test_every_matching_subscription_gets_the_event_in_creation_order() -> None:
    registry = registry_with(sms("S2"), sms("S1"), sms("S3", resources=("Other",)), sms("S4"))
    assert matched(registry) == ["S2", "S1", "S4"]
    registry.update_subscription("acc", sms("S2", "DELIVERY", name="renamed"))
    assert matched(registry) == ["S2", "S1", "S4"]


def test_other_channels_never_fire() -> None:
    registry = registry_with(Subscription("W1", "WHATSAPP", "P1", (Event("DELIVERY"),)))
    assert matched(registry) == []


@pytest.mark.parametrize("webhook", [None, Webhook("")])
def test_profile_without_webhook_never_fires(webhook: Webhook | None) -> None:
    registry = registry_with(sms(), profile=Profile("P1", webhook))
    assert matched(registry) == []


def test_unknown_account_has_no_targets() -> None:
    registry = registry_with(sms())
    assert bare_delivery(registry, "else") == []


def test_target_carries_the_profile_settings_and_security() -> None:
    registry = SubscriptionRegistry(MemoryStore())
    profile = Profile(
        "P1",
        Webhook(HOOK, "application/xml"),
        auth_id="A1",
        max_bucket_size=7,
        window_size=20,
        connect_timeout=500,
        read_timeout=2000,
        headers=(("X-Key", "v"),),
        response_regex="2..",
        response_body_regex="OK",
        rate_limit=10,
    )
    security = Security("A1", "HMAC", HmacCredentials("k", "HMAC_SHA_256"))
    registry.add_profile("acc", profile, security)
    registry.add_subscription("acc", sms())
    [target] = bare_delivery(registry)
    assert target.profile_id == "P1"
    assert (target.notify_url, target.content_type, target.headers) == (
        HOOK,
        "application/xml",
        (("X-Key", "v"),),
    )
    assert (target.max_bucket_size, target.window_ms, target.rate_limit) == (7, 20, 10)
    assert (target.connect_timeout_ms, target.read_timeout_ms) == (500, 2000)
    assert (target.response_regex, target.response_body_regex) == ("2..", "OK")
    assert target.security == WebhookSecurity("HMAC", secret_key="k", algorithm="HMAC_SHA_256")
    registry.update_security("acc", Security("A1", "CUSTOM"))
    [target] = bare_delivery(registry)
    assert target.security == WebhookSecurity("CUSTOM")


def test_reset_forgets_one_account_or_all() -> None:
    registry = registry_with(sms())
    registry.add_security("other", Security("A1", "BASIC", BasicCredentials("u", "p")))
    registry.reset("acc")
    assert matched(registry) == []
    assert registry.profiles("acc") == []
    assert [s.auth_id for s in registry.securities("other")] == ["A1"]
    registry.reset()
    assert registry.securities("other") == []
