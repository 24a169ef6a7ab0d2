"""POST /sms/3/messages and GET /sms/3/text/query."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from conftest import Sim

PENDING_ACCEPTED = {
    "groupId": 1,
    "groupName": "PENDING",
    "id": 26,
    "name": "PENDING_ACCEPTED",
    "description": "Message sent to next instance",
}


def violations(body: dict[str, Any]) -> dict[str, str]:
    return {v["property"]: v["violation"] for v in body["violations"]}


async def bad_send(sim: Sim, payload: dict[str, Any]) -> dict[str, str]:
    body = await sim.call("POST", "/sms/3/messages", json=payload, expect=400)
    assert body["errorCode"] == "E400"
    assert body["description"] == "Request cannot be processed."
    assert body["resources"] == []
    return violations(body)


def message(**fields: Any) -> dict[str, Any]:
    return {"destinations": [{"to": "41793026727"}], "content": {"text": "Hi"}, **fields}


async def test_each_destination_is_pending_accepted(sim: Sim) -> None:
    body = await sim.send("41793026727", "+385916242493")
    assert body["bulkId"].isdigit()
    assert [m["destination"] for m in body["messages"]] == ["41793026727", "385916242493"]
    assert all(m["status"] == PENDING_ACCEPTED for m in body["messages"])
    assert len({m["messageId"] for m in body["messages"]}) == 2
    assert "details" not in body["messages"][0]


async def test_custom_bulk_and_message_ids_are_honoured(sim: Sim) -> None:
    payload = {
        "messages": [
            {
                "destinations": [{"to": "41793026727", "messageId": "my-id-1"}],
                "content": {"text": "a"},
            }
        ],
        "options": {"schedule": {"bulkId": "my-bulk"}},
    }
    body = await sim.call("POST", "/sms/3/messages", json=payload)
    assert body["bulkId"] == "my-bulk"
    assert body["messages"][0]["messageId"] == "my-id-1"
    assert (await sim.message("my-id-1"))["bulkId"] == "my-bulk"


async def test_message_count_follows_gsm7_and_ucs2_segmentation(sim: Sim) -> None:
    texts = ["a" * 160, "a" * 161, "{" * 80, "{" * 81, "ж" * 70, "ж" * 71]
    payload = {
        "messages": [message(content={"text": t}) for t in texts],
        "options": {"includeSmsCountInResponse": True},
    }
    body = await sim.call("POST", "/sms/3/messages", json=payload)
    counts = [m["details"]["messageCount"] for m in body["messages"]]
    assert counts == [1, 2, 1, 2, 1, 2]


async def test_impossible_destinations_are_rejected_in_a_200(sim: Sim) -> None:
    body = await sim.send("41793026727", "", "not-a-number", "0911234567", "12345", "1" * 16)
    names = [m["status"]["name"] for m in body["messages"]]
    assert names == [
        "PENDING_ACCEPTED",
        "MISSING_TO",
        "REJECTED_DESTINATION",
        "REJECTED_PREFIX_MISSING",
        "REJECTED_DESTINATION",
        "REJECTED_DESTINATION",
    ]
    assert {m["status"]["groupName"] for m in body["messages"][1:]} == {"REJECTED"}


async def test_too_long_text_is_rejected(sim: Sim) -> None:
    body = await sim.send("41793026727", text="a" * (153 * 25 + 1))
    assert body["messages"][0]["status"]["name"] == "REJECTED_MESSAGE_TOO_LONG"
    assert body["messages"][0]["status"]["id"] == 25


async def test_duplicate_message_id_is_rejected_and_the_first_kept(sim: Sim) -> None:
    first = {"destinations": [{"to": "41793026727", "messageId": "dup"}], "content": {"text": "1"}}
    await sim.call("POST", "/sms/3/messages", json={"messages": [first]})
    again = {"destinations": [{"to": "41793026728", "messageId": "dup"}], "content": {"text": "2"}}
    body = await sim.call("POST", "/sms/3/messages", json={"messages": [again]})
    assert body["messages"][0]["status"]["name"] == "REJECTED_DUPLICATE_MESSAGE_ID"
    kept = await sim.message("dup")
    assert (kept["to"], kept["text"]) == ("41793026727", "1")


async def test_every_violation_is_listed_with_its_json_path(sim: Sim) -> None:
    payload = {
        "messages": [
            message(),
            {
                "sender": "AB",
                "destinations": [{"to": "41793026727"}, {"messageId": "x"}],
                "content": {"text": "Hi"},
                "webhooks": {"callbackData": "x" * 4001},
            },
            {"destinations": [], "content": {}},
        ]
    }
    found = await bad_send(sim, payload)
    assert set(found) == {
        "messages[1].sender",
        "messages[1].destinations[1].to",
        "messages[1].webhooks.callbackData",
        "messages[2].destinations",
        "messages[2].content",
    }


async def test_missing_messages_and_empty_body(sim: Sim) -> None:
    assert set(await bad_send(sim, {})) == {"messages"}
    assert set(await bad_send(sim, {"messages": []})) == {"messages"}


async def test_sender_rules(sim: Sim) -> None:
    for sender in ["InfoSMS", "ABC", "ABCDEFGHIJK", "123", "1234567890123456", "+385916242493"]:
        await sim.call("POST", "/sms/3/messages", json={"messages": [message(sender=sender)]})
    for sender in ["AB", "ABCDEFGHIJKL", "12", "12345678901234567"]:
        assert set(await bad_send(sim, {"messages": [message(sender=sender)]})) == {
            "messages[0].sender"
        }


async def test_unknown_fields_are_ignored(sim: Sim) -> None:
    payload = {"type": "text", "messages": [message(surprise=1)], "extra": {"a": 1}}
    body = await sim.call("POST", "/sms/3/messages", json=payload)
    assert body["messages"][0]["status"]["name"] == "PENDING_ACCEPTED"


async def test_send_at_is_at_most_180_days_ahead(sim: Sim) -> None:
    clock = await sim.call("GET", "/simulator/clock")
    now = datetime.fromtimestamp(clock["nowEpochMs"] / 1000, UTC)
    too_far = (now + timedelta(days=181)).isoformat()
    payload = {"messages": [message()], "options": {"schedule": {"sendAt": too_far}}}
    assert set(await bad_send(sim, payload)) == {"options.schedule.sendAt"}


async def test_scheduled_message_waits_for_send_at(sim: Sim) -> None:
    clock = await sim.call("GET", "/simulator/clock")
    now = datetime.fromtimestamp(clock["nowEpochMs"] / 1000, UTC)
    send_at = (now + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    payload = {"messages": [message()], "options": {"schedule": {"sendAt": send_at}}}
    body = await sim.call("POST", "/sms/3/messages", json=payload)
    message_id = body["messages"][0]["messageId"]
    await sim.advance(3600)
    assert (await sim.message(message_id))["status"]["name"] == "PENDING_ACCEPTED"
    await sim.advance(3600 + 5)
    held = await sim.message(message_id)
    assert held["status"]["name"] == "DELIVERED_TO_HANDSET"
    assert held["sentAt"] == send_at


async def test_validity_period_expires_an_undelivered_message(sim: Sim) -> None:
    validity = {"validityPeriod": {"amount": 1, "timeUnit": "SECONDS"}}
    body = await sim.call("POST", "/sms/3/messages", json={"messages": [message(options=validity)]})
    message_id = body["messages"][0]["messageId"]
    await sim.advance(10)
    expired = await sim.message(message_id)
    assert expired["status"]["name"] == "EXPIRED_EXPIRED"
    assert expired["error"]["name"] == "EC_VALIDITY_EXPIRED"
    assert [h["status"]["name"] for h in expired["history"]] == [
        "PENDING_ACCEPTED",
        "PENDING_ENROUTE",
        "EXPIRED_EXPIRED",
    ]


async def test_validity_period_over_48_hours_is_clamped_not_rejected(sim: Sim) -> None:
    validity = {"validityPeriod": {"amount": 100, "timeUnit": "HOURS"}}
    body = await sim.call("POST", "/sms/3/messages", json={"messages": [message(options=validity)]})
    await sim.advance(5)
    delivered = await sim.message(body["messages"][0]["messageId"])
    assert delivered["status"]["name"] == "DELIVERED_TO_HANDSET"


async def test_binary_content_is_accepted_and_counted(sim: Sim) -> None:
    binary = {"hex": " ".join(["41"] * 141), "dataCoding": 0, "esmClass": 0}
    payload = {
        "messages": [message(content=binary)],
        "options": {"includeSmsCountInResponse": True},
    }
    body = await sim.call("POST", "/sms/3/messages", json=payload)
    assert body["messages"][0]["details"]["messageCount"] == 2
    logged = await sim.message(body["messages"][0]["messageId"])
    assert logged["hex"].startswith("41 41")


async def test_bad_hex_is_a_violation(sim: Sim) -> None:
    found = await bad_send(sim, {"messages": [message(content={"hex": "zz"})]})
    assert set(found) == {"messages[0].content.hex"}


async def test_query_send_v3(sim: Sim) -> None:
    params = [
        ("to", "41793026727,41793026728"),
        ("to", "41793026729"),
        ("text", "Hi"),
        ("from", "InfoSMS"),
        ("includeSmsCountInResponse", "true"),
        ("bulkId", "q-1"),
    ]
    body = await sim.call("GET", "/sms/3/text/query", params=params)
    assert body["bulkId"] == "q-1"
    assert [m["destination"] for m in body["messages"]] == [
        "41793026727",
        "41793026728",
        "41793026729",
    ]
    assert body["messages"][0]["details"] == {"messageCount": 1}


async def test_query_send_v3_requires_to_and_text(sim: Sim) -> None:
    body = await sim.call("GET", "/sms/3/text/query", params={"from": "InfoSMS"}, expect=400)
    assert set(violations(body)) == {"to", "text"}


async def test_language_and_transliteration_change_the_message_count(sim: Sim) -> None:
    turkish = "Bu mesajı gönderiyorum, ğüşiöç harfleri ile birlikte. " * 2
    greek = "ΚΑΛΗΜΕΡΑ ΑΠΟ ΤΗΝ ΑΘΗΝΑ, ΤΟ ΜΗΝΥΜΑ ΣΑΣ ΕΙΝΑΙ ΕΤΟΙΜΟ. " * 2
    contents = [
        {"text": turkish},
        {"text": turkish, "language": {"languageCode": "TR"}},
        {"text": greek.lower()},
        {"text": greek.lower(), "transliteration": "GREEK"},
    ]
    payload = {
        "messages": [message(content=c) for c in contents],
        "options": {"includeSmsCountInResponse": True},
    }
    body = await sim.call("POST", "/sms/3/messages", json=payload)
    counts = [m["details"]["messageCount"] for m in body["messages"]]
    assert counts == [2, 1, 2, 1]
