"""Scheduled bulks: ``/sms/1/bulks`` and ``/sms/1/bulks/status``, sendAt holding and pacing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from conftest import Sim
from infobip_api_client import SmsBulkRequest, SmsBulkStatus, SmsUpdateStatusRequest
from infobip_api_client.exceptions import NotFoundException
from test_python_sdk import _remote

from simulator.api.timefmt import infobip_time
from simulator.domain.clock import ClockSpec
from simulator.settings import Settings

BULKS = "/sms/1/bulks"
STATUS = "/sms/1/bulks/status"
NOT_FOUND = {
    "requestError": {"serviceException": {"messageId": "NOT_FOUND", "text": "Bulk not found"}}
}
TO = "41793026727"


async def now(sim: Sim) -> float:
    return float((await sim.call("GET", "/simulator/clock"))["nowEpochMs"]) / 1000


async def schedule(
    sim: Sim, in_seconds: float, *destinations: str, bulk_id: str = "BULK-ID-123-xyz", **extra: Any
) -> Any:
    send_at = infobip_time(await now(sim) + in_seconds)
    body = {
        "messages": [
            {
                "destinations": [{"to": to} for to in destinations or (TO,)],
                "content": {"text": "Hi"},
            }
        ],
        "options": {"schedule": {"bulkId": bulk_id, "sendAt": send_at, **extra}},
    }
    return await sim.call("POST", "/sms/3/messages", json=body)


async def bulk_status(sim: Sim, bulk_id: str = "BULK-ID-123-xyz") -> str:
    status: str = (await sim.call("GET", STATUS, params={"bulkId": bulk_id}))["status"]
    return status


async def set_status(sim: Sim, status: str, expect: int = 200) -> Any:
    params = {"bulkId": "BULK-ID-123-xyz"}
    return await sim.call("PUT", STATUS, json={"status": status}, params=params, expect=expect)


async def statuses(sim: Sim, sent: Any) -> list[str]:
    return [(await sim.message(m["messageId"]))["status"]["name"] for m in sent["messages"]]


async def test_scheduled_bulk_is_read_in_the_official_shape(sim: Sim) -> None:
    sent = await schedule(sim, 3600)
    send_at = infobip_time(await now(sim) + 3600)

    assert sent["bulkId"] == "BULK-ID-123-xyz"
    assert await sim.call("GET", BULKS, params={"bulkId": "BULK-ID-123-xyz"}) == {
        "bulkId": "BULK-ID-123-xyz",
        "sendAt": send_at,
    }
    assert await sim.call("GET", STATUS, params={"bulkId": "BULK-ID-123-xyz"}) == {
        "bulkId": "BULK-ID-123-xyz",
        "status": "PENDING",
    }


async def test_messages_wait_for_send_at_then_the_bulk_finishes(sim: Sim) -> None:
    sent = await schedule(sim, 3600)
    await sim.advance(3599)
    assert await statuses(sim, sent) == ["PENDING_ACCEPTED"]

    await sim.advance(1)
    assert await bulk_status(sim) == "FINISHED"
    await sim.advance(2)
    assert await statuses(sim, sent) == ["DELIVERED_TO_HANDSET"]


async def test_reschedule_moves_the_held_messages(sim: Sim) -> None:
    sent = await schedule(sim, 3600)
    new_time = infobip_time(await now(sim) + 7200)

    body = await sim.call(
        "PUT", BULKS, params={"bulkId": "BULK-ID-123-xyz"}, json={"sendAt": new_time}
    )

    assert body == {"bulkId": "BULK-ID-123-xyz", "sendAt": new_time}
    await sim.advance(3700)
    assert await statuses(sim, sent) == ["PENDING_ACCEPTED"]
    await sim.advance(3600)
    message = await sim.message(sent["messages"][0]["messageId"])
    assert message["status"]["name"] == "DELIVERED_TO_HANDSET"
    assert message["sentAt"] == new_time


async def test_reschedule_more_than_180_days_ahead_is_a_bad_request(sim: Sim) -> None:
    await schedule(sim, 3600)
    too_late = infobip_time(await now(sim) + 181 * 86400)

    body = await sim.call(
        "PUT", BULKS, params={"bulkId": "BULK-ID-123-xyz"}, json={"sendAt": too_late}, expect=400
    )

    errors = body["requestError"]["serviceException"]["validationErrors"]
    assert errors == {"sendAt": ["must be at most 180 days in advance"]}


async def test_pause_holds_the_bulk_past_send_at_and_resume_sends_at_once(sim: Sim) -> None:
    sent = await schedule(sim, 60)
    assert await set_status(sim, "PAUSED") == {"bulkId": "BULK-ID-123-xyz", "status": "PAUSED"}
    await sim.advance(600)
    assert await statuses(sim, sent) == ["PENDING_ACCEPTED"]

    assert (await set_status(sim, "PENDING"))["status"] == "FINISHED"
    await sim.advance(2)
    assert await statuses(sim, sent) == ["DELIVERED_TO_HANDSET"]


async def test_resume_before_send_at_waits_for_it(sim: Sim) -> None:
    await schedule(sim, 600)
    await set_status(sim, "PAUSED")
    await sim.advance(60)

    assert (await set_status(sim, "PROCESSING"))["status"] == "PENDING"
    await sim.advance(540)
    assert await bulk_status(sim) == "FINISHED"


async def test_cancel_ends_every_message_with_a_final_report(sim: Sim) -> None:
    sent = await schedule(sim, 3600, TO, "41793026728")

    assert (await set_status(sim, "CANCELED"))["status"] == "CANCELED"

    reports = await sim.reports()
    assert {r["messageId"] for r in reports} == {m["messageId"] for m in sent["messages"]}
    for report in reports:
        assert report["status"]["name"] == "UNDELIVERABLE_NOT_SENT"
        assert report["error"]["name"] == "EC_MESSAGE_CANCELED"
    await sim.advance(7200)
    assert await statuses(sim, sent) == ["UNDELIVERABLE_NOT_SENT"] * 2


async def test_illegal_transitions_are_bad_requests(sim: Sim) -> None:
    await schedule(sim, 60)
    body = await set_status(sim, "FINISHED", expect=400)
    assert body["requestError"]["serviceException"] == {
        "messageId": "BAD_REQUEST",
        "text": "Bulk status cannot change from PENDING to FINISHED",
    }
    await sim.advance(60)
    for wanted in ("PAUSED", "PENDING", "CANCELED"):
        body = await set_status(sim, wanted, expect=400)
        assert body["requestError"]["serviceException"]["text"] == (
            f"Bulk status cannot change from FINISHED to {wanted}"
        )
    body = await sim.call(
        "PUT",
        BULKS,
        params={"bulkId": "BULK-ID-123-xyz"},
        json={"sendAt": infobip_time(await now(sim))},
        expect=400,
    )
    assert body["requestError"]["serviceException"]["text"] == (
        "Bulk in status FINISHED cannot be rescheduled"
    )


async def test_asking_for_the_current_status_changes_nothing(sim: Sim) -> None:
    await schedule(sim, 60)
    assert (await set_status(sim, "PENDING"))["status"] == "PENDING"


async def test_unknown_bulk_is_not_found_on_all_four_operations(sim: Sim) -> None:
    params = {"bulkId": "nope"}
    assert await sim.call("GET", BULKS, params=params, expect=404) == NOT_FOUND
    assert await sim.call("GET", STATUS, params=params, expect=404) == NOT_FOUND
    body = {"sendAt": "2021-08-25T16:00:00.000+0000"}
    assert await sim.call("PUT", BULKS, params=params, json=body, expect=404) == NOT_FOUND
    body = {"status": "PAUSED"}
    assert await sim.call("PUT", STATUS, params=params, json=body, expect=404) == NOT_FOUND


async def test_bulks_belong_to_their_account(sim: Sim) -> None:
    await schedule(sim, 60)
    other = sim.as_key("someone-else")
    await other.call("GET", BULKS, params={"bulkId": "BULK-ID-123-xyz"}, expect=404)


async def test_a_bulk_whose_messages_are_all_rejected_failed(sim: Sim) -> None:
    await schedule(sim, 60, "not-a-number")
    assert await bulk_status(sim) == "FAILED"


async def test_speed_limit_sends_groups_per_time_unit(sim: Sim) -> None:
    destinations = [f"4179302{n:04d}" for n in range(25)]
    start = await now(sim)
    sent = await schedule(
        sim, 0, *destinations, sendingSpeedLimit={"amount": 10, "timeUnit": "MINUTE"}
    )

    assert await bulk_status(sim) == "PROCESSING"
    await sim.advance(60)
    assert await bulk_status(sim) == "PROCESSING"
    await sim.advance(60)
    assert await bulk_status(sim) == "FINISHED"
    await sim.advance(2)
    messages = [await sim.message(m["messageId"]) for m in sent["messages"]]
    sent_at = sorted(m["sentAt"] for m in messages)
    expected = [infobip_time(start + 60 * (n // 10)) for n in range(25)]
    assert sent_at == expected
    assert {m["status"]["name"] for m in messages} == {"DELIVERED_TO_HANDSET"}


async def test_pausing_a_paced_bulk_holds_the_rest_and_keeps_the_pace(sim: Sim) -> None:
    destinations = [f"4179302{n:04d}" for n in range(4)]
    start = await now(sim)
    limit = {"amount": 2, "timeUnit": "HOUR"}
    sent = await schedule(sim, 0, *destinations, sendingSpeedLimit=limit)
    await set_status(sim, "PAUSED")
    await sim.advance(7200)
    assert sorted(await statuses(sim, sent)).count("PENDING_ACCEPTED") == 2

    await set_status(sim, "PENDING")
    await sim.advance(2)
    messages = [await sim.message(m["messageId"]) for m in sent["messages"]]
    assert sorted(m["sentAt"] for m in messages)[2:] == [infobip_time(start + 7200)] * 2


async def test_v2_speed_limit_without_send_at_makes_a_bulk(sim: Sim) -> None:
    body = {
        "bulkId": "v2-paced",
        "messages": [{"destinations": [{"to": TO}, {"to": "41793026728"}], "text": "Hi"}],
        "sendingSpeedLimit": {"amount": 1, "timeUnit": "DAY"},
    }
    await sim.call("POST", "/sms/2/text/advanced", json=body)
    assert await bulk_status(sim, "v2-paced") == "PROCESSING"
    await sim.advance(86400)
    assert await bulk_status(sim, "v2-paced") == "FINISHED"


async def test_v2_send_at_and_query_send_at_make_bulks(sim: Sim) -> None:
    send_at = infobip_time(await now(sim) + 600)
    body = {
        "bulkId": "v2",
        "messages": [{"destinations": [{"to": TO}], "text": "Hi", "sendAt": send_at}],
    }
    await sim.call("POST", "/sms/2/text/advanced", json=body)
    params = {"to": TO, "text": "Hi", "sendAt": send_at, "bulkId": "q3"}
    await sim.call("GET", "/sms/3/text/query", params=params)

    for bulk_id in ("v2", "q3"):
        assert (await sim.call("GET", BULKS, params={"bulkId": bulk_id}))["sendAt"] == send_at


async def test_plain_sends_make_no_bulk(sim: Sim) -> None:
    sent = await sim.send(TO)
    await sim.call("GET", BULKS, params={"bulkId": sent["bulkId"]}, expect=404)


async def test_validity_counts_from_send_at_while_paused(sim: Sim) -> None:
    send_at = infobip_time(await now(sim) + 60)
    body = {
        "messages": [
            {
                "destinations": [{"to": TO}],
                "content": {"text": "Hi"},
                "options": {"validityPeriod": {"amount": 10, "timeUnit": "MINUTES"}},
            }
        ],
        "options": {"schedule": {"bulkId": "BULK-ID-123-xyz", "sendAt": send_at}},
    }
    sent = await sim.call("POST", "/sms/3/messages", json=body)
    await set_status(sim, "PAUSED")
    await sim.advance(3600)
    await set_status(sim, "PENDING")

    message = await sim.message(sent["messages"][0]["messageId"])
    assert message["status"]["name"] == "PENDING_ACCEPTED"
    await sim.advance(0)
    message = await sim.message(sent["messages"][0]["messageId"])
    assert message["status"]["name"] == "EXPIRED_EXPIRED"
    assert message["error"]["name"] == "EC_VALIDITY_EXPIRED"


async def test_the_official_python_sdk_manages_a_bulk(
    aiohttp_server: Any, aiohttp_client: Any
) -> None:
    remote = await _remote(aiohttp_server, aiohttp_client, Settings(clock=ClockSpec("manual")))
    try:
        await schedule(remote.sim, 3600)
        api = remote.api()
        later = datetime.fromtimestamp(await now(remote.sim) + 7200, UTC)

        read = await remote.run(api.get_scheduled_sms_messages, "BULK-ID-123-xyz")
        moved = await remote.run(
            api.reschedule_sms_messages, "BULK-ID-123-xyz", SmsBulkRequest(send_at=later)
        )
        state = await remote.run(api.get_scheduled_sms_messages_status, "BULK-ID-123-xyz")
        paused = await remote.run(
            api.update_scheduled_sms_messages_status,
            "BULK-ID-123-xyz",
            SmsUpdateStatusRequest(status=SmsBulkStatus.PAUSED),
        )
        with pytest.raises(NotFoundException):
            await remote.run(api.get_scheduled_sms_messages, "nope")
    finally:
        remote.close()

    assert read.bulk_id == "BULK-ID-123-xyz"
    assert moved.send_at == later
    assert state.status == SmsBulkStatus.PENDING
    assert paused.status == SmsBulkStatus.PAUSED
