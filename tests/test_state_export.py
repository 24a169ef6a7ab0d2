"""Export and import of an account's state: a round trip keeps messages, queued reports and
subscriptions, and a message still on its way goes on after the import."""

from __future__ import annotations

import json
from typing import Any

from conftest import Sim

from simulator.domain.messages import Message

SUBSCRIPTION = {
    "subscriptionId": "ABC-123-DEF",
    "name": "Default group",
    "events": ["DELIVERY"],
    "criteria": [{"applicationId": "production", "entityId": "entity1"}],
    "resources": ["InfoSMS"],
    "profile": {
        "profileId": "NOTIF-32395",
        "webhook": {"notifyUrl": "http://127.0.0.1:1/never-matched"},
        "headers": {"X-Important-Header": "Important Value"},
        "security": {
            "authId": "NEWAUTH-9291",
            "type": "BASIC",
            "credentials": {"username": "user1", "password": "password1"},
        },
    },
}
SUBSCRIPTIONS = [
    "/subscriptions/1/subscription/SMS",
    "/subscriptions/1/profiles",
    "/subscriptions/1/security",
]


async def recorded_account(sim: Sim) -> dict[str, str]:
    """An account with a bit of everything; the ids of its messages by role."""
    await sim.call("POST", SUBSCRIPTIONS[0], json=SUBSCRIPTION, expect=201)
    pulled = await sim.send("41793026727", text="pulled already", notify=False)
    queued = await sim.send("41793026728", text="report waiting", validityPeriod={"amount": 5})
    await sim.advance(5)
    await sim.reports(messageId=pulled["messages"][0]["messageId"])
    binary = {"messages": [{"destinations": [{"to": "385916242493"}],
                            "content": {"hex": "0f c2 4a bf", "dataCoding": 4}}]}  # fmt: skip
    sent_binary = await sim.call("POST", "/sms/3/messages", json=binary)
    rejected = await sim.send("not-a-number", text="rejected at once")
    on_its_way = await sim.send(
        "447491163443",
        text="still on its way",
        options={"platform": {"entityId": "entity2", "applicationId": "production"}},
        webhooks={"callbackData": "order-7"},
    )
    await sim.advance(0.5)  # PENDING_ENROUTE, DELIVERED_TO_HANDSET still ahead
    return {
        "pulled": pulled["messages"][0]["messageId"],
        "queued": queued["messages"][0]["messageId"],
        "binary": sent_binary["messages"][0]["messageId"],
        "rejected": rejected["messages"][0]["messageId"],
        "on_its_way": on_its_way["messages"][0]["messageId"],
    }


async def export(sim: Sim) -> Any:
    return await sim.call("GET", f"/simulator/accounts/{sim.key}/export")


async def subscriptions(sim: Sim) -> list[Any]:
    return [(await sim.call("GET", path))["results"] for path in SUBSCRIPTIONS]


async def test_a_round_trip_keeps_the_account(sim: Sim) -> None:
    ids = await recorded_account(sim)
    document = await export(sim)
    assert (document["format"], document["version"], document["account"]) == (
        "infobip-simulator/account-state",
        1,
        sim.key,
    )
    assert document["clock"]["mode"] == "manual"
    copy = sim.as_key(sim.key + "-copy")
    imported = await copy.call("POST", f"/simulator/accounts/{copy.key}/import", json=document)
    assert imported == {"account": copy.key, "messages": 5, "reports": 2, "security": 1,
                        "profiles": 1, "subscriptions": 1}  # fmt: skip

    original = await sim.call("GET", "/simulator/messages")
    assert await copy.call("GET", "/simulator/messages") == original
    assert await subscriptions(copy) == await subscriptions(sim)
    reports = await copy.reports()
    assert [r["messageId"] for r in reports] == [ids["queued"], ids["rejected"]]
    assert reports == await sim.reports()


def test_every_field_of_a_message_is_in_the_document() -> None:
    """A field added to Message must be added to control/state.py too (``seq`` is renumbered)."""
    exported = {"id", "bulk_id", "to", "spec", "sent_at", "mcc_mnc", "price_per_part", "status"}
    exported |= {"error", "done_at", "history", "path", "step"}
    assert set(Message.__slots__) == exported | {"seq"}


async def test_export_does_not_consume_the_report_queue(sim: Sim) -> None:
    await sim.send("41793026727", notify=False)
    await sim.advance(5)
    before = await export(sim)
    assert len(before["reports"]) == 1
    assert len(await sim.reports()) == 1


async def test_a_message_on_its_way_goes_on_after_the_import(sim: Sim) -> None:
    ids = await recorded_account(sim)
    document = await export(sim)
    copy = sim.as_key(sim.key + "-copy")
    await copy.call("POST", f"/simulator/accounts/{copy.key}/import", json=document)
    moving = await copy.message(ids["on_its_way"])
    assert moving["status"]["name"] == "PENDING_ENROUTE"
    assert moving["callbackData"] == "order-7"
    await sim.advance(5)
    moved = await copy.message(ids["on_its_way"])
    assert moved["status"]["name"] == "DELIVERED_TO_HANDSET"
    assert moved["history"] == (await sim.message(ids["on_its_way"]))["history"]


async def test_the_document_is_plain_json_with_the_webhook_outbox(sim: Sim) -> None:
    url = str(sim.client.make_url(f"/simulator/hooks/{sim.key}"))
    await sim.send("41793026727", webhooks={"delivery": {"url": url}})
    await sim.advance(5)
    document = await export(sim)
    assert json.loads(json.dumps(document)) == document
    (entry,) = document["webhooks"]
    assert entry["state"] == "succeeded" and entry["attempts"][0]["statusCode"] == 200
    (message,) = document["messages"]
    assert message["spec"]["@type"] == "MessageSpec"
    content = {"@type": "TextContent", "text": "Hello"}
    assert message["spec"]["content"] == content | {"transliteration": None, "language_code": None}
    assert [name for _at, name in message["history"]][-1] == "DELIVERED_TO_HANDSET"


async def test_importing_again_clashes_on_subscriptions_and_changes_nothing(sim: Sim) -> None:
    await recorded_account(sim)
    document = await export(sim)
    messages = await sim.call("GET", "/simulator/messages")
    body = await sim.call(
        "POST", f"/simulator/accounts/{sim.key}/import", json=document, expect=400
    )
    text = json.dumps(body)
    assert "ABC-123-DEF" in text and "NOTIF-32395" in text and "NEWAUTH-9291" in text
    assert await sim.call("GET", "/simulator/messages") == messages


async def test_a_bad_document_is_refused_with_where(sim: Sim) -> None:
    copy = sim.as_key("target")
    path = f"/simulator/accounts/{copy.key}/import"
    bad_message = {"account": "x", "messages": [{"id": "m"}]}
    body = await copy.call("POST", path, json=bad_message, expect=400)
    assert "messages[0]" in body["requestError"]["serviceException"]["validationErrors"]
    bad_type = {"account": "x", "subscriptions": {"security": [{"@type": "Nope"}]}}
    body = await copy.call("POST", path, json=bad_type, expect=400)
    assert "security[0]" in body["requestError"]["serviceException"]["validationErrors"]
    stray_report = {"account": "x", "reports": [{"messageId": "m", "status": "DELIVERED_TO_HANDSET",
                                                 "error": "NO_ERROR", "doneAt": 1.0}]}  # fmt: skip
    await copy.call("POST", path, json=stray_report, expect=400)
    await copy.call("POST", path, json={"format": "other", "account": "x"}, expect=400)
    assert await copy.call("GET", "/simulator/messages") == {"results": []}
