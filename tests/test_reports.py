"""Delivery report pulls: ``GET /sms/3/reports`` and ``GET /sms/1/reports`` (CONTRACT.md 4.1, 4.2).

Reports are fetch-once per account, appear only once a message is final (or rejected at once),
honour the filters and ``limit`` (default 50, max 1000) and are kept 48 virtual hours.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from conftest import Sim

TO = "41793026727"
TO_2 = "41793026728"
DELIVERY_SECONDS = 1.2  # the default path: PENDING_ENROUTE at 0.3 s, DELIVERED_TO_HANDSET at 1.2 s
SETTLE = 5  # comfortably past the final status
RETENTION = 48 * 3600
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$")

PRICE = {"pricePerMessage": 0.01, "currency": "EUR"}
DELIVERED = {
    "groupId": 3,
    "groupName": "DELIVERED",
    "id": 5,
    "name": "DELIVERED_TO_HANDSET",
    "description": "Message delivered to handset",
}
REJECTED_DESTINATION = {
    "groupId": 5,
    "groupName": "REJECTED",
    "id": 52,
    "name": "REJECTED_DESTINATION",
    "description": "Invalid destination address",
}
NO_ERROR_V3 = {
    "groupId": 0,
    "groupName": "OK",
    "id": 0,
    "name": "NO_ERROR",
    "description": "No Error",
    "permanent": False,
}
NO_ERROR_V1 = {**NO_ERROR_V3, "groupName": "Ok"}


def infobip_time(epoch_ms: int) -> str:
    """``2019-11-09T16:00:00.000+0000`` for a UTC instant given in epoch milliseconds."""
    moment = datetime.fromtimestamp(epoch_ms // 1000, UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{epoch_ms % 1000:03d}+0000"


async def now_ms(sim: Sim) -> int:
    clock = await sim.call("GET", "/simulator/clock")
    now: int = clock["nowEpochMs"]
    return now


async def send_v2(sim: Sim, *destinations: str, text: str = "Hello", **message: Any) -> Any:
    """POST /sms/2/text/advanced with one message to ``destinations``."""
    payload = {
        "messages": [{"destinations": [{"to": to} for to in destinations], "text": text, **message}]
    }
    return await sim.call("POST", "/sms/2/text/advanced", json=payload)


def ids(results: list[Any]) -> list[str]:
    return [r["messageId"] for r in results]


def sent_ids(sent: Any) -> list[str]:
    return [m["messageId"] for m in sent["messages"]]


def many(count: int) -> list[str]:
    return [str(41790000000 + i) for i in range(count)]


# --- shapes -------------------------------------------------------------------------------------


async def test_v3_report_shape(sim: Sim) -> None:
    sent_at = await now_ms(sim)
    sent = await sim.send(TO, sender="MyBrand")
    await sim.advance(SETTLE)

    assert await sim.reports() == [
        {
            "bulkId": sent["bulkId"],
            "price": PRICE,
            "status": DELIVERED,
            "error": NO_ERROR_V3,
            "messageId": sent_ids(sent)[0],
            "to": TO,
            "sender": "MyBrand",
            "sentAt": infobip_time(sent_at),
            "doneAt": infobip_time(sent_at + round(DELIVERY_SECONDS * 1000)),
            "messageCount": 1,
            "mccMnc": "22801",
        }
    ]


async def test_v3_report_carries_platform_and_campaign(sim: Sim) -> None:
    platform = {"entityId": "promo-entity", "applicationId": "marketing-app"}
    options = {"platform": platform, "campaignReferenceId": "summer"}
    await sim.send(TO, options=options)
    await sim.advance(SETTLE)

    [report] = await sim.reports()

    assert report["platform"] == platform
    assert report["campaignReferenceId"] == "summer"


async def test_v1_report_shape(sim: Sim) -> None:
    sent_at = await now_ms(sim)
    sent = await send_v2(sim, TO, **{"from": "MyBrand"})
    await sim.advance(SETTLE)

    assert await sim.reports(1) == [
        {
            "bulkId": sent["bulkId"],
            "messageId": sent_ids(sent)[0],
            "to": TO,
            "from": "MyBrand",
            "sentAt": infobip_time(sent_at),
            "doneAt": infobip_time(sent_at + round(DELIVERY_SECONDS * 1000)),
            "smsCount": 1,
            "mccMnc": "22801",
            "price": PRICE,
            "status": DELIVERED,
            "error": NO_ERROR_V1,
        }
    ]


async def test_v1_report_carries_platform_and_campaign_flat(sim: Sim) -> None:
    fields = {"entityId": "promo-entity", "applicationId": "marketing-app"}
    await send_v2(sim, TO, campaignReferenceId="summer", **fields)
    await sim.advance(SETTLE)

    [report] = await sim.reports(1)

    assert {k: report[k] for k in ("entityId", "applicationId", "campaignReferenceId")} == {
        **fields,
        "campaignReferenceId": "summer",
    }
    assert "platform" not in report


@pytest.mark.parametrize("version", [3, 1])
async def test_timestamps_use_infobip_format(sim: Sim, version: int) -> None:
    await sim.send(TO)
    await send_v2(sim, TO)
    await sim.advance(SETTLE)

    reports = await sim.reports(version)

    assert len(reports) == 2
    for report in reports:
        assert TIMESTAMP.match(report["sentAt"]), report["sentAt"]
        assert TIMESTAMP.match(report["doneAt"]), report["doneAt"]


@pytest.mark.parametrize("version", [3, 1])
async def test_price_is_in_eur(sim: Sim, version: int) -> None:
    await sim.send(TO)
    await sim.advance(SETTLE)

    [report] = await sim.reports(version)

    assert report["price"] == {"pricePerMessage": 0.01, "currency": "EUR"}


async def test_v3_callback_data_passes_through(sim: Sim) -> None:
    await sim.send(TO, webhooks={"callbackData": "order=42"})
    await sim.advance(SETTLE)

    [report] = await sim.reports()

    assert report["callbackData"] == "order=42"


async def test_v2_callback_data_passes_through(sim: Sim) -> None:
    await send_v2(sim, TO, callbackData="order=43")
    await sim.advance(SETTLE)

    [report] = await sim.reports(1)

    assert report["callbackData"] == "order=43"


# --- fetch-once and accounts --------------------------------------------------------------------


@pytest.mark.parametrize("version", [3, 1])
async def test_reports_are_fetched_once(sim: Sim, version: int) -> None:
    sent = await sim.send(TO, TO_2)
    await sim.advance(SETTLE)

    assert sorted(ids(await sim.reports(version))) == sorted(sent_ids(sent))
    assert await sim.reports(version) == []


async def test_accounts_never_see_each_others_reports(sim: Sim) -> None:
    alice, bob = sim.as_key("alice"), sim.as_key("bob")
    from_alice = await alice.send(TO)
    from_bob = await bob.send(TO_2)
    await sim.advance(SETTLE)

    assert ids(await bob.reports()) == sent_ids(from_bob)
    assert ids(await alice.reports()) == sent_ids(from_alice)
    assert await bob.reports() == []


# --- when a report exists -----------------------------------------------------------------------


async def test_no_report_before_the_message_is_final(sim: Sim) -> None:
    [message_id] = sent_ids(await sim.send(TO))
    await sim.advance(0.5)

    assert (await sim.message(message_id))["status"]["name"] == "PENDING_ENROUTE"
    assert await sim.reports() == []

    await sim.advance(1.0)
    [report] = await sim.reports()
    assert report["status"] == DELIVERED


async def test_rejected_destination_is_reported_at_once(sim: Sim) -> None:
    sent = await sim.send(TO, "abc")
    rejected_id = sent_ids(sent)[1]

    [report] = await sim.reports()

    assert report["messageId"] == rejected_id
    assert report["to"] == "abc"
    assert report["status"] == REJECTED_DESTINATION
    assert report["doneAt"] == report["sentAt"]


async def test_reports_older_than_48_hours_are_gone(sim: Sim) -> None:
    await sim.send(TO)
    await sim.advance(SETTLE)  # delivered: its report is now SETTLE - 1.2 seconds old
    await sim.advance(RETENTION + 1)

    assert await sim.reports() == []


async def test_reports_younger_than_48_hours_are_kept(sim: Sim) -> None:
    sent = await sim.send(TO)
    await sim.advance(SETTLE)
    await sim.advance(RETENTION - SETTLE)  # the report is 48 h - 1.2 s old

    assert ids(await sim.reports()) == sent_ids(sent)


# --- filters --------------------------------------------------------------------------------------

V3_FILTERS = [
    pytest.param("entityId", "ent-a", {"platform": {"entityId": "ent-a"}},
                 {"platform": {"entityId": "ent-b"}}, id="entityId"),
    pytest.param("applicationId", "app-a", {"platform": {"applicationId": "app-a"}},
                 {"platform": {"applicationId": "app-b"}}, id="applicationId"),
    pytest.param("campaignReferenceId", "camp-a", {"campaignReferenceId": "camp-a"},
                 {"campaignReferenceId": "camp-b"}, id="campaignReferenceId"),
]  # fmt: skip

V2_FILTERS = [
    pytest.param("entityId", "ent-a", {"entityId": "ent-a"}, {"entityId": "ent-b"}, id="entityId"),
    pytest.param("applicationId", "app-a", {"applicationId": "app-a"},
                 {"applicationId": "app-b"}, id="applicationId"),
    pytest.param("campaignReferenceId", "camp-a", {"campaignReferenceId": "camp-a"},
                 {"campaignReferenceId": "camp-b"}, id="campaignReferenceId"),
]  # fmt: skip


@pytest.mark.parametrize(("param", "value", "matching", "other"), V3_FILTERS)
async def test_v3_filter_takes_only_matching_reports(
    sim: Sim, param: str, value: str, matching: Any, other: Any
) -> None:
    wanted = sent_ids(await sim.send(TO, options=matching))
    left = sent_ids(await sim.send(TO, options=other)) + sent_ids(await sim.send(TO))
    await sim.advance(SETTLE)

    assert ids(await sim.reports(**{param: value})) == wanted
    assert sorted(ids(await sim.reports())) == sorted(left)


@pytest.mark.parametrize(("param", "value", "matching", "other"), V2_FILTERS)
async def test_v1_filter_takes_only_matching_reports(
    sim: Sim, param: str, value: str, matching: Any, other: Any
) -> None:
    wanted = sent_ids(await send_v2(sim, TO, **matching))
    left = sent_ids(await send_v2(sim, TO, **other)) + sent_ids(await send_v2(sim, TO))
    await sim.advance(SETTLE)

    assert ids(await sim.reports(1, **{param: value})) == wanted
    assert sorted(ids(await sim.reports(1))) == sorted(left)


@pytest.mark.parametrize("version", [3, 1])
async def test_bulk_id_filter_leaves_other_bulks_queued(sim: Sim, version: int) -> None:
    first = await sim.send(TO, TO_2)
    second = await sim.send(TO)
    await sim.advance(SETTLE)

    taken = await sim.reports(version, bulkId=first["bulkId"])

    assert sorted(ids(taken)) == sorted(sent_ids(first))
    assert {r["bulkId"] for r in taken} == {first["bulkId"]}
    assert ids(await sim.reports(version)) == sent_ids(second)


@pytest.mark.parametrize("version", [3, 1])
async def test_message_id_filter_leaves_other_messages_queued(sim: Sim, version: int) -> None:
    first, second = sent_ids(await sim.send(TO, TO_2))
    await sim.advance(SETTLE)

    assert ids(await sim.reports(version, messageId=second)) == [second]
    assert ids(await sim.reports(version)) == [first]


async def test_filters_combine(sim: Sim) -> None:
    both = {"platform": {"entityId": "ent-a", "applicationId": "app-a"}}
    wanted = sent_ids(await sim.send(TO, options=both))
    await sim.send(TO, options={"platform": {"entityId": "ent-a", "applicationId": "app-b"}})
    await sim.advance(SETTLE)

    assert ids(await sim.reports(entityId="ent-a", applicationId="app-a")) == wanted


# --- limit ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", [3, 1])
async def test_default_limit_is_50(sim: Sim, version: int) -> None:
    sent = sent_ids(await sim.send(*many(60)))
    await sim.advance(SETTLE)

    first = ids(await sim.reports(version))
    second = ids(await sim.reports(version))

    assert (len(first), len(second)) == (50, 10)
    assert sorted(first + second) == sorted(sent)
    assert await sim.reports(version) == []


async def test_small_limit_is_honoured(sim: Sim) -> None:
    await sim.send(*many(5))
    await sim.advance(SETTLE)

    assert len(await sim.reports(limit="3")) == 3
    assert len(await sim.reports(limit="3")) == 2


async def test_limit_1000_is_honoured(sim: Sim) -> None:
    sent = sent_ids(await sim.send(*many(1001)))
    await sim.advance(SETTLE)

    first = ids(await sim.reports(limit="1000"))
    rest = ids(await sim.reports(limit="1000"))

    assert (len(first), len(rest)) == (1000, 1)
    assert sorted(first + rest) == sorted(sent)


@pytest.mark.parametrize("version", [3, 1])
async def test_limit_above_1000_is_clamped_to_1000(sim: Sim, version: int) -> None:
    await sim.send(*many(1001))
    await sim.advance(SETTLE)

    assert len(await sim.reports(version, limit="5000")) == 1000
    assert len(await sim.reports(version, limit="5000")) == 1
