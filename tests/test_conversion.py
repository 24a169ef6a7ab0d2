"""``POST /ct/1/log/end/{messageId}``: conversion confirmation."""

from __future__ import annotations

import re

from conftest import Sim


async def test_conversion_of_own_message_answers_a_process_key(sim: Sim) -> None:
    [message] = (await sim.send("41793026727"))["messages"]

    first = await sim.call("POST", f"/ct/1/log/end/{message['messageId']}")
    second = await sim.call("POST", f"/ct/1/log/end/{message['messageId']}")

    assert list(first) == ["processKey"]
    assert re.fullmatch(r"[0-9A-F]{32}", first["processKey"])
    assert first != second
    conversions = await sim.call("GET", f"/simulator/messages/{message['messageId']}/conversions")
    assert [c["processKey"] for c in conversions["results"]] == [
        first["processKey"],
        second["processKey"],
    ]


async def test_unknown_or_foreign_message_is_not_found(sim: Sim) -> None:
    [message] = (await sim.send("41793026727"))["messages"]

    unknown = await sim.call("POST", "/ct/1/log/end/nope", expect=404)
    foreign = await sim.as_key("other").call(
        "POST", f"/ct/1/log/end/{message['messageId']}", expect=404
    )

    assert unknown["requestError"]["serviceException"]["messageId"] == "NOT_FOUND"
    assert foreign == unknown
