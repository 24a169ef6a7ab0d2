"""The official Python SDK (6.0.0) on inbound pull and preview (see test_python_sdk.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from infobip_api_client import SmsPreviewRequest
from test_python_sdk import Remote, _remote

from simulator.domain.clock import ClockSpec
from simulator.settings import Settings


@pytest.fixture
async def remote(aiohttp_server: Any, aiohttp_client: Any) -> AsyncIterator[Remote]:
    r = await _remote(aiohttp_server, aiohttp_client, Settings(clock=ClockSpec("manual")))
    yield r
    r.close()


async def test_inbound_messages_are_parsed_and_fetched_once(remote: Remote) -> None:
    fields = {"from": "385916242493", "to": "385921004026", "text": "QUIZ Paris"}
    await remote.sim.call(
        "POST",
        "/simulator/keywords",
        json={"number": "385921004026", "keyword": "quiz"},
        expect=201,
    )
    for _ in range(2):
        await remote.sim.call("POST", "/simulator/inbound", json=fields, expect=201)
    api = remote.api()

    first = await remote.run(api.get_inbound_sms_messages, limit=1)
    second = await remote.run(api.get_inbound_sms_messages)

    assert (first.message_count, first.pending_message_count) == (1, 1)
    [message] = first.results
    assert (message.var_from, message.to, message.keyword, message.clean_text) == (
        "385916242493",
        "385921004026",
        "QUIZ",
        "Paris",
    )
    assert message.sms_count == 1 and message.price.currency == "EUR"
    assert message.received_at.tzinfo is not None
    assert (second.message_count, second.pending_message_count) == (1, 0)


async def test_preview_is_parsed(remote: Remote) -> None:
    api = remote.api()
    request = SmsPreviewRequest(text="Ως Μεγαρικό", language_code="TR", transliteration="GREEK")

    response = await remote.run(api.preview_sms_message, request)

    assert response.original_text == "Ως Μεγαρικό"
    plain, language, greek = response.previews
    assert (plain.message_count, plain.characters_remaining) == (1, 70 - 11)
    assert language.configuration.language.language_code == "TR"
    assert greek.text_preview == "ΩΣ MEΓAPIKO"
    assert greek.configuration.transliteration == "GREEK"
