"""Delivery reports pushed to Subscriptions Management API subscriptions."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime
from typing import Any
from xml.etree import ElementTree

from conftest import Sim

SMS = "/subscriptions/1/subscription/SMS"
FORMAT = "%Y-%m-%dT%H:%M:%S.%f%z"


def hook_url(sim: Sim, name: str) -> str:
    return str(sim.client.make_url(f"/simulator/hooks/{name}"))


async def caught(sim: Sim, name: str) -> list[dict[str, Any]]:
    requests: list[dict[str, Any]] = (await sim.call("GET", f"/simulator/catcher/{name}"))[
        "requests"
    ]
    return requests


async def subscribe(sim: Sim, sid: str, hook: str, channel: str = "SMS", **extra: Any) -> None:
    profile = {"profileId": f"p-{sid}", "webhook": {"notifyUrl": hook_url(sim, hook)}}
    profile |= extra.pop("profile", {})
    body = {"subscriptionId": sid, "events": ["DELIVERY"], "profile": profile, **extra}
    await sim.call("POST", f"/subscriptions/1/subscription/{channel}", json=body, expect=201)


async def send(sim: Sim, sender: str = "InfoSMS", count: int = 1, **options: Any) -> list[str]:
    message = {
        "sender": sender,
        "destinations": [{"to": f"4179302{n:04d}"} for n in range(count)],
        "content": {"text": "Hi"},
        **({"options": options} if options else {}),
    }
    body = await sim.call("POST", "/sms/3/messages", json={"messages": [message]})
    return [m["messageId"] for m in body["messages"]]


def pushed_ids(requests: list[dict[str, Any]]) -> list[str]:
    return [r["messageId"] for req in requests for r in json.loads(req["body"])["results"]]


async def test_subscription_receives_reports_of_messages_without_a_url(sim: Sim) -> None:
    await subscribe(sim, "s1", "sub")
    [message_id] = await send(sim)
    await sim.advance(5)
    assert pushed_ids(await caught(sim, "sub")) == [message_id]
    [entry] = (await sim.call("GET", "/simulator/webhooks"))["results"]
    assert entry["subscriptionId"] == "s1"
    assert await sim.reports() == []


async def test_basic_security_and_profile_headers(sim: Sim) -> None:
    security = {"authId": "a1", "type": "BASIC",
                "credentials": {"username": "hook-user", "password": "s3cret"}}  # fmt: skip
    profile = {"security": security, "headers": {"X-Team": "billing"}}
    await subscribe(sim, "s1", "basic", profile=profile)
    await send(sim)
    await sim.advance(5)
    [request] = await caught(sim, "basic")
    expected = "Basic " + base64.b64encode(b"hook-user:s3cret").decode()
    assert request["headers"]["Authorization"] == expected
    assert request["headers"]["X-Team"] == "billing"


async def test_hmac_signature_verifies_on_the_receiving_side(sim: Sim) -> None:
    security = {"authId": "h1", "type": "HMAC",
                "credentials": {"secretKey": "k3y", "algorithm": "HMAC_SHA_256"}}  # fmt: skip
    await subscribe(sim, "s1", "hmac", profile={"security": security})
    await send(sim)
    await sim.advance(5)
    [request] = await caught(sim, "hmac")
    algorithm, _, received = request["headers"]["X-Infobip-Signature"].partition("=")
    assert algorithm == "sha256"
    body = request["body"].encode()
    expected = hmac.new(b"k3y", body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(expected, received)
    wrong = hmac.new(b"other", body, hashlib.sha256).hexdigest()
    assert wrong != received


async def test_criteria_select_messages_by_application_and_entity(sim: Sim) -> None:
    await subscribe(sim, "prod", "prod", criteria=[{"applicationId": "shop", "entityId": "eu"}])
    [match] = await send(sim, platform={"applicationId": "shop", "entityId": "eu"})
    await send(sim, platform={"applicationId": "shop", "entityId": "us"})
    await send(sim)
    await sim.advance(5)
    assert pushed_ids(await caught(sim, "prod")) == [match]
    assert len(await sim.reports()) == 2


async def test_resources_select_messages_by_sender(sim: Sim) -> None:
    await subscribe(sim, "s1", "senders", resources=["Shop"])
    [match] = await send(sim, sender="Shop")
    await send(sim, sender="Other")
    await sim.advance(5)
    assert pushed_ids(await caught(sim, "senders")) == [match]


async def test_every_matching_subscription_gets_the_report(sim: Sim) -> None:
    await subscribe(sim, "one", "first")
    await subscribe(sim, "two", "second")
    [message_id] = await send(sim)
    await sim.advance(5)
    assert pushed_ids(await caught(sim, "first")) == [message_id]
    assert pushed_ids(await caught(sim, "second")) == [message_id]


async def test_max_bucket_size_batches_pushes(sim: Sim) -> None:
    await subscribe(sim, "s1", "bucket", profile={"maxBucketSize": 2})
    await send(sim, count=5)
    await sim.advance(5)
    sizes = [len(json.loads(r["body"])["results"]) for r in await caught(sim, "bucket")]
    assert sizes == [2, 2, 1]


async def test_profile_content_type_xml(sim: Sim) -> None:
    profile = {"webhook": {"notifyUrl": hook_url(sim, "xml"), "contentType": "application/xml"}}
    await subscribe(sim, "s1", "xml", profile=profile)
    await send(sim)
    await sim.advance(5)
    [request] = await caught(sim, "xml")
    assert ElementTree.fromstring(request["body"].encode()).tag == "DeliveryReports"


async def test_response_body_regex_decides_success(sim: Sim) -> None:
    await subscribe(sim, "s1", "regex", profile={"responseBodyRegex": "ACCEPTED"})
    await sim.call(
        "POST", "/simulator/catcher/regex/respond", json={"status": 200, "body": "ACCEPTED"}
    )
    await send(sim, count=1)
    await sim.advance(5)
    await send(sim, count=1)
    await sim.advance(5)
    entries = (await sim.call("GET", "/simulator/webhooks"))["results"]
    assert [e["state"] for e in entries] == ["succeeded", "pending"]


async def test_other_events_and_channels_never_get_delivery_reports(sim: Sim) -> None:
    profile = {"profileId": "p-in", "webhook": {"notifyUrl": hook_url(sim, "inbound")}}
    body = {"subscriptionId": "in", "events": ["INBOUND_MESSAGE"], "profile": profile}
    await sim.call("POST", SMS, json=body, expect=201)
    await subscribe(sim, "wa", "whatsapp", channel="WHATSAPP", events=["DELIVERY"])
    await send(sim)
    await sim.advance(5)
    assert await caught(sim, "inbound") == []
    assert await caught(sim, "whatsapp") == []
    assert len(await sim.reports()) == 1


async def test_a_message_url_wins_over_subscriptions(sim: Sim) -> None:
    await subscribe(sim, "s1", "subscribed")
    message = {
        "destinations": [{"to": "41793026727"}],
        "content": {"text": "Hi"},
        "webhooks": {"delivery": {"url": hook_url(sim, "own")}},
    }
    await sim.call("POST", "/sms/3/messages", json={"messages": [message]})
    await sim.advance(5)
    assert len(await caught(sim, "own")) == 1
    assert await caught(sim, "subscribed") == []


async def test_notify_false_skips_subscriptions_too(sim: Sim) -> None:
    await subscribe(sim, "s1", "quiet")
    message = {
        "destinations": [{"to": "41793026727"}],
        "content": {"text": "Hi"},
        "webhooks": {"delivery": {"notify": False}},
    }
    await sim.call("POST", "/sms/3/messages", json={"messages": [message]})
    await sim.advance(5)
    assert await caught(sim, "quiet") == []
    assert len(await sim.reports()) == 1


async def test_rate_limit_spreads_pushes_over_virtual_seconds(sim: Sim) -> None:
    await subscribe(sim, "s1", "slowly", profile={"maxBucketSize": 1, "rateLimit": 2})
    await send(sim, count=5)
    start = (await sim.call("GET", "/simulator/clock"))["nowEpochMs"]
    await sim.advance(10)
    entries = (await sim.call("GET", "/simulator/webhooks"))["results"]
    assert [e["state"] for e in entries] == ["succeeded"] * 5
    seconds = sorted(
        round(datetime.strptime(e["attempts"][0]["at"], FORMAT).timestamp() * 1000 - start)
        for e in entries
    )
    assert seconds == [1200, 1200, 2200, 2200, 3200]
