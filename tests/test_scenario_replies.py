"""Scenario rules with a ``reply``: the destination answers a delivered message."""

from __future__ import annotations

from typing import Any

from conftest import Sim
from test_inbound import inbox, subscribe_inbound
from test_webhook_subscriptions import caught

STOPPER, THANKER, FAILING = "41793026701", "41793026702", "41793026703"
SCENARIO = {
    "name": "replies",
    "rules": [
        {"to": STOPPER, "reply": {"text": "STOP", "after": "30s"}},
        {"to": THANKER, "reply": {"text": "Thanks {first_name} from {city}", "after": 5}},
        {"to": FAILING, "outcome": {"type": "undeliverable", "error": "EC_ABSENT_SUBSCRIBER"},
         "reply": {"text": "never"}},
    ],
}  # fmt: skip


async def use(sim: Sim, scenario: dict[str, Any], expect: int = 200) -> Any:
    path = f"/simulator/accounts/{sim.key}/scenario"
    return await sim.call("PUT", path, json={"scenario": scenario}, expect=expect)


async def test_reply_arrives_after_delivery_with_its_delay(sim: Sim) -> None:
    await use(sim, SCENARIO)
    await sim.call(
        "POST", "/simulator/keywords", json={"number": "InfoSMS", "keyword": "STOP"}, expect=201
    )
    await sim.send(STOPPER, sender="InfoSMS")
    await sim.advance(1.2 + 29)  # delivered at 1.2 s: not yet
    assert (await inbox(sim))["results"] == []

    await sim.advance(1)

    [reply] = (await inbox(sim))["results"]
    assert (reply["from"], reply["to"], reply["text"]) == (STOPPER, "InfoSMS", "STOP")
    assert (reply["keyword"], reply["cleanText"]) == ("STOP", "")


async def test_template_is_filled_with_faker_values(sim: Sim) -> None:
    await use(sim, SCENARIO)
    await sim.send(THANKER, STOPPER, FAILING, "41793026704")
    await sim.advance(60)

    texts = {r["from"]: r["text"] for r in (await inbox(sim))["results"]}

    assert set(texts) == {THANKER, STOPPER}  # undelivered and rule-less messages get no reply
    assert texts[THANKER].startswith("Thanks ") and " from " in texts[THANKER]
    assert "{" not in texts[THANKER]


async def test_replies_are_pushed_like_any_inbound_message(sim: Sim) -> None:
    await use(sim, SCENARIO)
    await subscribe_inbound(sim, "mo", "mo", resources=["InfoSMS"])
    await sim.send(STOPPER, sender="InfoSMS")
    await sim.advance(60)

    [request] = await caught(sim, "mo")
    assert '"text":"STOP"' in request["body"]
    assert (await inbox(sim))["results"] == []


async def test_reply_templates_are_validated(sim: Sim) -> None:
    bad = {"rules": [{"to": STOPPER, "reply": {"text": "Hi {no_such_provider}"}}]}
    body = await use(sim, bad, expect=400)
    errors = body["requestError"]["serviceException"]["validationErrors"]
    [(field, [message])] = errors.items()
    assert field == "scenario.rules[0].reply.text"
    assert "no_such_provider" in message


async def test_no_reply_after_a_reset(sim: Sim) -> None:
    await use(sim, SCENARIO)
    await sim.send(STOPPER)
    await sim.advance(2)
    await sim.call("POST", "/simulator/reset")
    await sim.advance(60)

    assert (await inbox(sim))["results"] == []
