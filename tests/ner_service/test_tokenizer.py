from ner_service.tokenizer import NEWLINE, SPECIALS, UNK, CharTokenizer


def test_one_id_per_character_so_offsets_map_one_to_one():
    tokenizer = CharTokenizer.default()
    text = "易方达蓝筹精选混合(005827)\n可用份额：1,234.56份 ＡＢ"
    ids = tokenizer.encode(text)
    assert len(ids) == len(text)
    assert [tokenizer.tokens[i] for i in ids] == [NEWLINE if c == "\n" else c for c in text]


def test_vocabulary_covers_ascii_full_width_and_the_ocr_character_list():
    tokenizer = CharTokenizer.default()
    assert tokenizer.tokens[: len(SPECIALS)] == SPECIALS
    for char in [chr(c) for c in range(0x20, 0x7F)] + ["，", "（", "）", "：", "％", "份", "额", "基", "¥", "　"]:
        assert char in tokenizer.ids, char
    assert len(tokenizer) > 6000


def test_unknown_characters_newlines_and_aliases():
    tokenizer = CharTokenizer.default()
    unknown = "\U0001f600"  # an emoji: not a character the OCR model emits
    ids = tokenizer.encode(f"a{unknown}\n\r\tb")
    assert ids[1] == tokenizer.ids[UNK] == tokenizer.unk_id
    assert ids[2] == ids[3] == tokenizer.ids[NEWLINE]
    assert ids[4] == tokenizer.ids[" "]
    assert tokenizer.encode("") == []


def test_save_and_load_round_trip_keeps_every_token_including_space(tmp_path):
    tokenizer = CharTokenizer.default()
    tokenizer.save(tmp_path)
    loaded = CharTokenizer.load(tmp_path)
    assert loaded.tokens == tokenizer.tokens
    text = "持有份额 12,345.67\n代码 000001"
    assert loaded.encode(text) == tokenizer.encode(text)


def test_a_vocabulary_without_the_special_tokens_first_is_refused():
    import pytest

    with pytest.raises(ValueError):
        CharTokenizer(["a", *SPECIALS])
    with pytest.raises(ValueError):
        CharTokenizer([*SPECIALS, "a", "a"])
