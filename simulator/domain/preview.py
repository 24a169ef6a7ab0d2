# ruff: noqa: RUF001 -- the tables are letters of other scripts on purpose
"""Message preview (``POST /sms/1/preview``): transliteration and national language tables.

Transliteration only rewrites chars that GSM-7 cannot carry (default alphabet and extension),
each table covering its scripts or accented letters: Latin letters lose their diacritics,
Greek is written in capitals with the Latin look-alikes (as Infobip's example shows: ``Ως`` ->
``ΩΣ``, ``Μεγαρικό`` -> ``MEΓAPIKO``), Cyrillic is romanised. ``NON_UNICODE`` applies every
table and then replaces what is still not GSM-7 by its unaccented form or ``?``, so its result is
always GSM-7. ``ALL`` applies every table.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .segments import (
    GSM7_DEFAULT,
    NATIONAL,
    Language,
    Segmentation,
    segment,
    segment_national,
)

_UNDOTTED = {"ı": "i", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ħ": "h", "Ħ": "H"}
"""Latin letters whose diacritic is part of the letter (no Unicode decomposition)."""


def _base(char: str) -> str:
    return _UNDOTTED.get(char) or unicodedata.normalize("NFD", char)[0]


def _latin(letters: str) -> dict[str, str]:
    """Accented letters -> their bare letters; letters GSM-7 has are left alone."""
    return {c: _base(c) for c in letters if c not in GSM7_DEFAULT.units}


_GREEK_CAPITALS = dict(zip("ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ", "ABΓΔEZHΘIKΛMNΞOΠPΣTYΦXΨΩ", strict=True))


def _greek() -> dict[str, str]:
    """Every Greek letter, accented or not, as its GSM-7 capital or Latin look-alike."""
    table = {}
    for code in range(0x0386, 0x03D0):
        char = chr(code)
        capital = unicodedata.normalize("NFD", char)[0].upper()
        if unicodedata.category(char).startswith("L") and capital in _GREEK_CAPITALS:
            table[char] = _GREEK_CAPITALS[capital]
    return {c: t for c, t in table.items() if c not in GSM7_DEFAULT.units}


_RUSSIAN = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "'",
            "y",
            "'",
            "e",
            "yu",
            "ya",
        ],
        strict=True,
    )
)
_UKRAINIAN = {"є": "ye", "і": "i", "ї": "yi", "ґ": "g"}
_SERBIAN = {"ђ": "dj", "ј": "j", "љ": "lj", "њ": "nj", "ћ": "c", "џ": "dz", "ж": "z", "ц": "c"}
_SERBIAN |= {"ч": "c", "ш": "s", "х": "h", "й": "j"}
_BULGARIAN = {"щ": "sht", "ъ": "a", "ь": "y", "ю": "yu", "я": "ya", "й": "y", "х": "h"}


def _cyrillic(lower: Mapping[str, str]) -> dict[str, str]:
    """Lower-case romanisations, and the capitals (``Ж`` -> ``Zh``)."""
    table = dict(lower)
    for char, latin in lower.items():
        table[char.upper()] = latin.capitalize()
    return table


def _ready(table: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(table))


TABLES: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "NONE": _ready({}),
        "TURKISH": _ready(_latin("ÇçĞğİıŞşÖöÜüÂâÎîÛû")),
        "GREEK": _ready(_greek()),
        "CYRILLIC": _ready(_cyrillic(_RUSSIAN | _UKRAINIAN)),
        "SERBIAN_CYRILLIC": _ready(_cyrillic(_RUSSIAN | _SERBIAN)),
        "BULGARIAN_CYRILLIC": _ready(_cyrillic(_RUSSIAN | _BULGARIAN)),
        "CENTRAL_EUROPEAN": _ready(
            _latin("ĄąĆćČčĎďĐđĘęĚěĹĺĽľŁłŃńŇňŐőŔŕŘřŚśŠšŤťŮůŰűŹźŻżŽžÁáÂâÍíÓóÔôÚúÝýËëĂăȘșȚțŞşŢţ")
        ),
        "BALTIC": _ready(_latin("ĀāČčĒēĢģĪīĶķĻļŅņŠšŪūŽžĄąĖėĘęĮįŲųÕõ")),
        "PORTUGUESE": _ready(_latin("ÁáÂâÃãÀàÇçÉéÊêÍíÓóÔôÕõÚúÜü")),
        "COLOMBIAN": _ready(_latin("ÁáÉéÍíÓóÚúÑñÜü")),
    }
)
_EVERY = _ready({char: t for table in TABLES.values() for char, t in table.items()})


def transliterate(text: str, transliteration: str) -> str:
    """``text`` with the chars ``transliteration`` covers rewritten (see the module doc)."""
    if transliteration == "NON_UNICODE":
        return "".join(_gsm7_only(_EVERY.get(c, c)) for c in text)
    table = _EVERY if transliteration == "ALL" else TABLES[transliteration]
    return "".join(table.get(c, c) for c in text)


def _gsm7_only(text: str) -> str:
    return "".join(c if c in GSM7_DEFAULT.units else _fallback(c) for c in text)


def _fallback(char: str) -> str:
    base = _base(char)
    return base if base in GSM7_DEFAULT.units else "?"


@dataclass(frozen=True, slots=True)
class Preview:
    text: str
    segmentation: Segmentation
    language: str | None = None
    transliteration: str | None = None


def previews(text: str, language: str | None, transliteration: str | None) -> list[Preview]:
    """The unmodified text first, then one preview per requested option."""
    found = [Preview(text, segment(text))]
    if language is not None:
        found.append(Preview(text, segment_national(text, _languages(language)), language=language))
    if transliteration is not None:
        rewritten = transliterate(text, transliteration)
        found.append(Preview(rewritten, segment(rewritten), transliteration=transliteration))
    return found


def segment_as_sent(text: str, language: str | None, transliteration: str | None) -> Segmentation:
    """How a send with these options is counted: transliterated first, then encoded with the
    language's national tables (``NONE`` for either means not asked)."""
    if transliteration not in (None, "NONE"):
        text = transliterate(text, transliteration)
    if language not in (None, "NONE"):
        return segment_national(text, _languages(language))
    return segment(text)


def _languages(code: str) -> list[Language]:
    """``AUTODETECT`` tries every language with national tables."""
    return [language for language in NATIONAL if code in (language, "AUTODETECT")]
