"""The default scenario's magic numbers: one destination per outcome, through HTTP."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from conftest import Sim

from simulator.domain.clock import ClockSpec
from simulator.settings import Settings

DOCS = Path(__file__).resolve().parents[1] / "docs" / "scenarios.md"
HOLD_SECONDS = 0.2

# number -> (final status, error, seconds after sending)
ENDINGS = {
    "41799990001": ("DELIVERED_TO_HANDSET", "NO_ERROR", 1.2),
    "41799990002": ("UNDELIVERABLE_NOT_DELIVERED", "EC_ABSENT_SUBSCRIBER", 1.2),
    "41799990003": ("UNDELIVERABLE_NOT_DELIVERED", "EC_UNKNOWN_SUBSCRIBER", 1.2),
    "41799990004": ("EXPIRED_EXPIRED", "EC_VALIDITY_EXPIRED", 1.2),
    "41799990005": ("UNDELIVERABLE_REJECTED_OPERATOR", "EC_REJECTED_SPAM_BY_OPERATOR", 1.2),
    "41799990007": ("DELIVERED_TO_OPERATOR", "NO_ERROR", 1.2),
    "41799990009": ("DELIVERED_TO_HANDSET", "NO_ERROR", 3600.3),
}
REJECTED = "41799990006"
PENDING = "41799990008"
TOO_MANY = "41799990429"
SERVER_ERROR = "41799990500"
TIMEOUT = "41799990408"
ORDINARY = "41793026727"


@pytest.fixture
def settings() -> Settings:
    return Settings(clock=ClockSpec("manual"), seed=7, hold_seconds=HOLD_SECONDS)


def epoch(text: str) -> float:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()


def timeline(message: dict[str, Any]) -> list[tuple[str, float]]:
    """Each status of a message with its time after sending."""
    sent = epoch(message["sentAt"])
    return [(t["status"]["name"], round(epoch(t["at"]) - sent, 3)) for t in message["history"]]


async def send_one(sim: Sim, to: str, **message: Any) -> str:
    sent = await sim.send(to, **message)
    message_id: str = sent["messages"][0]["messageId"]
    return message_id


async def stored(sim: Sim) -> list[Any]:
    listed: list[Any] = (await sim.call("GET", "/simulator/messages"))["results"]
    return listed


@pytest.mark.parametrize(("to", "ending"), ENDINGS.items())
async def test_each_ending_number_reports_its_outcome_on_time(
    sim: Sim, to: str, ending: tuple[str, str, float]
) -> None:
    final, error, at = ending
    message_id = await send_one(sim, to)
    await sim.advance(at - 0.01)
    assert await sim.reports() == []
    await sim.advance(0.01)
    [report] = await sim.reports()
    assert (report["messageId"], report["status"]["name"]) == (message_id, final)
    assert report["error"]["name"] == error
    detail = await sim.message(message_id)
    assert timeline(detail) == [("PENDING_ACCEPTED", 0.0), ("PENDING_ENROUTE", 0.3), (final, at)]
    await sim.advance(24 * 3600)
    assert (await sim.message(message_id))["status"]["name"] == final


async def test_absent_subscriber_error_is_the_catalogues(sim: Sim) -> None:
    await send_one(sim, "41799990002")
    await sim.advance(2)
    [report] = await sim.reports()
    assert report["status"] == {
        "groupId": 2,
        "groupName": "UNDELIVERABLE",
        "id": 9,
        "name": "UNDELIVERABLE_NOT_DELIVERED",
        "description": "Message sent not delivered",
    }
    assert report["error"] == {
        "groupId": 1,
        "groupName": "HANDSET_ERRORS",
        "id": 27,
        "name": "EC_ABSENT_SUBSCRIBER",
        "description": "Absent subscriber",
        "permanent": False,
    }


async def test_rejected_destination_is_rejected_in_the_send_response(sim: Sim) -> None:
    sent = await sim.send(REJECTED, ORDINARY)
    statuses = [m["status"]["name"] for m in sent["messages"]]
    assert statuses == ["REJECTED_DESTINATION_BLOCKLISTED", "PENDING_ACCEPTED"]
    [report] = await sim.reports()
    assert report["status"]["name"] == "REJECTED_DESTINATION_BLOCKLISTED"
    assert report["price"] == {"pricePerMessage": 0.0, "currency": "EUR"}


async def test_stuck_pending_never_ends_unless_its_validity_does(sim: Sim) -> None:
    stuck = await send_one(sim, PENDING)
    bounded = await send_one(sim, PENDING, options={"validityPeriod": {"amount": 1}})
    await sim.advance(47 * 3600)
    assert timeline(await sim.message(stuck)) == [
        ("PENDING_ACCEPTED", 0.0),
        ("PENDING_ENROUTE", 0.3),
    ]
    [report] = await sim.reports()
    assert (report["messageId"], report["status"]["name"]) == (bounded, "EXPIRED_EXPIRED")
    assert timeline(await sim.message(bounded))[-1] == ("EXPIRED_EXPIRED", 60.0)


async def test_delivered_to_operator_is_reported_once_and_stays(sim: Sim) -> None:
    message_id = await send_one(sim, "41799990007")
    await sim.advance(3600)
    [report] = await sim.reports()
    assert report["status"]["groupName"] == "DELIVERED"
    assert (await sim.message(message_id))["status"]["name"] == "DELIVERED_TO_OPERATOR"


@pytest.mark.parametrize(
    ("path", "body", "expected"),
    [
        ("/sms/3/messages", "v3", {"errorCode": "E429"}),
        ("/sms/2/text/advanced", "v2", {"messageId": "TOO_MANY_REQUESTS"}),
    ],
)
async def test_429_number_fails_the_whole_request(
    sim: Sim, path: str, body: str, expected: dict[str, str]
) -> None:
    destinations = [{"to": ORDINARY}, {"to": TOO_MANY}]
    payload: dict[str, Any] = (
        {"messages": [{"destinations": destinations, "content": {"text": "Hi"}}]}
        if body == "v3"
        else {"messages": [{"destinations": destinations, "text": "Hi"}]}
    )
    response = await sim.client.post(path, json=payload, headers=sim.auth)
    assert response.status == 429
    assert response.headers["Retry-After"] == "1"
    answer = await response.json()
    error = answer if body == "v3" else answer["requestError"]["serviceException"]
    assert expected.items() <= error.items()
    assert await stored(sim) == []


async def test_500_number_answers_general_error(sim: Sim) -> None:
    failed = await sim.call(
        "POST",
        "/sms/3/messages",
        json={"messages": [{"destinations": [{"to": SERVER_ERROR}], "content": {"text": "x"}}]},
        expect=500,
    )
    assert failed["errorCode"] == "E500"
    legacy = await sim.call(
        "POST", "/sms/1/text/single", json={"to": SERVER_ERROR, "text": "x"}, expect=500
    )
    assert legacy["requestError"]["serviceException"]["messageId"] == "GENERAL_ERROR"
    assert await stored(sim) == []


async def test_timeout_number_holds_then_drops_the_connection(sim: Sim) -> None:
    payload = {"messages": [{"destinations": [{"to": TIMEOUT}], "content": {"text": "x"}}]}
    started = time.monotonic()
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await sim.client.post("/sms/3/messages", json=payload, headers=sim.auth)
    assert time.monotonic() - started >= HOLD_SECONDS
    assert await stored(sim) == []


async def test_ordinary_numbers_still_take_the_default_path(sim: Sim) -> None:
    message_id = await send_one(sim, ORDINARY)
    await sim.advance(1.2)
    assert timeline(await sim.message(message_id)) == [
        ("PENDING_ACCEPTED", 0.0),
        ("PENDING_ENROUTE", 0.3),
        ("DELIVERED_TO_HANDSET", 1.2),
    ]


def test_every_magic_number_is_documented() -> None:
    docs = DOCS.read_text()
    for number in [*ENDINGS, REJECTED, PENDING, TOO_MANY, SERVER_ERROR, TIMEOUT]:
        assert f"`{number}`" in docs
