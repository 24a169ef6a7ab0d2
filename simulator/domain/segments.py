"""SMS length arithmetic: encoding, length in encoding units, number of parts.

Alphabets and part capacities are plain data, and all packing goes through ``count_parts``, so
national language shift tables (which only swap the alphabet and shrink the capacities by their
UDH overhead) and transliteration (which rewrites the text first) can be added without touching
the counting itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

Encoding = Literal["GSM7", "UCS2"]

MAX_PARTS = 25
MAX_TEXT_BYTES = 4000


@dataclass(slots=True)
class Segmentation:
    """How a text travels as SMS. Not frozen: one is made per send, and a frozen dataclass costs
    twice as much to create; nothing changes it."""

    encoding: Encoding
    units: int
    """Length in encoding units: GSM-7 septets or UCS-2 code units."""
    parts: int
    """Number of SMS parts; an empty text still takes (and is billed as) one part."""
    characters_remaining: int
    """Units left in the last part before another part is needed."""


@dataclass(frozen=True, slots=True)
class Capacity:
    """Units that fit in one SMS: alone, or as one part of a concatenated message."""

    single: int
    multi: int


@dataclass(frozen=True, slots=True)
class Gsm7Alphabet:
    """A GSM-7 repertoire: septets per char (2 for extension chars, sent as ESC + code)."""

    units: Mapping[str, int]
    basic: frozenset[str]
    """The one-septet chars, kept as a set for the all-basic fast path."""


def gsm7_alphabet(basic: str, extension: str) -> Gsm7Alphabet:
    """Build an alphabet from its two tables, each given as a string of its characters."""
    # A char of both tables (Portuguese locking shift has ^ \\ | ~ €) is sent from the basic one.
    units = dict.fromkeys(extension, 2) | dict.fromkeys(basic, 1)
    return Gsm7Alphabet(MappingProxyType(units), frozenset(basic))


# GSM 03.38 default alphabet, in table order (0x00-0x7F without 0x1B, the escape to extension).
DEFAULT_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "\u0394_\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u039eÆæßÉ"  # ΔΦΓΛΩΠΨΣΘΞ
    " !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
DEFAULT_EXTENSION = "\f^{}\\[~]|€"
GSM7_DEFAULT = gsm7_alphabet(DEFAULT_BASIC, DEFAULT_EXTENSION)

# A UDH of 6 octets (concatenation header) costs 7 septets or 3 UCS-2 code units per part.
GSM7_CAPACITY = Capacity(single=160, multi=153)
UCS2_CAPACITY = Capacity(single=70, multi=67)
BINARY_CAPACITY = Capacity(single=140, multi=134)


def segment(text: str) -> Segmentation:
    """Encode ``text`` as GSM-7 when every char is in the default alphabet, else as UCS-2."""
    if GSM7_DEFAULT.basic.issuperset(text):  # fast path: plain text, one septet per char
        return _segmentation("GSM7", len(text), _uniform_parts(len(text), GSM7_CAPACITY))
    gsm7 = gsm7_units(text, GSM7_DEFAULT)
    if gsm7 is not None:
        return _segmentation("GSM7", sum(gsm7), count_parts(gsm7, GSM7_CAPACITY))
    ucs2 = ucs2_units(text)
    return _segmentation("UCS2", sum(ucs2), count_parts(ucs2, UCS2_CAPACITY))


def is_too_long(text: str, segmentation: Segmentation | None = None) -> bool:
    """Whether Infobip rejects ``text`` with REJECTED_MESSAGE_TOO_LONG (pass its segmentation
    when it is already known)."""
    parts = (segmentation or segment(text)).parts
    # A char takes at most 4 bytes: shorter texts need no encoding to be measured.
    maybe_too_big = len(text) > MAX_TEXT_BYTES // 4
    return parts > MAX_PARTS or (maybe_too_big and _utf8_length(text) > MAX_TEXT_BYTES)


def binary_parts(hex_bytes: int, data_coding: int) -> int:
    """Parts for a binary message of ``hex_bytes`` octets.

    Infobip sends the octets as given whatever ``data_coding`` says, so the coding does not change
    the count (134 is even, so a UCS-2 code unit never straddles two parts either).
    """
    return _uniform_parts(hex_bytes, BINARY_CAPACITY)[0]


def gsm7_units(text: str, alphabet: Gsm7Alphabet) -> list[int] | None:
    """Septets per char, or None when some char is not in ``alphabet``."""
    units = alphabet.units
    try:
        return [units[char] for char in text]
    except KeyError:
        return None


def ucs2_units(text: str) -> list[int]:
    """UTF-16 code units per char: 2 for astral chars (emoji), which travel as surrogate pairs."""
    return [2 if ord(char) > 0xFFFF else 1 for char in text]


def count_parts(units: Sequence[int], capacity: Capacity) -> tuple[int, int]:
    """Return (parts, units left in the last part) for chars of the given unit widths.

    A multi-unit char (GSM-7 escape sequence, UTF-16 surrogate pair) is never split: when it does
    not fit in what is left of a part it moves whole to the next one, leaving a gap.
    """
    total = sum(units)
    if total == len(units) or total <= capacity.single:
        return _uniform_parts(total, capacity)
    parts, used = 1, 0
    for width in units:
        if used + width > capacity.multi:
            parts, used = parts + 1, 0
        used += width
    return parts, capacity.multi - used


def _uniform_parts(total: int, capacity: Capacity) -> tuple[int, int]:
    """``count_parts`` for chars of one unit each, where no char can straddle a boundary."""
    if total <= capacity.single:
        return 1, capacity.single - total
    parts = -(-total // capacity.multi)
    return parts, parts * capacity.multi - total


def _segmentation(encoding: Encoding, units: int, parts: tuple[int, int]) -> Segmentation:
    return Segmentation(encoding, units, parts[0], parts[1])


def _utf8_length(text: str) -> int:
    # surrogatepass: a lone surrogate (legal in JSON "\ud83d") must be counted, not crash the send.
    return len(text.encode("utf-8", "surrogatepass"))


# -- national language shift tables (3GPP TS 23.038 annex A) ----------------------------------

Language = Literal["TR", "ES", "PT"]


@dataclass(frozen=True, slots=True)
class NationalTables:
    """A language's locking shift table (replaces the basic one; Spanish has none) and single
    shift table (replaces the extension), each given as its characters."""

    locking: str | None
    single: str


NATIONAL: Mapping[Language, NationalTables] = MappingProxyType(
    {
        "TR": NationalTables(
            locking=(
                "@£$¥€éùıòÇ\nĞğ\rÅåΔ_ΦΓΛΩΠΨΣΘΞŞşßÉ"
                " !\"#¤%&'()*+,-./0123456789:;<=>?"
                "İABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
                "çabcdefghijklmnopqrstuvwxyzäöñüà"
            ),
            single="\f^{}\\[~]|ĞİŞç€ğış",
        ),
        "ES": NationalTables(locking=None, single="ç\f^{}\\[~]|ÁÍÓÚá€íóú"),
        "PT": NationalTables(
            locking=(
                "@£$¥êéúíóç\nÔô\rÁáΔ_ªÇÀ∞^\\€Ó|ÂâÊÉ"
                " !\"#º%&'()*+,-./0123456789:;<=>?"
                "ÍABCDEFGHIJKLMNOPQRSTUVWXYZÃÕÚÜ§"
                "~abcdefghijklmnopqrstuvwxyzãõ`üà"
            ),
            single="êç\fÔôÁáΦΓ^ΩΠΨΣΘÊ{}\\[~]|ÀÍÓÚÃÕÂ€íóúãõâ",
        ),
    }
)


def gsm7_capacity(indicators: int) -> Capacity:
    """Septets per part when the UDH carries ``indicators`` national language identifiers.

    Each identifier costs 3 octets, the concatenation header 5, the UDH length 1; the UDH is
    padded to whole septets: 160/153 without identifiers, 155/149 with one, 152/146 with two.
    """
    single_udh = 1 + 3 * indicators if indicators else 0
    multi_udh = 1 + 5 + 3 * indicators
    return Capacity(single=160 - -(-single_udh * 8 // 7), multi=160 - -(-multi_udh * 8 // 7))


def _national_options(language: Language) -> tuple[tuple[Gsm7Alphabet, Capacity], ...]:
    tables = NATIONAL[language]
    options = [(gsm7_alphabet(DEFAULT_BASIC, tables.single), gsm7_capacity(1))]
    if tables.locking is not None:
        options.append((gsm7_alphabet(tables.locking, DEFAULT_EXTENSION), gsm7_capacity(1)))
        options.append((gsm7_alphabet(tables.locking, tables.single), gsm7_capacity(2)))
    return tuple(options)


NATIONAL_OPTIONS = MappingProxyType({code: _national_options(code) for code in NATIONAL})
"""Per language: single shift only, locking shift only, both (each alphabet with its capacity)."""


def segment_national(text: str, languages: Sequence[Language]) -> Segmentation:
    """The cheapest encoding with the national tables of ``languages``: plain GSM-7 when it
    fits, else the table combination giving the fewest parts (most room left on a tie), else
    UCS-2. The tables are only used, and their identifiers only paid for, when they help."""
    best = segment(text)
    for language in languages:
        for alphabet, capacity in NATIONAL_OPTIONS[language]:
            units = gsm7_units(text, alphabet)
            if units is None:
                continue
            candidate = _segmentation("GSM7", sum(units), count_parts(units, capacity))
            if _cheaper(candidate, best):
                best = candidate
    return best


def _cheaper(candidate: Segmentation, than: Segmentation) -> bool:
    return (candidate.parts, -candidate.characters_remaining) < (
        than.parts,
        -than.characters_remaining,
    )
