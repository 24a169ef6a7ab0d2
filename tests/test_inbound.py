"""Inbound (MO) SMS: injected through the control API, pulled once or pushed to subscriptions."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree

from conftest import Sim
from test_webhook_subscriptions import caught, hook_url

NUMBER = "385921004026"
OFFICIAL_RESULT = {
    "messageId": "817790313235066447",
    "from": "385916242493",
    "to": NUMBER,
    "text": "QUIZ Correct answer is Paris",
    "cleanText": "Correct answer is Paris",
    "keyword": "QUIZ",
    "receivedAt": "2019-11-09T16:00:00.000+0000",
    "smsCount": 1,
    "price": {"pricePerMessage": 0, "currency": "EUR"},
    "callbackData": "callbackData",
}


async def inject(sim: Sim, **fields: Any) -> Any:
    return await sim.call("POST", "/simulator/inbound", json=fields, expect=201)


async def inbox(sim: Sim, **params: str) -> Any:
    return await sim.call("GET", "/sms/1/inbox/reports", params=params)


async def subscribe_inbound(sim: Sim, sid: str, hook: str, **extra: Any) -> None:
    profile = {"profileId": f"p-{sid}", "webhook": {"notifyUrl": hook_url(sim, hook)}}
    profile |= extra.pop("profile", {})
    body = {"subscriptionId": sid, "events": ["INBOUND_MESSAGE"], "profile": profile, **extra}
    await sim.call("POST", "/subscriptions/1/subscription/SMS", json=body, expect=201)


async def test_pull_has_the_official_shape_and_is_fetch_once(sim: Sim) -> None:
    await sim.call(
        "POST", "/simulator/keywords", json={"number": NUMBER, "keyword": "QUIZ"}, expect=201
    )
    injected = await inject(
        sim, **{"from": "385916242493", "to": NUMBER, "text": "QUIZ Correct answer is Paris"},
        callbackData="callbackData",
    )  # fmt: skip

    body = await inbox(sim)

    [result] = body["results"]
    expected = OFFICIAL_RESULT | {"messageId": injected["messageId"]}
    assert result == expected | {"receivedAt": injected["receivedAt"]}
    assert list(result) == list(OFFICIAL_RESULT)
    assert (body["messageCount"], body["pendingMessageCount"]) == (1, 0)
    assert injected["pushed"] is False
    assert await inbox(sim) == {"results": [], "messageCount": 0, "pendingMessageCount": 0}


async def test_left_out_fields_are_made_up(sim: Sim) -> None:
    injected = await inject(sim)

    assert injected["from"].isdigit() and len(injected["from"]) == 12
    assert injected["to"].isdigit()
    assert injected["text"] and injected["cleanText"] == injected["text"]
    assert "keyword" not in injected
    assert (await inbox(sim))["results"][0]["messageId"] == injected["messageId"]


async def test_limit_and_pending_count(sim: Sim) -> None:
    for n in range(3):
        await inject(sim, text=f"message {n}")

    first = await inbox(sim, limit="2")
    second = await inbox(sim, limit="2")

    assert [r["text"] for r in first["results"]] == ["message 0", "message 1"]
    assert (first["messageCount"], first["pendingMessageCount"]) == (2, 1)
    assert [r["text"] for r in second["results"]] == ["message 2"]
    assert (second["messageCount"], second["pendingMessageCount"]) == (1, 0)


async def test_filters_leave_other_messages_waiting(sim: Sim) -> None:
    await inject(sim, text="a", applicationId="app-1", entityId="e-1")
    await inject(sim, text="b", campaignReferenceId="summer")

    by_app = await inbox(sim, applicationId="app-1")
    by_campaign = await inbox(sim, campaignReferenceId="summer")

    assert [r["text"] for r in by_app["results"]] == ["a"]
    assert by_app["results"][0]["entityId"] == "e-1"
    assert [r["text"] for r in by_campaign["results"]] == ["b"]


async def test_messages_are_kept_48_virtual_hours(sim: Sim) -> None:
    await inject(sim, text="old")
    await sim.advance(47 * 3600)
    await inject(sim, text="new")
    await sim.advance(3600 + 1)

    assert [r["text"] for r in (await inbox(sim))["results"]] == ["new"]


async def test_keywords_split_only_for_their_number(sim: Sim) -> None:
    added = await sim.call(
        "POST", "/simulator/keywords", json={"number": f"+{NUMBER}", "keyword": "stop"}, expect=201
    )
    assert added == {"number": NUMBER, "keyword": "STOP"}

    ours = await inject(sim, to=NUMBER, text="Stop  please")
    other = await inject(sim, to="447491163443", text="STOP please")
    forced = await inject(sim, to="447491163443", text="JOIN now", keyword="join")

    assert (ours["keyword"], ours["cleanText"]) == ("STOP", "please")
    assert "keyword" not in other and other["cleanText"] == "STOP please"
    assert (forced["keyword"], forced["cleanText"]) == ("JOIN", "now")
    listed = await sim.call("GET", "/simulator/keywords")
    assert listed == {"results": [{"number": NUMBER, "keyword": "STOP"}]}
    await sim.call("DELETE", f"/simulator/keywords/{NUMBER}/Stop")
    await sim.call("DELETE", f"/simulator/keywords/{NUMBER}/Stop", expect=404)
    assert "keyword" not in await inject(sim, to=NUMBER, text="STOP it")


async def test_push_goes_to_matching_subscriptions_and_is_not_pulled(sim: Sim) -> None:
    await subscribe_inbound(sim, "mo", "mo", resources=[NUMBER])
    pushed = await inject(sim, to=NUMBER, text="Hello there")
    kept = await inject(sim, to="447491163443", text="Not for that number")
    await sim.advance(1)

    [request] = await caught(sim, "mo")
    body = json.loads(request["body"])
    assert pushed["pushed"] is True and kept["pushed"] is False
    assert [r["messageId"] for r in body["results"]] == [pushed["messageId"]]
    assert (body["messageCount"], body["pendingMessageCount"]) == (1, 0)
    [entry] = (await sim.call("GET", "/simulator/webhooks"))["results"]
    assert (entry["event"], entry["subscriptionId"]) == ("INBOUND_MESSAGE", "mo")
    assert [r["messageId"] for r in (await inbox(sim))["results"]] == [kept["messageId"]]


async def test_push_retries_on_the_report_schedule(sim: Sim) -> None:
    await sim.call("POST", "/simulator/catcher/down/respond", json={"status": 503, "times": 2})
    await subscribe_inbound(sim, "mo", "down")
    await inject(sim, text="anyone?")
    await sim.advance(1)
    await sim.advance(60)
    [entry] = (await sim.call("GET", "/simulator/webhooks"))["results"]
    assert (len(entry["attempts"]), entry["state"]) == (2, "pending")
    await sim.advance(120)  # retry 2 is due 3 minutes after the first attempt

    [entry] = (await sim.call("GET", "/simulator/webhooks"))["results"]
    assert (len(entry["attempts"]), entry["state"]) == (3, "succeeded")
    assert len(await caught(sim, "down")) == 3


async def test_xml_push_uses_the_official_root(sim: Sim) -> None:
    profile = {"webhook": {"notifyUrl": hook_url(sim, "xml"), "contentType": "application/xml"}}
    await subscribe_inbound(sim, "mo", "xml", profile=profile)
    await inject(sim, **{"from": "385916242493", "text": "Hi"})
    await sim.advance(1)

    [request] = await caught(sim, "xml")
    root = ElementTree.fromstring(request["body"])
    assert root.tag == "reportResponse"
    assert root.findtext("results/result/from") == "385916242493"
    assert root.findtext("results/result/price/pricePerMessage") == "0"


async def test_inbox_is_per_account(sim: Sim) -> None:
    await inject(sim, text="mine")
    assert (await inbox(sim.as_key("someone-else")))["results"] == []
    await sim.call("POST", "/simulator/reset")
    assert (await inbox(sim))["results"] == []
