import pytest

from simulator.domain.segments import (
    GSM7_CAPACITY,
    Capacity,
    Segmentation,
    binary_parts,
    count_parts,
    is_too_long,
    segment,
)

GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = "\f^{}\\[]~|€"
EMOJI = "\U0001f600"  # one code point, a surrogate pair in UTF-16
CYRILLIC = "ж"  # not GSM-7, one UCS-2 unit


def test_infobip_preview_example_gsm7() -> None:
    text = "Let's see how many characters remain unused in this message."
    assert len(text) == 60
    assert segment(text) == Segmentation("GSM7", 60, 1, 100)


def test_infobip_preview_examples_ucs2() -> None:
    assert segment(CYRILLIC * 98) == Segmentation("UCS2", 98, 2, 36)
    assert segment(CYRILLIC * 155) == Segmentation("UCS2", 155, 3, 46)


def test_empty_text_is_one_gsm7_part() -> None:
    assert segment("") == Segmentation("GSM7", 0, 1, 160)


@pytest.mark.parametrize(
    ("length", "parts", "remaining"),
    [(1, 1, 159), (160, 1, 0), (161, 2, 145), (306, 2, 0), (307, 3, 152)],
)
def test_gsm7_boundaries(length: int, parts: int, remaining: int) -> None:
    assert segment("a" * length) == Segmentation("GSM7", length, parts, remaining)


@pytest.mark.parametrize(
    ("length", "parts", "remaining"),
    [(70, 1, 0), (71, 2, 63), (134, 2, 0), (135, 3, 66)],
)
def test_ucs2_boundaries(length: int, parts: int, remaining: int) -> None:
    assert segment(CYRILLIC * length) == Segmentation("UCS2", length, parts, remaining)


def test_whole_basic_table_is_gsm7_one_unit_each() -> None:
    assert len(set(GSM_BASIC)) == 127
    assert segment(GSM_BASIC) == Segmentation("GSM7", 127, 1, 33)


@pytest.mark.parametrize("char", list(GSM_EXTENSION))
def test_extension_char_counts_two(char: str) -> None:
    assert segment(char) == Segmentation("GSM7", 2, 1, 158)


@pytest.mark.parametrize("char", ["`", "ç", "á", "Ğ", "\t", CYRILLIC])
def test_char_outside_gsm7_switches_to_ucs2(char: str) -> None:
    assert segment("a" * 100 + char).encoding == "UCS2"


def test_extension_char_counts_one_in_ucs2() -> None:
    assert segment("€" + CYRILLIC) == Segmentation("UCS2", 2, 1, 68)


def test_extension_chars_fill_single_part_exactly() -> None:
    assert segment("€" * 80) == Segmentation("GSM7", 160, 1, 0)
    assert segment("a" + "€" * 80) == Segmentation("GSM7", 161, 2, 145)


def test_extension_char_is_not_split_across_parts() -> None:
    # 152 + 2 > 153, so "€" opens part 2, leaving one septet of part 1 unused.
    assert segment("a" * 152 + "€" + "a" * 7) == Segmentation("GSM7", 161, 2, 144)


def test_extension_char_fitting_the_part_end_is_not_moved() -> None:
    assert segment("a" * 151 + "€" + "a" * 8) == Segmentation("GSM7", 161, 2, 145)


def test_unsplittable_chars_can_add_a_part() -> None:
    # 153 extension chars: 76 per part (152 septets), so 3 parts where 306 septets would fit 2.
    assert segment("€" * 153) == Segmentation("GSM7", 306, 3, 153 - 2)


def test_emoji_counts_two_ucs2_units() -> None:
    assert segment(EMOJI) == Segmentation("UCS2", 2, 1, 68)
    assert segment("a" * 68 + EMOJI) == Segmentation("UCS2", 70, 1, 0)
    assert segment("a" * 69 + EMOJI) == Segmentation("UCS2", 71, 2, 63)


def test_emoji_is_not_split_across_parts() -> None:
    assert segment(CYRILLIC * 66 + EMOJI + CYRILLIC * 3) == Segmentation("UCS2", 71, 2, 62)


def test_lone_surrogate_counts_one_unit() -> None:
    assert segment("\ud83d") == Segmentation("UCS2", 1, 1, 69)
    assert not is_too_long("\ud83d")


def test_count_parts_packs_per_char_widths() -> None:
    assert count_parts([], GSM7_CAPACITY) == (1, 160)
    small = Capacity(single=5, multi=4)
    assert count_parts([2, 2, 1], small) == (1, 0)
    assert count_parts([1, 2, 2, 1], small) == (2, 1)
    assert count_parts([2, 1, 2, 2, 2], small) == (3, 2)


@pytest.mark.parametrize(
    ("text", "too_long"),
    [
        ("a" * 25 * 153, False),
        ("a" * (25 * 153 + 1), True),
        (CYRILLIC * 25 * 67, False),
        (CYRILLIC * (25 * 67 + 1), True),
    ],
)
def test_too_long_after_25_parts(text: str, too_long: bool) -> None:
    assert segment(text).parts == (26 if too_long else 25)
    assert is_too_long(text) is too_long


@pytest.mark.parametrize(
    ("text", "size", "too_long"),
    [
        ("é" * 2000, 4000, False),
        ("é" * 2000 + "a", 4001, True),
        ("€" * 1333 + "a", 4000, False),
        ("€" * 1333 + "é", 4001, True),
    ],
)
def test_too_long_after_4000_utf8_bytes(text: str, size: int, too_long: bool) -> None:
    assert len(text.encode()) == size
    assert segment(text).parts < 25
    assert is_too_long(text) is too_long


@pytest.mark.parametrize(
    ("size", "parts"),
    [(0, 1), (1, 1), (140, 1), (141, 2), (268, 2), (269, 3), (25 * 134, 25)],
)
@pytest.mark.parametrize("data_coding", [0, 4, 8])
def test_binary_parts(size: int, parts: int, data_coding: int) -> None:
    assert binary_parts(size, data_coding) == parts
