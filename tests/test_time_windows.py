"""Delivery time windows: messages wait until the window opens; validity can expire them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from conftest import Sim

from simulator.domain.windows import DeliveryWindow

MONDAY = datetime(2027, 1, 4, tzinfo=UTC)
WORKING_DAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"]
WORKING_HOURS = {
    "days": WORKING_DAYS,
    "from": {"hour": 9, "minute": 0},
    "to": {"hour": 17, "minute": 0},
}


def at(day: int, hour: int, minute: int = 0) -> float:
    """Epoch seconds ``day`` days after Monday 2027-01-04, at ``hour:minute`` UTC."""
    return MONDAY.timestamp() + day * 86400 + hour * 3600 + minute * 60


@pytest.mark.parametrize(
    ("now", "opens"),
    [
        (at(0, 8), at(0, 9)),  # Monday before opening
        (at(0, 10), at(0, 10)),  # open now
        (at(0, 17), at(1, 9)),  # closing time is closed
        (at(4, 18), at(7, 9)),  # Friday evening -> Monday
        (at(5, 10), at(7, 9)),  # Saturday
    ],
)
def test_working_hours_window(now: float, opens: float) -> None:
    window = DeliveryWindow.of(WORKING_DAYS, 9 * 60, 17 * 60)
    assert window.next_opening(now) == opens


def test_window_past_midnight_belongs_to_the_day_it_opens() -> None:
    window = DeliveryWindow.of(["MONDAY"], 22 * 60, 6 * 60)
    assert window.next_opening(at(1, 5)) == at(1, 5)  # Tuesday 05:00: still Monday's night
    assert window.next_opening(at(1, 7)) == at(7, 22)
    assert window.next_opening(at(0, 21)) == at(0, 22)


def test_days_without_hours_are_open_all_day() -> None:
    window = DeliveryWindow.of(["SUNDAY"])
    assert window.next_opening(at(5, 23, 59)) == at(6, 0)
    assert window.next_opening(at(6, 12)) == at(6, 12)


async def go_to(sim: Sim, moment: float) -> None:
    when = datetime.fromtimestamp(moment, UTC).isoformat()
    await sim.call("POST", "/simulator/clock/advance", json={"to": when})


async def send_windowed(sim: Sim, window: dict[str, Any], **options: Any) -> str:
    sent = await sim.send("41793026727", options={"deliveryTimeWindow": window, **options})
    message_id: str = sent["messages"][0]["messageId"]
    return message_id


async def test_message_outside_the_window_waits_for_it(sim: Sim) -> None:
    await go_to(sim, at(5, 10))  # Saturday
    message_id = await send_windowed(sim, WORKING_HOURS)

    message = await sim.message(message_id)
    assert message["status"]["name"] == "PENDING_ACCEPTED"
    assert message["sentAt"] == "2027-01-11T09:00:00.000+0000"
    await go_to(sim, at(7, 9) - 1)
    assert (await sim.message(message_id))["status"]["name"] == "PENDING_ACCEPTED"
    await sim.advance(3)
    assert (await sim.message(message_id))["status"]["name"] == "DELIVERED_TO_HANDSET"


async def test_message_inside_the_window_goes_at_once(sim: Sim) -> None:
    await go_to(sim, at(0, 10))
    message_id = await send_windowed(sim, WORKING_HOURS)
    await sim.advance(2)
    assert (await sim.message(message_id))["status"]["name"] == "DELIVERED_TO_HANDSET"


async def test_validity_ending_before_the_window_opens_expires_the_message(sim: Sim) -> None:
    await go_to(sim, at(0, 7))
    validity = {"amount": 1, "timeUnit": "HOURS"}
    message_id = await send_windowed(sim, WORKING_HOURS, validityPeriod=validity)

    await go_to(sim, at(0, 8) - 1)
    assert (await sim.message(message_id))["status"]["name"] == "PENDING_ACCEPTED"
    await sim.advance(1)
    message = await sim.message(message_id)
    assert message["status"]["name"] == "EXPIRED_EXPIRED"
    assert message["error"]["name"] == "EC_VALIDITY_EXPIRED"
    assert message["doneAt"] == "2027-01-04T08:00:00.000+0000"


async def test_validity_left_when_the_window_opens_still_delivers(sim: Sim) -> None:
    await go_to(sim, at(0, 8))
    validity = {"amount": 2, "timeUnit": "HOURS"}
    message_id = await send_windowed(sim, WORKING_HOURS, validityPeriod=validity)
    await go_to(sim, at(0, 9) + 2)
    assert (await sim.message(message_id))["status"]["name"] == "DELIVERED_TO_HANDSET"


async def test_v2_window_with_send_at(sim: Sim) -> None:
    await go_to(sim, at(0, 6))
    body = {
        "messages": [
            {
                "destinations": [{"to": "41793026727"}],
                "text": "Hi",
                "sendAt": "2027-01-04T07:00:00.000+0000",
                "deliveryTimeWindow": WORKING_HOURS,
            }
        ]
    }
    sent = await sim.call("POST", "/sms/2/text/advanced", json=body)
    message_id = sent["messages"][0]["messageId"]
    await go_to(sim, at(0, 8))
    message = await sim.message(message_id)
    assert (message["status"]["name"], message["sentAt"]) == (
        "PENDING_ACCEPTED",
        "2027-01-04T09:00:00.000+0000",
    )
    await go_to(sim, at(0, 9) + 2)
    assert (await sim.message(message_id))["status"]["name"] == "DELIVERED_TO_HANDSET"


@pytest.mark.parametrize(
    ("window", "violation"),
    [
        ({"days": ["MONDAY"], "from": {"hour": 9}}, "must have both from and to, or neither"),
        (
            {"days": ["MONDAY"], "from": {"hour": 9}, "to": {"hour": 9, "minute": 30}},
            "from and to must be at least 1h apart",
        ),
    ],
)
async def test_invalid_windows_are_bad_requests(
    sim: Sim, window: dict[str, Any], violation: str
) -> None:
    payload = {
        "messages": [
            {
                "destinations": [{"to": "41793026727"}],
                "content": {"text": "Hi"},
                "options": {"deliveryTimeWindow": window},
            }
        ]
    }
    body = await sim.call("POST", "/sms/3/messages", json=payload, expect=400)
    assert body["violations"] == [
        {"property": "messages[0].options.deliveryTimeWindow", "violation": violation}
    ]
