"""The control API: message list and detail, reset."""

from __future__ import annotations

from conftest import Sim


async def test_messages_are_listed_newest_first_with_filters(sim: Sim) -> None:
    await sim.send("41793026727", text="first")
    await sim.send("385916242493", text="your code is 123456")
    await sim.send("not-a-number", text="third")
    listed = await sim.call("GET", "/simulator/messages")
    assert [m["text"] for m in listed["results"]] == ["third", "your code is 123456", "first"]
    by_to = await sim.call("GET", "/simulator/messages", params={"to": "+385916242493"})
    assert [m["text"] for m in by_to["results"]] == ["your code is 123456"]
    by_text = await sim.call("GET", "/simulator/messages", params={"text": "CODE"})
    assert len(by_text["results"]) == 1
    rejected = await sim.call("GET", "/simulator/messages", params={"status": "rejected"})
    assert [m["to"] for m in rejected["results"]] == ["not-a-number"]
    limited = await sim.call("GET", "/simulator/messages", params={"limit": "1"})
    assert len(limited["results"]) == 1
    await sim.call("GET", "/simulator/messages", params={"status": "nope"}, expect=400)


async def test_message_detail_has_everything(sim: Sim) -> None:
    payload = {
        "messages": [
            {
                "sender": "Shop",
                "destinations": [{"to": "41793026727", "messageId": "m-1"}],
                "content": {"text": "Hi"},
                "options": {"platform": {"entityId": "e", "applicationId": "a"}},
                "webhooks": {"callbackData": "cb"},
            }
        ]
    }
    await sim.call("POST", "/sms/3/messages", json=payload)
    await sim.advance(2)
    detail = await sim.message("m-1")
    assert detail["sender"] == "Shop"
    assert detail["api"] == "v3"
    assert detail["mccMnc"] == "22801"
    assert detail["price"] == {"pricePerMessage": 0.01, "currency": "EUR"}
    assert detail["platform"] == {"entityId": "e", "applicationId": "a"}
    assert detail["callbackData"] == "cb"
    assert len(detail["history"]) == 3
    missing = await sim.call("GET", "/simulator/messages/nope", expect=404)
    assert missing["requestError"]["serviceException"]["messageId"] == "NOT_FOUND"


async def test_reset_forgets_one_account_only(sim: Sim) -> None:
    other = sim.as_key("other")
    await sim.send("41793026727")
    await other.send("41793026727")
    assert (await sim.call("POST", "/simulator/reset")) == {"reset": "account"}
    await sim.advance(5)
    assert (await sim.call("GET", "/simulator/messages"))["results"] == []
    assert await sim.reports() == []
    assert len(await other.reports()) == 1


async def test_reset_all(sim: Sim) -> None:
    other = sim.as_key("other")
    await other.send("41793026727")
    assert (await sim.call("POST", "/simulator/reset", json={"all": True})) == {"reset": "all"}
    await sim.advance(5)
    assert (await other.call("GET", "/simulator/messages"))["results"] == []
    assert await other.reports() == []
    sent = await sim.send("41793026727")
    await sim.advance(5)
    assert [r["messageId"] for r in await sim.reports()] == [sent["messages"][0]["messageId"]]
