"""The official Python SDK (infobip-api-python-client 6.0.0) works unchanged against the simulator.

The simulator listens on a real port (pytest-aiohttp's ``aiohttp_server``). The SDK is
synchronous (urllib3), so each SDK call runs in a worker thread through ``asyncio.to_thread``
while the event loop keeps serving; the manual clock is moved with plain aiohttp calls.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest
from aiohttp.test_utils import TestServer
from conftest import Sim
from infobip_api_client import (
    ApiClient,
    ApiError,
    Configuration,
    MessageGeneralStatus,
    SmsApi,
    SmsDestination,
    SmsMessage,
    SmsMessageContent,
    SmsMessageRequestOptions,
    SmsRequest,
    SmsTextContent,
)
from infobip_api_client.exceptions import ApiException, UnauthorizedException

from simulator.app import create_app
from simulator.domain.clock import ClockSpec
from simulator.settings import Settings

T = TypeVar("T")
TO_A, TO_B = "41793026727", "41793026728"


class Remote:
    """One account on a simulator listening on a real port: the SDK, and aiohttp for the clock."""

    def __init__(self, server: TestServer, sim: Sim) -> None:
        self.server = server
        self.sim = sim
        self._clients: list[ApiClient] = []

    @property
    def host(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    def api(self, key: str | None = None, config: Configuration | None = None) -> SmsApi:
        """The SDK as 6.0.0 recommends configuring it: the key alone, prefix ``App`` implied."""
        client = ApiClient(config or Configuration(host=self.host, api_key=key or self.sim.key))
        self._clients.append(client)
        return SmsApi(client)

    async def run(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a blocking SDK call off the event loop, so the server can answer it."""
        return await asyncio.to_thread(call, *args, **kwargs)

    def close(self) -> None:
        for client in self._clients:
            client.rest_client.pool_manager.clear()


async def _remote(aiohttp_server: Any, aiohttp_client: Any, settings: Settings) -> Remote:
    server = await aiohttp_server(create_app(settings))
    client = await aiohttp_client(server)
    return Remote(server, Sim(client, f"sdk-{uuid.uuid4().hex[:8]}"))


@pytest.fixture
async def remote(aiohttp_server: Any, aiohttp_client: Any) -> AsyncIterator[Remote]:
    r = await _remote(aiohttp_server, aiohttp_client, Settings(clock=ClockSpec("manual")))
    yield r
    r.close()


@pytest.fixture
async def strict_remote(aiohttp_server: Any, aiohttp_client: Any) -> AsyncIterator[Remote]:
    settings = Settings(clock=ClockSpec("manual"), api_keys=("good",))
    r = await _remote(aiohttp_server, aiohttp_client, settings)
    yield r
    r.close()


def sms_request(*destinations: str, sender: str | None = None, with_count: bool = True) -> Any:
    message = SmsMessage(
        sender=sender,
        destinations=[SmsDestination(to=to) for to in destinations],
        content=SmsMessageContent(SmsTextContent(text="Hello from Python")),
    )
    options = SmsMessageRequestOptions(include_sms_count_in_response=True) if with_count else None
    return SmsRequest(messages=[message], options=options)


async def now_ms(remote: Remote) -> int:
    clock = await remote.sim.call("GET", "/simulator/clock")
    now: int = clock["nowEpochMs"]
    return now


async def send_two(remote: Remote) -> Any:
    api = remote.api()
    return await remote.run(api.send_sms_messages, sms_request(TO_A, TO_B))


async def test_send_is_parsed_by_the_sdk(remote: Remote) -> None:
    response = await send_two(remote)

    assert response.bulk_id
    assert [m.destination for m in response.messages] == [TO_A, TO_B]
    assert len({m.message_id for m in response.messages}) == 2
    for message in response.messages:
        assert message.status.name == "PENDING_ACCEPTED"
        assert message.status.group_name.value == "PENDING"
        assert message.status.group_id == 1
        assert message.details.message_count == 1


async def test_delivery_reports_are_parsed_and_fetched_once(remote: Remote) -> None:
    sent = await send_two(remote)
    await remote.sim.advance(5)
    api = remote.api()

    result = await remote.run(api.get_outbound_sms_message_delivery_reports)

    reports = {r.message_id: r for r in result.results}
    assert set(reports) == {m.message_id for m in sent.messages}
    for report in reports.values():
        assert report.bulk_id == sent.bulk_id
        assert report.status.name == "DELIVERED_TO_HANDSET"
        assert report.status.group_name.value == "DELIVERED"
        assert report.error.name == "NO_ERROR"
        assert report.error.group_name.value == "OK"
        assert report.message_count == 1
        assert report.price.currency == "EUR"
        assert isinstance(report.sent_at, datetime)
        assert isinstance(report.done_at, datetime)
        assert report.done_at > report.sent_at
    again = await remote.run(api.get_outbound_sms_message_delivery_reports)
    assert again.results == []


async def test_logs_filtered_by_message_id_are_parsed(remote: Remote) -> None:
    sent = await send_two(remote)
    await remote.sim.advance(5)
    wanted = sent.messages[1].message_id
    api = remote.api()

    logs = await remote.run(api.get_outbound_sms_message_logs, message_id=[wanted])

    assert [log.message_id for log in logs.results] == [wanted]
    log = logs.results[0]
    assert log.destination == TO_B
    assert log.bulk_id == sent.bulk_id
    assert log.status.name == "DELIVERED_TO_HANDSET"
    assert log.content.actual_instance.text == "Hello from Python"
    assert log.mcc_mnc == "22801"
    assert isinstance(log.sent_at, datetime)
    assert log.done_at > log.sent_at


async def test_log_filters_serialized_by_the_sdk_are_understood(remote: Remote) -> None:
    """The SDK sends lists repeated and times as ``...%f%z`` (``+0000`` percent-encoded)."""
    api = remote.api()
    early = await remote.run(api.send_sms_messages, sms_request(TO_A))
    await remote.sim.advance(10)
    boundary = datetime.fromtimestamp((await now_ms(remote)) / 1000 - 5, UTC)
    late = await send_two(remote)
    await remote.sim.advance(5)

    logs = await remote.run(
        api.get_outbound_sms_message_logs,
        bulk_id=[early.bulk_id, late.bulk_id],
        general_status=MessageGeneralStatus.DELIVERED,
        sent_since=boundary,
    )

    assert sorted(log.message_id for log in logs.results) == sorted(
        m.message_id for m in late.messages
    )
    logs = await remote.run(api.get_outbound_sms_message_logs, sent_until=boundary)
    assert [log.message_id for log in logs.results] == [early.messages[0].message_id]


async def test_log_cursor_paging_through_the_sdk(remote: Remote) -> None:
    sent = await send_two(remote)
    api = remote.api()

    first = await remote.run(api.get_outbound_sms_message_logs, use_cursor=True, limit=1)
    assert first.cursor.limit == 1
    assert first.cursor.next_cursor
    second = await remote.run(
        api.get_outbound_sms_message_logs,
        use_cursor=True,
        limit=1,
        cursor=first.cursor.next_cursor,
    )

    newest_first = [m.message_id for m in reversed(sent.messages)]
    assert [first.results[0].message_id, second.results[0].message_id] == newest_first
    assert second.cursor.next_cursor is None


async def test_invalid_send_raises_api_exception_with_api_error_body(remote: Remote) -> None:
    api = remote.api()

    with pytest.raises(ApiException) as caught:
        await remote.run(api.send_sms_messages, sms_request(TO_A, sender="X"))

    assert caught.value.status == 400
    error = ApiError.from_json(caught.value.body)
    assert error.error_code == "E400"
    assert error.description == "Request cannot be processed."
    assert error.action == "Check the syntax, violations and adjust the request."
    assert [v.var_property for v in error.violations] == ["messages[0].sender"]
    assert error.resources == []


async def test_deprecated_dict_configuration_still_authenticates(remote: Remote) -> None:
    with pytest.warns(DeprecationWarning):
        config = Configuration(
            host=remote.host,
            api_key={"APIKeyHeader": remote.sim.key},
            api_key_prefix={"APIKeyHeader": "App"},
        )
    api = remote.api(config=config)

    response = await remote.run(api.send_sms_messages, sms_request(TO_A))

    stored = await remote.sim.message(response.messages[0].message_id)
    assert stored["to"] == TO_A


async def test_wrong_key_in_strict_mode_raises_401(strict_remote: Remote) -> None:
    api = strict_remote.api("bad")

    with pytest.raises(UnauthorizedException) as caught:
        await strict_remote.run(api.send_sms_messages, sms_request(TO_A))

    assert caught.value.status == 401
    assert json.loads(caught.value.body)["errorCode"] == "E401"


async def test_right_key_in_strict_mode_is_accepted(strict_remote: Remote) -> None:
    api = strict_remote.api("good")

    response = await strict_remote.run(api.send_sms_messages, sms_request(TO_A))

    assert [m.destination for m in response.messages] == [TO_A]
