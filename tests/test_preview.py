"""``POST /sms/1/preview``: the official examples byte for byte, national language tables and
transliteration."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from conftest import Sim

from simulator.domain.preview import transliterate
from simulator.domain.segments import segment, segment_national

SPEC = Path("/work/shared/reference/infobip-sms-openapi-3.210.0.json")
EXAMPLES = [
    ("Preview message count and remaining characters", "Preview response"),
    ("Preview with message language", "Preview response for request with message language"),
    ("Preview with transliteration", "Preview response for request with transliteration"),
]


@cache
def official() -> dict[str, Any]:
    operation = json.loads(SPEC.read_text())["paths"]["/sms/1/preview"]["post"]
    requests = operation["requestBody"]["content"]["application/json"]["examples"]
    responses = operation["responses"]["200"]["content"]["application/json"]["examples"]
    return {"requests": requests, "responses": responses}


async def preview(sim: Sim, expect: int = 200, **body: Any) -> Any:
    return await sim.call("POST", "/sms/1/preview", json=body, expect=expect)


@pytest.mark.skipif(not SPEC.is_file(), reason="the official OpenAPI document is not here")
@pytest.mark.parametrize(("request_name", "response_name"), EXAMPLES)
async def test_official_examples_byte_for_byte(
    sim: Sim, request_name: str, response_name: str
) -> None:
    request = official()["requests"][request_name]["value"]
    expected = official()["responses"][response_name]["value"]
    # The transliteration example answers an originalText ending in "." that its request does
    # not have (its previews do not have it either): originalText echoes the request here.
    expected = expected | {"originalText": request["text"]}

    response = await sim.client.post("/sms/1/preview", json=request, headers=sim.auth)

    assert response.status == 200
    raw = json.dumps(expected, ensure_ascii=False, separators=(",", ":")).encode()
    assert await response.read() == raw


async def test_both_options_give_one_preview_each(sim: Sim) -> None:
    body = await preview(
        sim, text="Çok güzel, teşekkürler!", languageCode="TR", transliteration="TURKISH"
    )

    plain, language, transliterated = body["previews"]
    assert plain["configuration"] == {}
    assert language["configuration"] == {"language": {"languageCode": "TR"}}
    assert (language["messageCount"], language["charactersRemaining"]) == (1, 155 - 23)
    assert transliterated == {
        "textPreview": "Çok güzel, tesekkürler!",
        "messageCount": 1,
        "charactersRemaining": 160 - 23,
        "configuration": {"transliteration": "TURKISH"},
    }


async def test_invalid_options_are_bad_requests(sim: Sim) -> None:
    body = await preview(sim, expect=400, text="Hi", languageCode="DE")
    assert body["requestError"]["serviceException"]["messageId"] == "BAD_REQUEST"
    await preview(sim, expect=400, languageCode="TR")


@pytest.mark.parametrize(
    ("text", "language", "parts", "remaining"),
    [
        ("plain text needs no table", "TR", 1, 160 - 25),  # no identifier paid for
        ("Â" * 10, "PT", 1, 155 - 10),  # Portuguese locking shift: one septet each
        ("ªΦ" + "a" * 148, "PT", 1, 152 - 151),  # ª locking, Φ single shift only: both tables
        ("¿Cómo está, señora?", "ES", 1, 155 - 21),  # ó and á from the single shift: 2 septets
        ("ğ" * 160, "TR", 2, 2 * 149 - 160),  # concatenated, one identifier: 149 per part
        ("Ğ ş", "AUTODETECT", 1, 155 - 3),
        ("Привет", "TR", 1, 70 - 6),  # no table helps: UCS-2
    ],
)
def test_national_language_tables(text: str, language: Any, parts: int, remaining: int) -> None:
    languages = ["TR", "ES", "PT"] if language == "AUTODETECT" else [language]
    result = segment_national(text, languages)
    assert (result.parts, result.characters_remaining) == (parts, remaining)


@pytest.mark.parametrize(
    ("text", "transliteration", "expected"),
    [
        ("Şişli'de \u0131l\u0131k", "TURKISH", "Sisli'de ilik"),
        ("Жёлтый щит", "CYRILLIC", "Zheltyy shchit"),
        ("Ђорђе Јовановић", "SERBIAN_CYRILLIC", "Djordje Jovanovic"),
        ("Щастие", "BULGARIAN_CYRILLIC", "Shtastie"),
        ("Łódź, Žluťoučký kůň, Győr", "CENTRAL_EUROPEAN", "Lodz, Zlutoucky kun, Gyor"),
        ("Rīga, Šiauliai", "BALTIC", "Riga, Siauliai"),
        ("Açúcar à noite", "PORTUGUESE", "Acucar à noite"),
        ("Más allá", "COLOMBIAN", "Mas alla"),
        ("Αθήνα und Kraków", "ALL", "AΘHNA und Krakow"),
        ("Ωμέγα ✓ Łódź 😀", "NON_UNICODE", "ΩMEΓA ? Lodz ?"),
        ("Ωμέγα", "NONE", "Ωμέγα"),
    ],
)
def test_transliteration(text: str, transliteration: str, expected: str) -> None:
    assert transliterate(text, transliteration) == expected


def test_non_unicode_is_always_gsm7() -> None:
    assert segment(transliterate("日本語 — “quotes” ½", "NON_UNICODE")).encoding == "GSM7"
