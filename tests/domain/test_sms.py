"""SMS segment counting: GSM-7 160/153, extension characters count two and are
never split, anything else makes the message UCS-2 70/67."""

from __future__ import annotations

import pytest

from crisis.posts.sms import GSM7, GSM7_BASIC, GSM7_EXTENSION, UCS2, measure


def test_the_gsm_alphabet_has_127_characters_plus_the_escape():
    assert len(GSM7_BASIC) == 127  # 128 positions, one of them the escape
    assert not GSM7_BASIC & GSM7_EXTENSION


def test_norwegian_letters_are_gsm():
    length = measure("Kok vannet på Grorud, Stovner og Alna! ÆØÅ æøå")
    assert length.encoding == GSM7
    assert length.units == len("Kok vannet på Grorud, Stovner og Alna! ÆØÅ æøå")


@pytest.mark.parametrize(
    ("chars", "segments"),
    [(1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)],
)
def test_gsm_segments_are_160_then_153(chars, segments):
    assert measure("a" * chars).segments == segments


def test_extension_characters_take_two_septets():
    length = measure("Pris: 100 €")
    assert (length.encoding, length.units) == (GSM7, 12)
    assert measure("€" * 80).segments == 1
    assert measure("€" * 80 + "a").segments == 2


def test_an_extension_character_is_not_split_across_segments():
    # 306 septets would fit two segments, but after 152 septets the € (two)
    # does not fit the one septet left in segment one, so it takes three.
    assert measure("a" * 152 + "€" + "a" * 152).units == 306
    assert measure("a" * 152 + "€" + "a" * 152).segments == 3
    assert measure("a" * 151 + "€" + "a" * 153).segments == 2


@pytest.mark.parametrize(
    ("chars", "segments"), [(70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)]
)
def test_ucs2_segments_are_70_then_67(chars, segments):
    assert measure("«" + "a" * (chars - 1)).segments == segments


def test_a_character_outside_gsm_makes_it_ucs2_and_is_named():
    length = measure("Kokevarsel – «kok vannet»")
    assert length.encoding == UCS2
    assert length.outside_gsm == ("–", "«", "»")


def test_emoji_take_two_units_and_are_not_split():
    assert measure("🙂").units == 2
    assert measure("a" * 66 + "🙂" + "a" * 66).segments == 3
    assert measure("a" * 65 + "🙂" + "a" * 67).segments == 2
