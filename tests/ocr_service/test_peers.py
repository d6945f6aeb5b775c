"""The real engine on other OCR projects' test images (tests/ocr_service/data/peers/README.md)."""

from __future__ import annotations

from difflib import SequenceMatcher
from pathlib import Path

import pytest

PEERS = Path(__file__).parent / "data" / "peers"


def read(engine, name):
    return engine.recognize((PEERS / name).read_bytes())


@pytest.mark.parametrize("name", ["white_font_color_transparent.png", "black_font_color_transparent.png"])
def test_text_on_transparency_is_read_whatever_its_colour(engine, name):
    assert [line.text for line in read(engine, name).lines] == ["我是中国人"]


def test_spaces_between_latin_words_are_kept(engine):
    texts = [line.text for line in read(engine, "en.jpg").lines]
    assert texts[2].startswith("To facilitate the shot type analysis in videos,")
    assert texts[-1] == "of this dataset are specified as follows."
    assert all(" " in text for text in texts[2:])


def test_upside_down_line_is_turned(engine):
    result = read(engine, "text_cls.jpg")
    assert [line.text for line in result.lines] == ["怪我咯"]
    assert result.rotation == 180


def test_exif_orientation_is_not_counted_as_a_turn(engine):
    result = read(engine, "img_exif_orientation.jpg")
    assert [line.text for line in result.lines] == ["我是中国人"]
    assert result.rotation == 0 and not result.orientation_unsure


def test_vertical_columns_read_top_to_bottom_right_to_left(engine):
    columns = ["有評是是非非之士師也", "是非不得問之人要取之", "已取之時不參一人見而"]
    texts = [line.text for line in read(engine, "text_vertical_words.jpg").lines]
    assert len(texts) == len(columns)
    # Characters read sideways: a variant form (参 for 參) or a missed stroke may slip in, the order may not.
    for text, column in zip(texts, columns, strict=True):
        assert SequenceMatcher(None, text, column).ratio() >= 0.8, (text, column)
